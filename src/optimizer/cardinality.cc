#include "optimizer/cardinality.h"

#include <algorithm>
#include <cmath>

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundKind;
using plan::ResolvedKind;
using plan::ResolvedPlan;

constexpr double kUnknownRows = 1e6;

bool IsColumnAndLiteral(const BoundExpr& e) {
  if (e.args.size() != 2) return false;
  const auto a = e.args[0]->kind, b = e.args[1]->kind;
  return (a == BoundKind::kColumnRef && b == BoundKind::kLiteral) ||
         (a == BoundKind::kLiteral && b == BoundKind::kColumnRef);
}

/// Where column `id` of `node` comes from, followed down through filters,
/// sorts, limits, projections that pass it on, and joins: the leaf (scan,
/// range, local table) or the aggregate grouping it, and the column's identity
/// there; {nullptr, -1} when it is computed (an aggregate, an expression).
std::pair<const ResolvedPlan*, plan::ColumnId> SourceOf(const ResolvedPlan& node, plan::ColumnId id) {
  switch (node.kind) {
    case ResolvedKind::kFileScan:
    case ResolvedKind::kRange:
    case ResolvedKind::kLocalTable: return {&node, id};
    case ResolvedKind::kFilter:
    case ResolvedKind::kSort:
    case ResolvedKind::kLimit: return SourceOf(node.child(), id);
    case ResolvedKind::kProject:
      for (size_t i = 0; i < node.expressions.size(); ++i) {
        const auto& e = *node.expressions[i];
        if (node.column_ids[i] == id && e.kind == BoundKind::kColumnRef) return SourceOf(node.child(), e.column_id);
      }
      return {nullptr, -1};
    case ResolvedKind::kAggregate:
      for (size_t g = 0; g < node.grouping.size(); ++g) {
        if (node.column_ids[g] == id) return {&node, id};
      }
      return {nullptr, -1};
    case ResolvedKind::kJoin:
      for (const auto& child : node.children) {
        if (std::find(child->column_ids.begin(), child->column_ids.end(), id) != child->column_ids.end()) {
          return SourceOf(*child, id);
        }
      }
      return {nullptr, -1};
    default: return {nullptr, -1};
  }
}

/// Rows of the scan (or leaf, or grouping aggregate) that column `id` of
/// `node` comes from; -1 when it is computed.
double SourceRows(const ResolvedPlan& node, plan::ColumnId id) {
  const ResolvedPlan* source = SourceOf(node, id).first;
  return source ? EstimateRows(*source) : -1;
}

/// The number of values a join key can take: the rows of the table it comes
/// from, whatever filters did to this side (a filtered primary-key side keeps
/// the fraction of foreign keys that match); for computed keys, the rows of the
/// side. `join` is the join whose children hold the column.
double KeyDomain(const ResolvedPlan& join, plan::ColumnId id) {
  for (const auto& child : join.children) {
    if (std::find(child->column_ids.begin(), child->column_ids.end(), id) == child->column_ids.end()) continue;
    const double source = SourceRows(*child, id);
    return source >= 0 ? source : EstimateRows(*child);
  }
  return 1;
}

/// The value range of column `id` of `node`, from the file scan that reads
/// it; unknown for computed columns and other leaves.
plan::ValueRange RangeOf(const ResolvedPlan& node, plan::ColumnId id) {
  const auto [source, source_id] = SourceOf(node, id);
  if (source == nullptr || source->kind != ResolvedKind::kFileScan) return {};
  for (size_t i = 0; i < source->column_ids.size() && i < source->file_columns.size(); ++i) {
    if (source->column_ids[i] != source_id) continue;
    const auto c = static_cast<size_t>(source->file_columns[i]);
    return c < source->file_column_ranges.size() ? source->file_column_ranges[c] : plan::ValueRange{};
  }
  return {};
}

/// A literal's value in its column's units (as ValueRange holds them).
bool LiteralValue(const arrow::Scalar& s, double* out) {
  if (!s.is_valid) return false;
  switch (s.type->id()) {
    case arrow::Type::INT8: *out = static_cast<const arrow::Int8Scalar&>(s).value; return true;
    case arrow::Type::INT16: *out = static_cast<const arrow::Int16Scalar&>(s).value; return true;
    case arrow::Type::INT32: *out = static_cast<const arrow::Int32Scalar&>(s).value; return true;
    case arrow::Type::INT64: *out = static_cast<double>(static_cast<const arrow::Int64Scalar&>(s).value); return true;
    case arrow::Type::FLOAT: *out = static_cast<const arrow::FloatScalar&>(s).value; return true;
    case arrow::Type::DOUBLE: *out = static_cast<const arrow::DoubleScalar&>(s).value; return true;
    case arrow::Type::DATE32: *out = static_cast<const arrow::Date32Scalar&>(s).value; return true;
    case arrow::Type::DECIMAL128: {
      const auto& type = static_cast<const arrow::Decimal128Type&>(*s.type);
      *out = static_cast<const arrow::Decimal128Scalar&>(s).value.ToDouble(type.scale());
      return true;
    }
    default: return false;
  }
}

/// The fraction of `input`'s rows that `condition` keeps: comparisons of a
/// column with a literal narrow the column's range (from file statistics),
/// all bounds on one column together (`d >= a AND d < b` is one interval);
/// other conjuncts use the fixed selectivities.
double FilterSelectivity(const plan::BoundExprPtr& condition, const ResolvedPlan& input) {
  std::vector<plan::BoundExprPtr> conjuncts;
  plan::SplitConjuncts(condition, &conjuncts);
  struct Interval {
    plan::ValueRange range;
    double lo, hi;
  };
  std::vector<std::pair<plan::ColumnId, Interval>> intervals;
  double selectivity = 1;
  for (const auto& c : conjuncts) {
    const std::string& f = c->function_name;
    bool ranged = false;
    if (c->kind == BoundKind::kCall && (f == "<" || f == "<=" || f == ">" || f == ">=") && IsColumnAndLiteral(*c)) {
      const bool column_left = c->args[0]->kind == BoundKind::kColumnRef;
      const auto& column = column_left ? *c->args[0] : *c->args[1];
      const auto& literal = column_left ? *c->args[1] : *c->args[0];
      plan::ValueRange range = RangeOf(input, column.column_id);
      double value;
      if (range.known && range.max > range.min && LiteralValue(*literal.literal, &value)) {
        auto it = std::find_if(intervals.begin(), intervals.end(),
                               [&](const auto& entry) { return entry.first == column.column_id; });
        if (it == intervals.end()) {
          intervals.push_back({column.column_id, Interval{range, range.min, range.max}});
          it = intervals.end() - 1;
        }
        // column < value (or value > column) bounds it from above.
        const bool upper = (f == "<" || f == "<=") == column_left;
        if (upper) {
          it->second.hi = std::min(it->second.hi, value);
        } else {
          it->second.lo = std::max(it->second.lo, value);
        }
        ranged = true;
      }
    }
    if (!ranged) selectivity *= EstimateSelectivity(*c);
  }
  for (const auto& [id, interval] : intervals) {
    const double width = interval.range.max - interval.range.min;
    selectivity *= std::clamp((interval.hi - interval.lo) / width, 0.0, 1.0);
  }
  return selectivity;
}

}  // namespace

double EstimateSelectivity(const BoundExpr& e) {
  if (e.kind == BoundKind::kLiteral) {
    if (!e.literal || !e.literal->is_valid) return 0;
    return e.literal->type->id() == arrow::Type::BOOL &&
                   !static_cast<const arrow::BooleanScalar&>(*e.literal).value
               ? 0
               : 1;
  }
  if (e.kind != BoundKind::kCall) return 0.5;
  const std::string& f = e.function_name;
  if (f == "and") return EstimateSelectivity(*e.args[0]) * EstimateSelectivity(*e.args[1]);
  if (f == "or") {
    const double a = EstimateSelectivity(*e.args[0]), b = EstimateSelectivity(*e.args[1]);
    return std::min(1.0, a + b - a * b);
  }
  if (f == "not") return 1.0 - EstimateSelectivity(*e.args[0]);
  if ((f == "=" || f == "<=>") && IsColumnAndLiteral(e)) return 0.1;
  if (f == "in") return std::min(0.5, 0.1 * static_cast<double>(e.args.size() - 1));
  if (f == "<" || f == "<=" || f == ">" || f == ">=") return IsColumnAndLiteral(e) ? 1.0 / 3 : 0.5;
  if (f == "like" || f == "startswith" || f == "endswith" || f == "contains") return 0.25;
  if (f == "isnotnull") return 0.9;
  if (f == "isnull") return 0.1;
  return 0.5;
}

double EstimateSourceRows(const ResolvedPlan& node, plan::ColumnId id) { return SourceRows(node, id); }

double EstimateRows(const ResolvedPlan& node) {
  switch (node.kind) {
    case ResolvedKind::kFileScan: return node.file_rows >= 0 ? static_cast<double>(node.file_rows) : kUnknownRows;
    case ResolvedKind::kLocalTable: return node.table ? static_cast<double>(node.table->num_rows()) : 0;
    case ResolvedKind::kRange: {
      if (node.range_step == 0) return 0;
      const double span = static_cast<double>(node.range_end) - static_cast<double>(node.range_start);
      return std::max(0.0, std::ceil(span / static_cast<double>(node.range_step)));
    }
    case ResolvedKind::kFilter: {
      const double kept = node.sampled_selectivity >= 0 ? node.sampled_selectivity
                                                         : FilterSelectivity(node.condition, node.child());
      return std::max(1.0, EstimateRows(node.child()) * kept);
    }
    case ResolvedKind::kProject:
    case ResolvedKind::kSort:
    case ResolvedKind::kWindow:
    case ResolvedKind::kShowString: return EstimateRows(node.child());
    case ResolvedKind::kLimit:
    case ResolvedKind::kTail: {
      const double rows = EstimateRows(node.child());
      return node.limit >= 0 ? std::min(rows, static_cast<double>(node.limit)) : rows;
    }
    case ResolvedKind::kSingleRow: return 1;
    case ResolvedKind::kReplicateRows: return EstimateRows(node.child());
    case ResolvedKind::kGenerate: return EstimateRows(node.child()) * 4;  // elements per row: unknown
    case ResolvedKind::kExpand:
      return EstimateRows(node.child()) * static_cast<double>(node.expand_projections.size());
    case ResolvedKind::kDeduplicate: return std::max(1.0, EstimateRows(node.child()) / 10);
    case ResolvedKind::kAggregate:
      return node.grouping.empty() ? 1 : std::max(1.0, EstimateRows(node.child()) / 10);
    case ResolvedKind::kUnion: {
      double rows = 0;
      for (const auto& child : node.children) rows += EstimateRows(*child);
      return rows;
    }
    case ResolvedKind::kJoin: {
      const double left = EstimateRows(node.child(0)), right = EstimateRows(node.child(1));
      switch (node.join_type) {
        case plan::JoinType::kLeftSemi:
        case plan::JoinType::kLeftAnti: {
          // A semi join on a key keeps at most the fraction of the key's values
          // that the right side has; an anti join keeps the rest.
          double kept = 0.5;
          std::vector<plan::BoundExprPtr> conjuncts;
          if (node.condition) plan::SplitConjuncts(node.condition, &conjuncts);
          for (const auto& c : conjuncts) {
            if (c->kind != BoundKind::kCall || c->function_name != "=" || c->args.size() != 2) continue;
            for (const auto& arg : c->args) {
              const auto& left_ids = node.child(0).column_ids;
              if (arg->kind != BoundKind::kColumnRef ||
                  std::find(left_ids.begin(), left_ids.end(), arg->column_id) == left_ids.end()) {
                continue;
              }
              kept = std::min(kept, std::min(1.0, right / KeyDomain(node, arg->column_id)));
            }
          }
          if (node.join_type == plan::JoinType::kLeftAnti) kept = std::max(0.5, 1 - kept);
          return std::max(1.0, left * kept);
        }
        case plan::JoinType::kCross: return left * right;
        default: break;
      }
      // |A| * |B| / distinct values of the most selective equality key.
      double divisor = 1;
      std::vector<plan::BoundExprPtr> conjuncts;
      if (node.condition) plan::SplitConjuncts(node.condition, &conjuncts);
      for (const auto& c : conjuncts) {
        if (c->kind != BoundKind::kCall || (c->function_name != "=" && c->function_name != "<=>") ||
            c->args[0]->kind != BoundKind::kColumnRef || c->args[1]->kind != BoundKind::kColumnRef) {
          continue;
        }
        const double a = KeyDomain(node, c->args[0]->column_id);
        const double b = KeyDomain(node, c->args[1]->column_id);
        divisor = std::max(divisor, std::min(a, b));
      }
      double rows = divisor > 1 ? left * right / divisor : left * right * 0.5;
      if (node.join_type == plan::JoinType::kLeftOuter) rows = std::max(rows, left);
      if (node.join_type == plan::JoinType::kRightOuter) rows = std::max(rows, right);
      if (node.join_type == plan::JoinType::kFullOuter) rows = std::max(rows, left + right);
      return std::max(1.0, rows);
    }
  }
  return kUnknownRows;
}

}  // namespace sk8::optimizer
