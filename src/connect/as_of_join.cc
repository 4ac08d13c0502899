// DataFrame._joinAsOf: each left row with the right row nearest to it by the
// as-of columns (backward: the latest at or before it; forward: the earliest at
// or after it; nearest: the closest), among the rows that meet the join
// condition and the tolerance; inner drops left rows without one, left keeps
// them with NULLs. Spark rewrites it (RewriteAsOfJoin) into min_by over the
// matching right rows per left row; here the same choice is a join, then
// row_number() over each left row's matches ordered by the distance (ties: the
// first right row in input order, as min_by keeps the first minimum), row 1 kept.
#include "connect/as_of_join.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace sk8::connect {
namespace {

using plan::ExprPtr;
using plan::PlanPtr;

constexpr char kLeftId[] = "__asof_left_row";
constexpr char kRightId[] = "__asof_right_row";
constexpr char kRank[] = "__asof_rank";

ExprPtr Call(const std::string& name, std::vector<ExprPtr> args) {
  return std::make_shared<plan::FunctionExpr>(name, std::move(args));
}
ExprPtr Named(const std::string& name) {
  return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt);
}
ExprPtr Alias(ExprPtr e, const std::string& name) {
  return std::make_shared<plan::AliasExpr>(std::move(e), std::vector<std::string>{name});
}
ExprPtr And(ExprPtr a, ExprPtr b) {
  if (!a) return b;
  return b ? Call("and", {std::move(a), std::move(b)}) : a;
}

/// `input`'s columns and its row's position (in input order).
PlanPtr WithRowPosition(PlanPtr input, const std::string& name) {
  auto node = plan::MakeUnary<plan::ProjectPlan>(std::move(input));
  node->expressions = {std::make_shared<plan::StarExpr>(std::vector<std::string>{}),
                       Alias(Call("monotonically_increasing_id", {}), name)};
  return node;
}

}  // namespace

Result<PlanPtr> ConvertAsOfJoin(const spark::connect::AsOfJoin& join, const ConvertContext& ctx) {
  std::string how = join.join_type();
  std::transform(how.begin(), how.end(), how.begin(), [](unsigned char c) { return std::tolower(c); });
  how.erase(std::remove(how.begin(), how.end(), '_'), how.end());
  plan::JoinType join_type;
  if (how.empty() || how == "inner") {
    join_type = plan::JoinType::kInner;
  } else if (how == "left" || how == "leftouter") {
    join_type = plan::JoinType::kLeftOuter;
  } else {
    // Spark's `require` on the join type, named as Spark names it.
    static const std::vector<std::pair<std::vector<std::string>, std::string>> kOthers = {
        {{"right", "rightouter"}, "RightOuter"}, {{"outer", "full", "fullouter"}, "FullOuter"},
        {{"cross"}, "Cross"}, {{"semi", "leftsemi"}, "LeftSemi"}, {{"anti", "leftanti"}, "LeftAnti"}};
    for (const auto& [spellings, name] : kOthers) {
      if (std::find(spellings.begin(), spellings.end(), how) == spellings.end()) continue;
      return SparkError(SparkExceptionKind::kIllegalArgument, "",
                        {{"message", "requirement failed: Unsupported as-of join type " + name}});
    }
    return Unsupported("as-of join of type " + join.join_type());
  }
  std::string direction = join.direction().empty() ? "backward" : join.direction();
  std::transform(direction.begin(), direction.end(), direction.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  ARROW_ASSIGN_OR_RAISE(auto left, ConvertRelation(join.left(), ctx));
  ARROW_ASSIGN_OR_RAISE(auto right, ConvertRelation(join.right(), ctx));
  ARROW_ASSIGN_OR_RAISE(auto left_as_of, ConvertExpression(join.left_as_of()));
  ARROW_ASSIGN_OR_RAISE(auto right_as_of, ConvertExpression(join.right_as_of()));

  // The distance to minimize, and which right rows may match at all.
  ExprPtr distance;
  ExprPtr matches;
  const bool exact = join.allow_exact_matches();
  if (direction == "backward") {
    distance = Call("-", {left_as_of, right_as_of});
    matches = Call(exact ? ">=" : ">", {left_as_of, right_as_of});
  } else if (direction == "forward") {
    distance = Call("-", {right_as_of, left_as_of});
    matches = Call(exact ? "<=" : "<", {left_as_of, right_as_of});
  } else if (direction == "nearest") {
    distance = Call("when", {Call(">", {left_as_of, right_as_of}), Call("-", {left_as_of, right_as_of}),
                             Call("-", {right_as_of, left_as_of})});
    // min_by skips a NULL distance: such a right row never matches.
    matches = Call("isnotnull", {distance});
    if (!exact) matches = And(matches, Call("!=", {left_as_of, right_as_of}));
  } else {
    return AnalysisError("AS_OF_JOIN.UNSUPPORTED_DIRECTION",
                         {{"direction", join.direction()}, {"supported", "'forward', 'backward', 'nearest'"}});
  }
  if (join.has_tolerance()) {
    ARROW_ASSIGN_OR_RAISE(auto tolerance, ConvertExpression(join.tolerance()));
    if (tolerance->kind() == plan::ExprKind::kLiteral) {
      const auto& value = tolerance->As<plan::LiteralExpr>().value;
      if (value && value->is_valid) {
        auto as_double = value->CastTo(arrow::float64());
        if (as_double.ok() && static_cast<const arrow::DoubleScalar&>(**as_double).value < 0) {
          return AnalysisError("AS_OF_JOIN.TOLERANCE_IS_NON_NEGATIVE");
        }
      }
    }
    matches = And(matches, Call("<=", {distance, tolerance}));
  }
  ExprPtr condition;
  if (join.has_join_expr()) {
    ARROW_ASSIGN_OR_RAISE(condition, ConvertExpression(join.join_expr()));
  }
  for (const auto& name : join.using_columns()) {
    // Spark's joinAsOf(usingColumns): left(name) === right(name), both kept.
    auto side = [&](const spark::connect::Relation& r) -> ExprPtr {
      std::optional<int64_t> id;
      if (r.has_common() && r.common().has_plan_id()) id = r.common().plan_id();
      return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, id);
    };
    condition = And(condition, Call("=", {side(join.left()), side(join.right())}));
  }
  auto joined = std::make_shared<plan::JoinPlan>();
  joined->join_type = join_type;
  joined->condition = And(condition, matches);
  if (!joined->condition) joined->condition = std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(true));
  joined->children = {WithRowPosition(left, kLeftId), WithRowPosition(right, kRightId)};

  auto window = std::make_shared<plan::WindowExpr>();
  window->function = Call("row_number", {});
  window->partition_spec = {Named(kLeftId)};
  window->order_spec = {std::make_shared<plan::SortOrderExpr>(distance, true, false),
                        std::make_shared<plan::SortOrderExpr>(Named(kRightId), true, false)};
  auto ranked = plan::MakeUnary<plan::ProjectPlan>(joined);
  ranked->expressions = {std::make_shared<plan::StarExpr>(std::vector<std::string>{}), Alias(window, kRank)};
  auto nearest = plan::MakeUnary<plan::FilterPlan>(ranked);
  nearest->condition = Call("=", {Named(kRank), std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int32_t{1}))});
  auto out = plan::MakeUnary<plan::DropPlan>(nearest);
  out->column_names = {kLeftId, kRightId, kRank};
  return PlanPtr(out);
}

}  // namespace sk8::connect
