// PruneFilters (Spark's rule of that name): a filter whose condition is the
// literal TRUE goes; one whose condition is FALSE or NULL becomes an empty
// table (PropagateEmptyRelation then empties what depends on it). Without the
// filter between them, a projection meets its aggregate and unused aggregates
// are pruned, as in Spark.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

class PruneFilters final : public NodeRule {
 public:
  const char* name() const override { return "PruneFilters"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kFilter || !node->condition ||
        node->condition->kind != plan::BoundKind::kLiteral || !node->condition->literal) {
      return node;
    }
    const auto& value = *node->condition->literal;
    if (value.is_valid && value.type->id() == arrow::Type::BOOL &&
        static_cast<const arrow::BooleanScalar&>(value).value) {
      return node->children[0];
    }
    return MakeEmptyRelation(*node);
  }
};

}  // namespace

RulePtr MakePruneFilters() { return std::make_unique<PruneFilters>(); }

}  // namespace sk8::optimizer
