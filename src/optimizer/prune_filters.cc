// PruneFilters (Spark's rule of that name): a filter whose condition is the
// literal TRUE goes; one whose condition is FALSE or NULL becomes an empty
// table (PropagateEmptyRelation then empties what depends on it). Without the
// filter between them, a projection meets its aggregate and unused aggregates
// are pruned, as in Spark. Run early, only over the query's own rows: Spark's
// ConvertToLocalRelation evaluates such a filter before it folds constants, so
// `WHERE FALSE` there hides a failing constant in a filter above it.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

class PruneFilters final : public NodeRule {
 public:
  explicit PruneFilters(bool over_local_tables_only) : local_only_(over_local_tables_only) {}
  const char* name() const override { return local_only_ ? "ConvertToLocalRelation(filters)" : "PruneFilters"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kFilter || !node->condition ||
        node->condition->kind != plan::BoundKind::kLiteral || !node->condition->literal) {
      return node;
    }
    if (local_only_ && !OverLocalTable(*node, /*non_empty=*/false)) return node;
    const auto& value = *node->condition->literal;
    if (value.is_valid && value.type->id() == arrow::Type::BOOL &&
        static_cast<const arrow::BooleanScalar&>(value).value) {
      return node->children[0];
    }
    return MakeEmptyRelation(*node);
  }

 private:
  bool local_only_;
};

}  // namespace

RulePtr MakePruneFilters(bool over_local_tables_only) {
  return std::make_unique<PruneFilters>(over_local_tables_only);
}

}  // namespace sk8::optimizer
