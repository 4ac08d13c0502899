// GROUP BY session_window(time, gap) for batch queries, as Spark's
// SessionWindowing + MergingSessionsExec define it: each row's own session is
// [time, time + gap) (rows without one are dropped), and within each group of
// the other grouping keys, sessions that overlap or touch (a row starting at or
// before the running end) merge into one: start = the first time, end = the
// largest end. The groups' merged sessions are computed with window functions
// over the input, ordered by session start:
//
//   prev_end   = max(session.end) over (keys, ROWS UNBOUNDED PRECEDING .. 1 PRECEDING)
//   session_id = running count of rows that start after prev_end (or have none)
//   session_window = named_struct(start, min(session.start), end, max(session.end))
//                    over (keys, session_id)
//
// and the aggregate then groups by the keys and that session_window column.
#include "analyzer/session_window.h"

#include <optional>
#include <string>

#include <arrow/scalar.h>

#include "functions/time_window.h"
#include "sql/token.h"

namespace sk8::analyzer {
namespace {

using plan::ExprKind;
using plan::ExprPtr;

constexpr char kOwnSession[] = "__sk8_own_session";
constexpr char kPreviousEnd[] = "__sk8_session_previous_end";
constexpr char kSessionId[] = "__sk8_session_id";
constexpr char kSessionWindow[] = "session_window";

ExprPtr Column(std::vector<std::string> parts) { return std::make_shared<plan::ColumnExpr>(std::move(parts), std::nullopt); }
ExprPtr Call(std::string name, std::vector<ExprPtr> args) {
  return std::make_shared<plan::FunctionExpr>(std::move(name), std::move(args));
}
ExprPtr Literal(std::shared_ptr<arrow::Scalar> value) { return std::make_shared<plan::LiteralExpr>(std::move(value)); }
ExprPtr Alias(ExprPtr child, std::string name, std::string metadata = "") {
  return std::make_shared<plan::AliasExpr>(std::move(child), std::vector<std::string>{std::move(name)},
                                           std::move(metadata));
}

plan::WindowFrameBoundary Boundary(plan::WindowFrameBoundary::Kind kind) {
  plan::WindowFrameBoundary b;
  b.kind = kind;
  return b;
}

ExprPtr Over(ExprPtr function, std::vector<ExprPtr> partition, bool ordered,
             std::optional<plan::WindowFrameBoundary> upper) {
  auto window = std::make_shared<plan::WindowExpr>();
  window->function = std::move(function);
  window->partition_spec = std::move(partition);
  if (ordered) {
    window->order_spec.push_back(std::make_shared<plan::SortOrderExpr>(Column({kOwnSession, "start"}), true, true));
    plan::WindowFrame frame;
    frame.type = plan::WindowFrameType::kRows;
    frame.lower = Boundary(plan::WindowFrameBoundary::Kind::kUnboundedPreceding);
    frame.upper = *upper;
    window->frame = frame;
  }
  return window;
}

bool IsSessionWindowCall(const plan::Expr& expr) {
  return expr.kind() == ExprKind::kFunction && sql::EqualsIgnoreCase(expr.As<plan::FunctionExpr>().name, kSessionWindow);
}

/// `expr` with each session_window(...) call read from the merged session column.
ExprPtr ReadMergedSession(const ExprPtr& expr) {
  switch (expr->kind()) {
    case ExprKind::kFunction: {
      if (IsSessionWindowCall(*expr)) return Column({kSessionWindow});
      auto copy = std::make_shared<plan::FunctionExpr>(expr->As<plan::FunctionExpr>());
      for (auto& a : copy->args) a = ReadMergedSession(a);
      return copy;
    }
    case ExprKind::kAlias: {
      auto copy = std::make_shared<plan::AliasExpr>(expr->As<plan::AliasExpr>());
      copy->child = ReadMergedSession(copy->child);
      return copy;
    }
    case ExprKind::kCast: {
      auto copy = std::make_shared<plan::CastExpr>(expr->As<plan::CastExpr>());
      copy->child = ReadMergedSession(copy->child);
      return copy;
    }
    default: return expr;
  }
}

}  // namespace

MergedSessions MergeSessions(const std::vector<ExprPtr>& grouping, size_t session, const std::vector<ExprPtr>& outputs,
                             const std::vector<ExprPtr>& hidden) {
  ExprPtr call = grouping[session];
  std::vector<std::string> alias;  // groupBy(session_window(...).alias("w"))
  if (call->kind() == ExprKind::kAlias) {
    alias = call->As<plan::AliasExpr>().names;
    call = call->As<plan::AliasExpr>().child;
  }
  std::vector<ExprPtr> keys;
  for (size_t i = 0; i < grouping.size(); ++i) {
    if (i != session) keys.push_back(grouping[i]);
  }
  MergedSessions out;
  // Each row's own session (the projection drops the rows that have none).
  out.steps.push_back(Alias(call, kOwnSession));
  plan::WindowFrameBoundary one_preceding;
  one_preceding.kind = plan::WindowFrameBoundary::Kind::kValue;
  one_preceding.value = Literal(arrow::MakeScalar(int32_t{1}));
  one_preceding.preceding = true;
  out.steps.push_back(
      Alias(Over(Call("max", {Column({kOwnSession, "end"})}), keys, true, one_preceding), kPreviousEnd));
  ExprPtr starts_session = Call("or", {Call("isnull", {Column({kPreviousEnd})}),
                                       Call(">", {Column({kOwnSession, "start"}), Column({kPreviousEnd})})});
  ExprPtr counted = Call("if", {starts_session, Literal(arrow::MakeScalar(int64_t{1})),
                                Literal(arrow::MakeScalar(int64_t{0}))});
  out.steps.push_back(Alias(
      Over(Call("sum", {counted}), keys, true, Boundary(plan::WindowFrameBoundary::Kind::kCurrentRow)), kSessionId));
  std::vector<ExprPtr> session_keys = keys;
  session_keys.push_back(Column({kSessionId}));
  ExprPtr merged = Call("named_struct",
                        {Literal(std::make_shared<arrow::StringScalar>("start")),
                         Over(Call("min", {Column({kOwnSession, "start"})}), session_keys, false, std::nullopt),
                         Literal(std::make_shared<arrow::StringScalar>("end")),
                         Over(Call("max", {Column({kOwnSession, "end"})}), session_keys, false, std::nullopt)});
  out.steps.push_back(Alias(merged, kSessionWindow, std::string(functions::kSessionWindowMetadata)));

  for (size_t i = 0; i < grouping.size(); ++i) {
    if (i != session) {
      out.grouping.push_back(grouping[i]);
    } else if (!alias.empty()) {
      out.grouping.push_back(std::make_shared<plan::AliasExpr>(Column({kSessionWindow}), alias));
    } else {
      out.grouping.push_back(Column({kSessionWindow}));
    }
  }
  for (const auto& e : outputs) out.outputs.push_back(ReadMergedSession(e));
  for (const auto& e : hidden) out.hidden.push_back(ReadMergedSession(e));
  return out;
}

}  // namespace sk8::analyzer
