#include "plan/resolved_plan.h"

#include <atomic>
#include <cctype>
#include <map>

namespace sk8::plan {
namespace {

std::string Columns(const arrow::Schema& schema) {
  std::string out = "[";
  for (int i = 0; i < schema.num_fields(); ++i) out += (i ? ", " : "") + schema.field(i)->name();
  return out + "]";
}

/// An expression's structure (calls by function and arguments, columns by
/// identity), whatever its output name: what sameSemantics compares.
std::string Structural(const BoundExpr& expr) {
  switch (expr.kind) {
    case BoundKind::kColumnRef: return "#" + std::to_string(expr.column_id >= 0 ? expr.column_id : expr.column_index);
    case BoundKind::kLiteral:
      return (expr.literal ? expr.literal->ToString() + ":" + expr.literal->type->ToString() : expr.name);
    case BoundKind::kCall: {
      std::string out = expr.function_name + "(";
      for (size_t i = 0; i < expr.args.size(); ++i) out += (i ? ", " : "") + Structural(*expr.args[i]);
      return out + "):" + expr.type->ToString();
    }
  }
  return expr.name;
}

std::string Describe(const ResolvedPlan& node, bool canonical = false) {
  auto ToString = [canonical](const BoundExpr& e) { return canonical ? Structural(e) : plan::ToString(e); };
  switch (node.kind) {
    case ResolvedKind::kRange:
      return "Range (" + std::to_string(node.range_start) + ", " + std::to_string(node.range_end) +
             ", step=" + std::to_string(node.range_step) + ")";
    case ResolvedKind::kLocalTable: return "LocalRelation " + Columns(*node.schema);
    case ResolvedKind::kProject: {
      std::string out = "Project [";
      for (size_t i = 0; i < node.expressions.size(); ++i) {
        out += (i ? ", " : "") + ToString(*node.expressions[i]);
        if (node.expressions[i]->kind != BoundKind::kColumnRef && !canonical) {
          out += " AS " + node.schema->field(static_cast<int>(i))->name();
        }
      }
      return out + "]";
    }
    case ResolvedKind::kFilter: return "Filter " + ToString(*node.condition);
    case ResolvedKind::kLimit:
      return "Limit " + std::to_string(node.limit) + (node.offset ? " offset " + std::to_string(node.offset) : "");
    case ResolvedKind::kTail: return "Tail " + std::to_string(node.limit);
    case ResolvedKind::kAggregate: {
      std::string out = "Aggregate [";
      for (size_t i = 0; i < node.grouping.size(); ++i) out += (i ? ", " : "") + ToString(*node.grouping[i]);
      out += "], [";
      for (size_t i = 0; i < node.aggregates.size(); ++i) {
        const auto& a = node.aggregates[i];
        std::string shown = a.name;
        if (canonical) {
          shown = a.function_name + (a.distinct ? "(DISTINCT " : "(");
          for (size_t k = 0; k < a.args.size(); ++k) shown += (k ? ", " : "") + Structural(*a.args[k]);
          shown += ")" + (a.filter ? " FILTER " + Structural(*a.filter) : std::string());
        }
        out += (i ? ", " : "") + shown;
      }
      return out + "]";
    }
    case ResolvedKind::kSort: {
      std::string out = "Sort [";
      for (size_t i = 0; i < node.sort_keys.size(); ++i) {
        out += (i ? ", " : "") + ToString(*node.sort_keys[i].expr) + (node.sort_keys[i].ascending ? " ASC" : " DESC");
      }
      return out + "]";
    }
    case ResolvedKind::kShowString: return "ShowString " + std::to_string(node.show_rows);
    case ResolvedKind::kUnion: return "Union " + Columns(*node.schema);
    case ResolvedKind::kSingleRow: return "EnforceSingleRow " + Columns(*node.schema);
    case ResolvedKind::kReplicateRows: return "ReplicateRows " + ToString(*node.replicate_count);
    case ResolvedKind::kGenerate: {
      static const char* kNames[] = {"explode", "posexplode", "inline"};
      return std::string("Generate ") + kNames[static_cast<int>(node.generator.kind)] +
             (node.generator.outer ? "_outer(" : "(") + ToString(*node.generator.input) + "), " + Columns(*node.schema);
    }
    case ResolvedKind::kDeduplicate: {
      std::string out = "Deduplicate [";
      for (size_t i = 0; i < node.grouping.size(); ++i) out += (i ? ", " : "") + ToString(*node.grouping[i]);
      return out + "]";
    }
    case ResolvedKind::kExpand: {
      std::string out = "Expand [";
      for (size_t p = 0; p < node.expand_projections.size(); ++p) {
        out += p ? ", [" : "[";
        const auto& projection = node.expand_projections[p];
        for (size_t i = 0; i < projection.size(); ++i) out += (i ? ", " : "") + ToString(*projection[i]);
        out += "]";
      }
      return out + "], " + Columns(*node.schema);
    }
    case ResolvedKind::kWindow: {
      std::string out = "Window [";
      for (size_t i = 0; i < node.window_functions.size(); ++i) out += (i ? ", " : "") + node.window_functions[i].name;
      out += "], [";
      for (size_t i = 0; i < node.grouping.size(); ++i) out += (i ? ", " : "") + ToString(*node.grouping[i]);
      out += "], [";
      for (size_t i = 0; i < node.sort_keys.size(); ++i) {
        out += (i ? ", " : "") + ToString(*node.sort_keys[i].expr) + (node.sort_keys[i].ascending ? " ASC" : " DESC");
      }
      return out + "]";
    }
    case ResolvedKind::kJoin:
      return std::string("Join ") + JoinTypeName(node.join_type) +
             (node.condition ? ", " + ToString(*node.condition) : std::string());
    case ResolvedKind::kFileScan:
      return "FileScan " + node.format + " " + Columns(*node.schema) + " (" + std::to_string(node.files.size()) +
             " files)";
  }
  return "?";
}

void Render(const ResolvedPlan& node, int depth, std::string* out, bool canonical = false) {
  if (depth > 0) *out += std::string((depth - 1) * 3, ' ') + "+- ";
  *out += Describe(node, canonical) + "\n";
  for (const auto& child : node.children) Render(*child, depth + 1, out, canonical);
}

}  // namespace

const char* JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner: return "Inner";
    case JoinType::kLeftOuter: return "LeftOuter";
    case JoinType::kRightOuter: return "RightOuter";
    case JoinType::kFullOuter: return "FullOuter";
    case JoinType::kLeftSemi: return "LeftSemi";
    case JoinType::kLeftAnti: return "LeftAnti";
    case JoinType::kCross: return "Cross";
  }
  return "?";
}

std::shared_ptr<ResolvedPlan> MakeJoinNode(const ResolvedPtr& left, const ResolvedPtr& right, JoinType type,
                                           BoundExprPtr condition) {
  auto join = std::make_shared<ResolvedPlan>();
  join->kind = ResolvedKind::kJoin;
  join->join_type = type;
  join->condition = std::move(condition);
  arrow::FieldVector fields = left->schema->fields();
  for (const auto& f : right->schema->fields()) fields.push_back(f);
  join->schema = arrow::schema(fields);
  join->column_ids = left->column_ids;
  join->column_ids.insert(join->column_ids.end(), right->column_ids.begin(), right->column_ids.end());
  join->qualifiers = left->qualifiers;
  join->qualifiers.insert(join->qualifiers.end(), right->qualifiers.begin(), right->qualifiers.end());
  join->plan_ids = left->plan_ids;
  join->plan_ids.insert(join->plan_ids.end(), right->plan_ids.begin(), right->plan_ids.end());
  join->children = {left, right};
  return join;
}

std::shared_ptr<ResolvedPlan> MakeSemiJoinNode(const ResolvedPtr& left, const ResolvedPtr& right, JoinType type,
                                               BoundExprPtr condition) {
  auto join = MakeJoinNode(left, right, type, std::move(condition));
  join->schema = left->schema;
  join->column_ids = left->column_ids;
  join->qualifiers = left->qualifiers;
  join->plan_ids = left->plan_ids;
  return join;
}

int ColumnPosition(const ResolvedPlan& node, ColumnId id) {
  for (size_t i = 0; i < node.column_ids.size(); ++i) {
    if (node.column_ids[i] == id) return static_cast<int>(i);
  }
  return -1;
}

std::shared_ptr<ResolvedPlan> MakeFilterNode(const ResolvedPtr& child, BoundExprPtr condition) {
  auto filter = std::make_shared<ResolvedPlan>();
  filter->kind = ResolvedKind::kFilter;
  filter->schema = child->schema;
  filter->column_ids = child->column_ids;
  filter->qualifiers = child->qualifiers;
  filter->plan_ids = child->plan_ids;
  filter->condition = std::move(condition);
  filter->children = {child};
  return filter;
}

std::shared_ptr<ResolvedPlan> MakeColumnProjectNode(const ResolvedPtr& child, const std::vector<int>& positions) {
  auto project = std::make_shared<ResolvedPlan>();
  project->kind = ResolvedKind::kProject;
  arrow::FieldVector fields;
  for (int position : positions) {
    const auto& field = child->schema->field(position);
    auto ref = std::make_shared<BoundExpr>(*BoundExpr::Column(position, field->type(), field->nullable(), field->name()));
    ref->column_id = child->column_ids[position];
    project->expressions.push_back(std::move(ref));
    fields.push_back(field);
    project->column_ids.push_back(child->column_ids[position]);
    project->qualifiers.push_back(child->qualifiers.empty() ? "" : child->qualifiers[position]);
  }
  project->schema = arrow::schema(std::move(fields));
  project->children = {child};
  return project;
}

ColumnId NewColumnId() {
  static std::atomic<ColumnId> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

namespace {

/// The files every scan reads, which EXPLAIN counts but does not list: scans
/// of different files are different plans.
void AppendScannedFiles(const ResolvedPlan& node, std::string* out) {
  if (node.kind == ResolvedKind::kFileScan) {
    for (const auto& file : node.files) *out += file + "\n";
  }
  for (const auto& child : node.children) AppendScannedFiles(*child, out);
}

}  // namespace

std::string CanonicalString(const ResolvedPlan& plan) {
  std::string text;
  Render(plan, 0, &text, /*canonical=*/true);
  AppendScannedFiles(plan, &text);
  return RenumberColumnIds(text);
}

std::string RenumberColumnIds(const std::string& text) {
  std::map<std::string, int> renumbered;
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] != '#') continue;
    size_t end = i + 1;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end == i + 1) continue;
    auto [it, inserted] = renumbered.emplace(text.substr(i + 1, end - i - 1), static_cast<int>(renumbered.size()));
    out += std::to_string(it->second);
    i = end - 1;
  }
  return out;
}

std::string ExplainString(const ResolvedPlan& plan) {
  std::string out;
  Render(plan, 0, &out);
  return out;
}

}  // namespace sk8::plan
