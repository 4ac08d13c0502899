// Grouping-set shorthands of the unresolved plan, shared by connect/ and sql/.
#include "plan/logical_plan.h"

namespace sk8::plan {

std::vector<std::vector<ExprPtr>> RollupSets(const std::vector<ExprPtr>& exprs) {
  std::vector<std::vector<ExprPtr>> sets;
  for (size_t n = exprs.size() + 1; n-- > 0;) sets.emplace_back(exprs.begin(), exprs.begin() + static_cast<ptrdiff_t>(n));
  return sets;
}

std::vector<std::vector<ExprPtr>> CubeSets(const std::vector<ExprPtr>& exprs) {
  // Spark's order: the sets with the first expression (cube of the rest, each
  // prefixed by it), then the cube of the rest.
  std::vector<std::vector<ExprPtr>> sets{{}};
  for (size_t i = exprs.size(); i-- > 0;) {
    std::vector<std::vector<ExprPtr>> with_first;
    for (const auto& set : sets) {
      auto extended = set;
      extended.insert(extended.begin(), exprs[i]);
      with_first.push_back(std::move(extended));
    }
    with_first.insert(with_first.end(), sets.begin(), sets.end());
    sets = std::move(with_first);
  }
  return sets;
}

}  // namespace sk8::plan
