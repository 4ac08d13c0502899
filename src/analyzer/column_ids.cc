// The analyzer's last step: column identities (Spark's ExprIds). Names are
// resolved positionally first, against each node's input as it is then; here
// every reference also gets the identity of the column it reads, so that the
// optimizer can move, merge and prune nodes without renumbering anything.
#include "analyzer/analyzer.h"

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ColumnId;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

Result<BoundExprPtr> WithIds(const BoundExprPtr& expr, const std::vector<ColumnId>& input_ids) {
  if (expr->kind == plan::BoundKind::kColumnRef) {
    if (expr->outer_reference) return expr;  // the enclosing query's column keeps its identity
    if (expr->column_index < 0 || expr->column_index >= static_cast<int>(input_ids.size())) {
      return InternalError("column " + expr->name + " refers to input position " +
                           std::to_string(expr->column_index) + " of " + std::to_string(input_ids.size()));
    }
    auto copy = std::make_shared<BoundExpr>(*expr);
    copy->column_id = input_ids[expr->column_index];
    return BoundExprPtr(copy);
  }
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args) {
    ARROW_ASSIGN_OR_RAISE(arg, WithIds(arg, input_ids));
  }
  return BoundExprPtr(copy);
}

std::vector<ColumnId> FreshIds(size_t n) {
  std::vector<ColumnId> ids(n);
  for (auto& id : ids) id = plan::NewColumnId();
  return ids;
}

/// A computed column gets a new identity; a column passed through unchanged
/// (same name) keeps the identity of the column it reads, as in Spark.
ColumnId OutputId(const BoundExpr& expr, const std::string& output_name, const ResolvedPlan& input) {
  if (expr.kind == plan::BoundKind::kColumnRef && input.schema->field(expr.column_index)->name() == output_name) {
    return expr.column_id;
  }
  return plan::NewColumnId();
}

Result<ResolvedPtr> Assign(const ResolvedPtr& node) {
  auto out = std::make_shared<ResolvedPlan>(*node);
  for (auto& child : out->children) {
    ARROW_ASSIGN_OR_RAISE(child, Assign(child));
  }
  static const std::vector<ColumnId> kNoInput;
  const auto& input_ids = out->children.empty() ? kNoInput : out->children[0]->column_ids;
  const size_t width = static_cast<size_t>(out->schema->num_fields());
  const bool has_ids = out->column_ids.size() == width;
  const auto kept_ids = out->column_ids;
  switch (out->kind) {
    case ResolvedKind::kRange:
    case ResolvedKind::kLocalTable:
    case ResolvedKind::kFileScan:
    case ResolvedKind::kShowString:
    case ResolvedKind::kUnion:
      out->column_ids = FreshIds(width);
      break;
    case ResolvedKind::kProject:
      out->column_ids.clear();
      for (size_t i = 0; i < out->expressions.size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(out->expressions[i], WithIds(out->expressions[i], input_ids));
        out->column_ids.push_back(
            OutputId(*out->expressions[i], out->schema->field(static_cast<int>(i))->name(), out->child()));
      }
      break;
    case ResolvedKind::kSingleRow:
    case ResolvedKind::kFilter:
    case ResolvedKind::kSort:
    case ResolvedKind::kLimit:
    case ResolvedKind::kTail:
    case ResolvedKind::kReplicateRows:
    case ResolvedKind::kDeduplicate:
      if (out->condition) {
        ARROW_ASSIGN_OR_RAISE(out->condition, WithIds(out->condition, input_ids));
      }
      if (out->replicate_count) {
        ARROW_ASSIGN_OR_RAISE(out->replicate_count, WithIds(out->replicate_count, input_ids));
      }
      for (auto& key : out->grouping) {
        ARROW_ASSIGN_OR_RAISE(key, WithIds(key, input_ids));
      }
      for (auto& key : out->sort_keys) {
        ARROW_ASSIGN_OR_RAISE(key.expr, WithIds(key.expr, input_ids));
      }
      out->column_ids = input_ids;
      break;
    case ResolvedKind::kAggregate:
      out->column_ids.clear();
      for (size_t g = 0; g < out->grouping.size(); ++g) {
        ARROW_ASSIGN_OR_RAISE(out->grouping[g], WithIds(out->grouping[g], input_ids));
        out->column_ids.push_back(
            OutputId(*out->grouping[g], out->schema->field(static_cast<int>(g))->name(), out->child()));
      }
      for (auto& aggregate : out->aggregates) {
        for (auto& arg : aggregate.args) {
          ARROW_ASSIGN_OR_RAISE(arg, WithIds(arg, input_ids));
        }
        if (aggregate.filter) {
          ARROW_ASSIGN_OR_RAISE(aggregate.filter, WithIds(aggregate.filter, input_ids));
        }
        out->column_ids.push_back(plan::NewColumnId());
      }
      break;
    case ResolvedKind::kExpand:
      // The input's columns pass through (the first projection's references
      // say which); the grouping columns and the grouping id are new.
      for (auto& projection : out->expand_projections) {
        for (auto& e : projection) {
          ARROW_ASSIGN_OR_RAISE(e, WithIds(e, input_ids));
        }
      }
      out->column_ids.clear();
      for (size_t i = 0; i < width; ++i) {
        const auto& first = *out->expand_projections[0][i];
        const bool passes = first.kind == plan::BoundKind::kColumnRef && i < out->child().column_ids.size() &&
                            static_cast<size_t>(first.column_index) == i;
        out->column_ids.push_back(passes ? first.column_id : plan::NewColumnId());
      }
      break;
    case ResolvedKind::kGenerate: {
      ARROW_ASSIGN_OR_RAISE(out->generator.input, WithIds(out->generator.input, input_ids));
      // The input's columns pass through; the generated ones are new.
      out->column_ids = input_ids;
      while (out->column_ids.size() < width) out->column_ids.push_back(plan::NewColumnId());
      break;
    }
    case ResolvedKind::kWindow:
      for (auto& key : out->grouping) {
        ARROW_ASSIGN_OR_RAISE(key, WithIds(key, input_ids));
      }
      for (auto& key : out->sort_keys) {
        ARROW_ASSIGN_OR_RAISE(key.expr, WithIds(key.expr, input_ids));
      }
      for (auto& function : out->window_functions) {
        for (auto& arg : function.args) {
          ARROW_ASSIGN_OR_RAISE(arg, WithIds(arg, input_ids));
        }
        for (auto& arg : function.aggregate.args) {
          ARROW_ASSIGN_OR_RAISE(arg, WithIds(arg, input_ids));
        }
      }
      // The input's columns pass through; each function's column is new.
      out->column_ids = input_ids;
      for (size_t f = 0; f < out->window_functions.size(); ++f) out->column_ids.push_back(plan::NewColumnId());
      break;
    case ResolvedKind::kJoin: {
      const auto& left_ids = out->children[0]->column_ids;
      const auto& right_ids = out->children[1]->column_ids;
      std::vector<ColumnId> both = left_ids;
      both.insert(both.end(), right_ids.begin(), right_ids.end());
      if (out->condition) {
        ARROW_ASSIGN_OR_RAISE(out->condition, WithIds(out->condition, both));
      }
      out->column_ids = plan::JoinOutputsLeftOnly(out->join_type) ? left_ids : both;
      break;
    }
  }
  if (has_ids) out->column_ids = kept_ids;  // identities, once given, stay
  if (out->column_ids.size() != width) {
    return InternalError("plan node with " + std::to_string(width) + " columns got " +
                         std::to_string(out->column_ids.size()) + " column identities");
  }
  return ResolvedPtr(out);
}

}  // namespace

Result<ResolvedPtr> AssignColumnIds(const ResolvedPtr& plan) { return Assign(plan); }

Result<BoundExprPtr> WithColumnIds(const BoundExprPtr& expr, const std::vector<ColumnId>& input_ids) {
  return WithIds(expr, input_ids);
}

}  // namespace sk8::analyzer
