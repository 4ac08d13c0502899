// PushLimitThroughProject (Spark: LimitPushDown): Limit(Project(x)) ->
// Project(Limit(x)), so the projection runs only on the rows returned. Safe
// because a projection maps rows one to one; a nondeterministic one (rand(seed),
// monotonically_increasing_id()) numbers its partition's rows in order, so the
// first rows get the same values either way.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

/// A spark.range(..., numPartitions > 1) below: a limit's output would not keep
/// the partitions its rows come from, which rand & co. read.
bool HasPartitionedRange(const plan::ResolvedPlan& node) {
  if (node.kind == plan::ResolvedKind::kRange && node.num_partitions > 1) return true;
  if (node.kind == plan::ResolvedKind::kLocalTable && !node.partition_starts.empty()) return true;
  for (const auto& child : node.children) {
    if (HasPartitionedRange(*child)) return true;
  }
  return false;
}

plan::ResolvedPtr Push(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kLimit || node->children.empty()) return node;
  const auto& child = node->children[0];
  if (child->kind != plan::ResolvedKind::kProject) return node;
  for (const auto& e : child->expressions) {
    if (!IsDeterministic(*e) && HasPartitionedRange(*child)) return node;
  }
  const auto& below = child->children[0];
  auto limit = std::make_shared<plan::ResolvedPlan>(*node);
  limit->children = {below};
  limit->schema = below->schema;
  limit->column_ids = below->column_ids;
  limit->qualifiers = below->qualifiers;
  auto project = std::make_shared<plan::ResolvedPlan>(*child);
  project->children = {Push(limit)};
  return project;
}

class PushLimitThroughProject final : public NodeRule {
 public:
  const char* name() const override { return "LimitPushDown"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override { return Push(node); }
};

}  // namespace

RulePtr MakePushLimitThroughProject() { return std::make_unique<PushLimitThroughProject>(); }

}  // namespace sk8::optimizer
