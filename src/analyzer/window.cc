// Window expressions (Spark's ExtractWindowExpressions): while a select list
// binds, each `fn(...) OVER (...)` is bound to its input (or, in an aggregate
// query, to the aggregation's output), collected, and replaced by a reference
// to a column that a Window node computes. PlanWindows then stacks one Window
// node per distinct (PARTITION BY, ORDER BY) below the final projection, so a
// node sorts its input once for all the functions that share its ordering.
#include <arrow/compute/api.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "analyzer/analyzer.h"
#include "analyzer/within_group.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ExprKind;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;
using plan::WindowBound;
using plan::WindowFunctionKind;

namespace {

/// Window columns are referenced by placeholder positions from here on until
/// PlanWindows knows where each lands.
constexpr int kWindowColumnBase = 1 << 28;

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

std::string BoundText(const WindowBound& bound, const std::string& value_text) {
  switch (bound.kind) {
    case WindowBound::Kind::kUnboundedPreceding: return "UNBOUNDED PRECEDING";
    case WindowBound::Kind::kUnboundedFollowing: return "UNBOUNDED FOLLOWING";
    case WindowBound::Kind::kCurrentRow: return "CURRENT ROW";
    case WindowBound::Kind::kOffset: break;
  }
  return value_text;
}

struct FrameText {
  std::string lower, upper;  // as Spark prints the offsets: "2 PRECEDING", "-1 FOLLOWING"
  std::string lower_value, upper_value;  // the signed offsets: "-2", "-1"
};

std::string FrameString(bool range, const WindowBound& lower, const WindowBound& upper, const FrameText& text) {
  return std::string(range ? "RANGE" : "ROWS") + " BETWEEN " + BoundText(lower, text.lower) + " AND " +
         BoundText(upper, text.upper);
}

/// Spark's internal rendering of a frame in _LEGACY_ERROR_TEMP_1036.
std::string FrameInternal(bool range, const WindowBound& b1, const WindowBound& b2, const FrameText& text) {
  auto one = [](const WindowBound& b, const std::string& t) -> std::string {
    switch (b.kind) {
      case WindowBound::Kind::kUnboundedPreceding: return "unboundedpreceding$()";
      case WindowBound::Kind::kUnboundedFollowing: return "unboundedfollowing$()";
      case WindowBound::Kind::kCurrentRow: return "currentrow$()";
      case WindowBound::Kind::kOffset: break;
    }
    return t;
  };
  return std::string("specifiedwindowframe(") + (range ? "RangeFrame" : "RowFrame") + ", " +
         one(b1, text.lower_value) + ", " + one(b2, text.upper_value) + ")";
}

/// Position of a bound on the frame's axis, for lower <= upper.
double BoundRank(const WindowBound& bound) {
  switch (bound.kind) {
    case WindowBound::Kind::kUnboundedPreceding: return -1e300;
    case WindowBound::Kind::kUnboundedFollowing: return 1e300;
    case WindowBound::Kind::kCurrentRow: return 0;
    case WindowBound::Kind::kOffset: break;
  }
  if (!bound.value) return static_cast<double>(bound.rows);
  auto as_double = arrow::compute::Cast(arrow::Datum(bound.value), arrow::float64());
  if (!as_double.ok() || !as_double->scalar()->is_valid) return 0;
  return static_cast<const arrow::DoubleScalar&>(*as_double->scalar()).value;
}

/// A day-time interval as Spark names its literal, in the largest unit that
/// divides it (sk8's interval literals keep no unit): INTERVAL '2' DAY.
std::string IntervalText(int64_t micros) {
  constexpr int64_t kSecond = 1000000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  auto padded = [](int64_t v) {
    std::string text = std::to_string(v < 0 ? -v : v);
    if (text.size() < 2) text = "0" + text;
    return (v < 0 ? "-" : "") + text;
  };
  if (micros % kDay == 0) return "INTERVAL '" + std::to_string(micros / kDay) + "' DAY";
  if (micros % kHour == 0) return "INTERVAL '" + padded(micros / kHour) + "' HOUR";
  if (micros % kMinute == 0) return "INTERVAL '" + padded(micros / kMinute) + "' MINUTE";
  if (micros % kSecond == 0) return "INTERVAL '" + padded(micros / kSecond) + "' SECOND";
  return "INTERVAL '" + std::to_string(static_cast<double>(micros) / kSecond) + "' SECOND";
}

bool IsInterval(const arrow::DataType& type) {
  return type.id() == arrow::Type::DURATION || type.id() == arrow::Type::INTERVAL_MONTHS;
}

}  // namespace

namespace {

/// The registry's entry of a window-only function, or null.
const functions::FunctionInfo* WindowOnlyFunction(const std::string& name) {
  const functions::FunctionInfo* info = functions::FunctionRegistry::Instance().Find(name);
  return info != nullptr && info->kind == functions::FunctionKind::kWindow ? info : nullptr;
}

bool IsRanking(WindowFunctionKind kind) {
  return kind == WindowFunctionKind::kRowNumber || kind == WindowFunctionKind::kRank ||
         kind == WindowFunctionKind::kDenseRank || kind == WindowFunctionKind::kPercentRank ||
         kind == WindowFunctionKind::kCumeDist;
}

/// Spark's name of a call without arguments: row_number(), RANK().
std::string NoArgumentCallName(const functions::FunctionInfo& info) {
  return (info.pretty_name.empty() ? info.name : info.pretty_name) + "()";
}

}  // namespace

bool IsWindowOnlyFunction(const std::string& name) { return WindowOnlyFunction(name) != nullptr; }

Status Analyzer::WindowFunctionWithoutOver(const plan::FunctionExpr& call, const ResolvedPlan& input) const {
  const functions::FunctionInfo* info = WindowOnlyFunction(call.name);
  if (info == nullptr) return InternalError(call.name + " is no window function");
  std::string display;
  if (IsRanking(info->window_kind)) {
    display = NoArgumentCallName(*info);
  } else {
    std::vector<std::string> args;
    for (const auto& a : call.args) {
      auto bound = Bind(a, input, nullptr);
      args.push_back(bound.ok() ? (*bound)->name : "?");
    }
    if (info->window_kind == WindowFunctionKind::kLag) {
      if (args.size() < 2) args.push_back("1");
      if (args.size() < 3) args.push_back("NULL");
    }
    display = info->name + "(";
    for (size_t i = 0; i < args.size(); ++i) display += (i ? ", " : "") + args[i];
    display += ")";
  }
  return AnalysisError("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE", {{"funcName", Quoted(display)}});
}

namespace {

/// A window function's call bound (its arguments by `bind`), with what it
/// requires of its window.
struct WindowCall {
  plan::BoundWindowFunction fn;  // all but the frame and the name
  std::string display;           // Spark's name of the call: RANK(), lag(v, 1, NULL)
  std::string internal;          // its rendering in _LEGACY_ERROR_TEMP_1037: rank()
  bool requires_order = false;
  std::optional<std::pair<WindowBound, WindowBound>> required_frame;  // ranking, lag / lead
  bool required_range = false;
  FrameText required_text;
};

using Binder = std::function<Result<BoundExprPtr>(const plan::ExprPtr&)>;

Result<std::shared_ptr<arrow::Scalar>> FoldableArgument(const BoundExprPtr& e, const std::string& input_name,
                                                        const std::string& sql_expr, const plan::EvalContext& ctx) {
  auto value = plan::EvaluateConstant(*e, ctx);
  if (!value.ok()) {
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", Quoted(sql_expr)}, {"inputName", "`" + input_name + "`"},
                          {"inputType", Quoted(types::SqlString(*e->type))}, {"inputExpr", Quoted(e->name)}});
  }
  return *value;
}

int64_t AsInt64(const std::shared_ptr<arrow::Scalar>& s) {
  auto cast = s->CastTo(arrow::int64());
  if (!cast.ok() || !(*cast)->is_valid) return 0;
  return static_cast<const arrow::Int64Scalar&>(**cast).value;
}

Result<WindowCall> BindWindowCall(const plan::FunctionExpr& written, const Binder& bind, bool in_aggregate,
                                  const plan::EvalContext& ctx) {
  std::shared_ptr<const plan::FunctionExpr> ordered_set;  // percentile_cont(p) WITHIN GROUP (ORDER BY x) OVER w
  if (const auto* info = functions::FunctionRegistry::Instance().Find(written.name)) {
    ARROW_ASSIGN_OR_RAISE(ordered_set, ResolveWithinGroup(written, info->name));
  }
  const plan::FunctionExpr& call = ordered_set ? *ordered_set : written;
  const std::string lower = sql::ToLowerAscii(call.name);
  WindowCall out;
  auto& fn = out.fn;
  fn.function_name = lower;
  std::string& display = out.display;
  std::vector<BoundExprPtr> args;
  auto bind_args = [&]() -> Status {
    for (const auto& a : call.args) {
      if (a->kind() == ExprKind::kStar && lower == "count") {
        args.push_back(BoundExpr::Literal(arrow::MakeScalar(int32_t{1}), "1"));
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto bound, bind(a));
      args.push_back(std::move(bound));
    }
    return Status::OK();
  };
  auto wrong_args = [&](const std::string& expected) {
    return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                         {{"functionName", "`" + lower + "`"}, {"expectedNum", expected},
                          {"actualNum", std::to_string(call.args.size())},
                          {"docroot", "https://spark.apache.org/docs/latest"}});
  };
  bool ignore_nulls = call.ignore_nulls;
  auto& required_frame = out.required_frame;
  bool& required_range = out.required_range;
  FrameText& required_text = out.required_text;
  bool& requires_order = out.requires_order;

  const functions::FunctionInfo* window_info = WindowOnlyFunction(lower);
  const bool ranking = window_info != nullptr && IsRanking(window_info->window_kind);
  if (ranking) {
    fn.kind = window_info->window_kind;
    display = NoArgumentCallName(*window_info);
  }
  if (ranking || lower == "ntile") {
    if (ranking && !call.args.empty()) return wrong_args("0");
    if (lower == "ntile") {
      if (call.args.size() != 1) return wrong_args("1");
      ARROW_RETURN_NOT_OK(bind_args());
      fn.kind = WindowFunctionKind::kNtile;
      display = "ntile(" + args[0]->name + ")";
      ARROW_ASSIGN_OR_RAISE(auto buckets, FoldableArgument(args[0], "buckets", display, ctx));
      if (!types::IsIntegral(*args[0]->type) || args[0]->type->id() == arrow::Type::INT64) {
        return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                             {{"sqlExpr", Quoted(display)}, {"paramIndex", "first"}, {"requiredType", "\"INT\""},
                              {"inputSql", Quoted(args[0]->name)}, {"inputType", Quoted(types::SqlString(*args[0]->type))}});
      }
      fn.offset = AsInt64(buckets);
      if (fn.offset <= 0) {
        return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                             {{"sqlExpr", Quoted(display)}, {"exprName", "buckets"},
                              {"valueRange", "(0, 2147483647]"}, {"currentValue", std::to_string(fn.offset)}});
      }
      args.clear();
    }
    fn.type = fn.kind == WindowFunctionKind::kPercentRank || fn.kind == WindowFunctionKind::kCumeDist
                  ? arrow::float64()
                  : arrow::int32();
    fn.nullable = false;
    requires_order = true;
    required_range = fn.kind == WindowFunctionKind::kCumeDist;
    WindowBound lower_bound, upper_bound;
    lower_bound.kind = WindowBound::Kind::kUnboundedPreceding;
    required_frame = std::make_pair(lower_bound, upper_bound);
  } else if (lower == "lag" || lower == "lead") {
    if (call.args.empty() || call.args.size() > 4) return wrong_args("[1, 2, 3, 4]");
    ARROW_RETURN_NOT_OK(bind_args());
    fn.kind = WindowFunctionKind::kLag;
    if (args.size() == 4) {
      // lag(input, offset, default, ignoreNulls): a boolean literal.
      auto flag = plan::EvaluateConstant(*args[3], ctx);
      if (args[3]->type->id() != arrow::Type::BOOL || !flag.ok()) {
        return AnalysisError("INVALID_PARAMETER_VALUE.BOOLEAN",
                             {{"parameter", "`ignoreNulls`"}, {"functionName", "`" + lower + "`"},
                              {"invalidValue", Quoted(args[3]->name)}});
      }
      ignore_nulls |= (*flag)->is_valid && static_cast<const arrow::BooleanScalar&>(**flag).value;
      args.pop_back();
    }
    int64_t offset = 1;
    std::string offset_text = "1";
    if (args.size() > 1) {
      offset_text = args[1]->name;
      std::string sql = lower + "(" + args[0]->name + ", " + args[1]->name + ", " +
                        (args.size() > 2 ? args[2]->name : "NULL") + ")";
      ARROW_ASSIGN_OR_RAISE(auto value, FoldableArgument(args[1], "offset", sql, ctx));
      offset = AsInt64(value);
    }
    BoundExprPtr default_value = args.size() > 2 ? args[2] : BoundExpr::Literal(arrow::MakeNullScalar(arrow::null()), "NULL");
    display = lower + "(" + args[0]->name + ", " + offset_text + ", " + default_value->name + ")";
    if (!default_value->type->Equals(*args[0]->type)) {
      ARROW_ASSIGN_OR_RAISE(default_value, functions::BindCast(default_value, args[0]->type, plan::CastMode::kDefault,
                                                               /*implicit=*/true, ctx));
    }
    fn.offset = lower == "lag" ? -offset : offset;
    fn.args = {args[0], default_value};
    fn.type = args[0]->type;
    // Spark: NULL only when the input or the default (NULL when not given) can be.
    fn.nullable = args[0]->nullable || default_value->nullable;
    fn.ignore_nulls = ignore_nulls;
    requires_order = true;
    WindowBound at;
    at.kind = WindowBound::Kind::kOffset;
    at.rows = fn.offset;
    required_frame = std::make_pair(at, at);
    required_text.lower = required_text.upper = std::to_string(fn.offset) + " FOLLOWING";
    required_text.lower_value = required_text.upper_value = std::to_string(fn.offset);
  } else if (lower == "first" || lower == "first_value" || lower == "last" || lower == "last_value" ||
             lower == "any_value") {
    if (call.args.empty() || call.args.size() > 2) return wrong_args("[1, 2]");
    ARROW_RETURN_NOT_OK(bind_args());
    fn.kind = lower == "last" || lower == "last_value" ? WindowFunctionKind::kLastValue : WindowFunctionKind::kFirstValue;
    if (args.size() == 2) {
      ARROW_ASSIGN_OR_RAISE(auto flag, FoldableArgument(args[1], "ignoreNulls", lower + "(" + args[0]->name + ")", ctx));
      ignore_nulls |= flag->is_valid && AsInt64(flag) != 0;
    }
    display = lower + "(" + args[0]->name + ")";
    fn.args = {args[0]};
    fn.type = args[0]->type;
    fn.nullable = true;
    fn.ignore_nulls = ignore_nulls;
  } else if (lower == "nth_value") {
    if (call.args.size() < 2 || call.args.size() > 3) return wrong_args("[2, 3]");
    ARROW_RETURN_NOT_OK(bind_args());
    fn.kind = WindowFunctionKind::kNthValue;
    display = "nth_value(" + args[0]->name + ", " + args[1]->name + ")";
    ARROW_ASSIGN_OR_RAISE(auto n, FoldableArgument(args[1], "offset", display, ctx));
    fn.offset = AsInt64(n);
    if (fn.offset <= 0) {
      return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                           {{"sqlExpr", Quoted(display)}, {"exprName", "offset"},
                            {"valueRange", "(0, 9223372036854775807]"},
                            {"currentValue", std::to_string(fn.offset) + "L"}});
    }
    if (args.size() == 3) {
      ARROW_ASSIGN_OR_RAISE(auto flag, FoldableArgument(args[2], "ignoreNulls", display, ctx));
      ignore_nulls |= flag->is_valid && AsInt64(flag) != 0;
    }
    if (ignore_nulls) display += " ignore nulls";
    fn.args = {args[0]};
    fn.type = args[0]->type;
    fn.nullable = true;
    fn.ignore_nulls = ignore_nulls;
  } else {
    const functions::FunctionInfo* info = functions::FunctionRegistry::Instance().Find(call.name);
    if (info == nullptr) {
      return AnalysisError("UNRESOLVED_ROUTINE",
                           {{"routineName", QuoteIdentifier(call.name)},
                            {"searchPath", "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]"}});
    }
    if (info->kind != functions::FunctionKind::kAggregate) {
      ARROW_RETURN_NOT_OK(bind_args());
      ARROW_ASSIGN_OR_RAISE(auto scalar, info->bind_scalar(call.name, args, ctx));
      return AnalysisError("UNSUPPORTED_EXPR_FOR_WINDOW", {{"sqlExpr", Quoted(scalar->name)}});
    }
    for (const auto& a : call.args) {
      if (ContainsAggregate(*a) && !in_aggregate) return AnalysisError("NESTED_AGGREGATE_FUNCTION", {});
    }
    if (call.filter) return Unsupported("aggregate FILTER clauses over a window");
    ARROW_RETURN_NOT_OK(bind_args());
    fn.function_name = info->name;
    ARROW_ASSIGN_OR_RAISE(fn.aggregate, info->bind_aggregate(call.name, std::move(args), call.distinct, ctx));
    fn.kind = WindowFunctionKind::kAggregate;
    fn.type = fn.aggregate.type;
    fn.nullable = fn.aggregate.nullable;
    display = fn.aggregate.name;
  }
  // Spark's internal rendering of the function (rank(), not RANK()).
  out.internal = ranking ? lower + "()" : display;
  return out;
}

/// A window's frame: specified (and checked), required by the function, or
/// Spark's default; `spec_text` is the window's PARTITION BY / ORDER BY text.
struct ResolvedFrame {
  bool range = false;
  WindowBound lower, upper;
  FrameText text;
  std::string full_spec;  // PARTITION BY ... ORDER BY ... frame
};

Result<ResolvedFrame> ResolveFrame(const plan::WindowExpr& window, const WindowCall& call,
                                   const std::vector<plan::BoundSortKey>& order, const std::string& spec_text,
                                   const Binder& bind_value, const plan::EvalContext& ctx) {
  ResolvedFrame out;
  FrameText& text = out.text;
  bool& range = out.range;
  WindowBound& lower_bound = out.lower;
  WindowBound& upper_bound = out.upper;
  bool value_bound = false;
  if (window.frame) {
    const auto& frame = *window.frame;
    range = frame.type == plan::WindowFrameType::kRange;
    auto convert = [&](const plan::WindowFrameBoundary& b, std::string* out_text,
                       std::string* out_value) -> Result<WindowBound> {
      WindowBound out;
      using Kind = plan::WindowFrameBoundary::Kind;
      switch (b.kind) {
        case Kind::kUnboundedPreceding: out.kind = WindowBound::Kind::kUnboundedPreceding; return out;
        case Kind::kUnboundedFollowing: out.kind = WindowBound::Kind::kUnboundedFollowing; return out;
        case Kind::kCurrentRow: out.kind = WindowBound::Kind::kCurrentRow; return out;
        case Kind::kValue: break;
      }
      value_bound = true;
      out.kind = WindowBound::Kind::kOffset;
      ARROW_ASSIGN_OR_RAISE(auto bound, bind_value(b.value));
      ARROW_ASSIGN_OR_RAISE(auto value, FoldableArgument(bound, "offset", bound->name, ctx));
      std::string value_text = bound->name;
      if (value->type->id() == arrow::Type::DURATION && value->is_valid) {
        value_text = IntervalText(static_cast<const arrow::DurationScalar&>(*value).value);
      }
      *out_text = value_text + (b.preceding ? " PRECEDING" : " FOLLOWING");
      if (b.preceding) {
        ARROW_ASSIGN_OR_RAISE(auto negated, arrow::compute::CallFunction("negate", {value}));
        value = negated.scalar();
      }
      *out_value = functions::LiteralColumnName(*value, ctx);
      if (!range && types::IsIntegral(*value->type)) {
        out.rows = AsInt64(value);
        if (out.rows == 0) out.kind = WindowBound::Kind::kCurrentRow;
      } else {
        out.value = value;  // a ROWS offset that is no integer fails below
      }
      return out;
    };
    ARROW_ASSIGN_OR_RAISE(lower_bound, convert(frame.lower, &text.lower, &text.lower_value));
    ARROW_ASSIGN_OR_RAISE(upper_bound, convert(frame.upper, &text.upper, &text.upper_value));
    if (frame.lower.kind == plan::WindowFrameBoundary::Kind::kValue && !range && lower_bound.rows == 0) {
      lower_bound.kind = WindowBound::Kind::kOffset;  // `0 PRECEDING` keeps its text
    }
    if (frame.upper.kind == plan::WindowFrameBoundary::Kind::kValue && !range && upper_bound.rows == 0) {
      upper_bound.kind = WindowBound::Kind::kOffset;
    }
  } else if (call.required_frame) {
    range = call.required_range;
    lower_bound = call.required_frame->first;
    upper_bound = call.required_frame->second;
    text = call.required_text;
  } else if (!order.empty()) {
    range = true;
    lower_bound.kind = WindowBound::Kind::kUnboundedPreceding;
  } else {
    lower_bound.kind = WindowBound::Kind::kUnboundedPreceding;
    upper_bound.kind = WindowBound::Kind::kUnboundedFollowing;
  }
  const std::string frame_text = FrameString(range, lower_bound, upper_bound, text);
  out.full_spec = spec_text + (spec_text.empty() ? "" : " ") + frame_text;
  const std::string& full_spec = out.full_spec;
  if (window.frame && !range) {
    for (const auto* bound : {&lower_bound, &upper_bound}) {
      if (bound->kind != WindowBound::Kind::kOffset || !bound->value) continue;
      return AnalysisError("DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
                           {{"sqlExpr", Quoted(frame_text)}, {"location", bound == &lower_bound ? "lower" : "upper"},
                            {"exprType", Quoted(types::SqlString(*bound->value->type))}, {"expectedType", "\"INT\""}});
    }
  }
  if (window.frame) {
    if (call.required_frame) {
      auto same = [](const WindowBound& a, const WindowBound& b) {
        auto kind = [](const WindowBound& x) {
          return x.kind == WindowBound::Kind::kOffset && x.rows == 0 && !x.value ? WindowBound::Kind::kCurrentRow : x.kind;
        };
        return kind(a) == kind(b) && (a.kind != WindowBound::Kind::kOffset || a.rows == b.rows);
      };
      if (range != call.required_range || !same(lower_bound, call.required_frame->first) ||
          !same(upper_bound, call.required_frame->second)) {
        return AnalysisError("_LEGACY_ERROR_TEMP_1036",
                             {{"wf", FrameInternal(range, lower_bound, upper_bound, text)},
                              {"required", FrameInternal(call.required_range, call.required_frame->first,
                                                         call.required_frame->second, call.required_text)}});
      }
    }
    const bool unbounded = lower_bound.kind == WindowBound::Kind::kUnboundedPreceding &&
                           upper_bound.kind == WindowBound::Kind::kUnboundedFollowing;
    if (range && !unbounded && order.empty()) {
      return AnalysisError("DATATYPE_MISMATCH.RANGE_FRAME_WITHOUT_ORDER", {{"sqlExpr", Quoted("(" + full_spec + ")")}});
    }
    if (range && value_bound && order.size() > 1) {
      std::string order_spec;
      for (const auto& key : order) {
        order_spec += (order_spec.empty() ? "" : ",") + key.expr->name + (key.ascending ? " ASC" : " DESC") +
                      (key.nulls_first ? " NULLS FIRST" : " NULLS LAST");
      }
      return AnalysisError("DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER",
                           {{"sqlExpr", Quoted("(" + full_spec + ")")}, {"orderSpec", order_spec}});
    }
    if (range && value_bound) {
      const auto& key_type = *order[0].expr->type;
      const bool temporal = key_type.id() == arrow::Type::DATE32 || key_type.id() == arrow::Type::TIMESTAMP;
      for (auto* bound : {&lower_bound, &upper_bound}) {
        if (bound->kind != WindowBound::Kind::kOffset) continue;
        const auto& offset_type = *bound->value->type;
        if (key_type.id() == arrow::Type::TIMESTAMP && !IsInterval(offset_type)) {
          return AnalysisError("DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE",
                               {{"sqlExpr", Quoted("(" + full_spec + ")")},
                                {"orderSpecType", Quoted(types::SqlString(key_type))},
                                {"valueBoundaryType", Quoted(types::SqlString(offset_type))}});
        }
        bool ok = temporal ? IsInterval(offset_type) || (key_type.id() == arrow::Type::DATE32 && types::IsIntegral(offset_type))
                           : types::IsNumeric(key_type) && types::IsNumeric(offset_type);
        if (!ok) {
          return AnalysisError("DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
                               {{"sqlExpr", Quoted(frame_text)},
                                {"location", bound == &lower_bound ? "lower" : "upper"},
                                {"exprType", Quoted(types::SqlString(key_type))},
                                {"expectedType",
                                 "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")"}});
        }
        if (offset_type.id() == arrow::Type::INTERVAL_MONTHS) {
          return Unsupported("RANGE frames with year-month interval offsets");
        }
      }
    }
    if (BoundRank(lower_bound) > BoundRank(upper_bound) ||
        lower_bound.kind == WindowBound::Kind::kUnboundedFollowing ||
        upper_bound.kind == WindowBound::Kind::kUnboundedPreceding) {
      return AnalysisError("DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                           {{"sqlExpr", Quoted(frame_text)}, {"comparison", "less than or equal"}});
    }
  }
  return out;
}

}  // namespace

Result<BoundExprPtr> Analyzer::BindWindow(const plan::WindowExpr& window, const ResolvedPlan& input,
                                          AggregateContext* agg) const {
  WindowContext* context = windows_;
  if (context == nullptr) return AnalysisError("_LEGACY_ERROR_TEMP_1034", {{"clauseName", "WHERE"}});
  if (!window.window_name.empty()) {
    return AnalysisError("MISSING_WINDOW_SPECIFICATION",
                         {{"windowName", window.window_name}, {"docroot", "https://spark.apache.org/docs/latest"}});
  }
  // A window function's parts cannot hold windows themselves.
  WindowScope inner(this, nullptr);
  WindowContext::Entry entry;
  std::string spec_text, key_text;
  for (const auto& p : window.partition_spec) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(p, input, agg));
    spec_text += (entry.partition.empty() ? "PARTITION BY " : ", ") + bound->name;
    key_text += plan::ToString(*bound) + ";";
    entry.partition.push_back(std::move(bound));
  }
  for (const auto& o : window.order_spec) {
    plan::BoundSortKey key;
    plan::ExprPtr inner_expr = o;
    if (o->kind() == ExprKind::kSortOrder) {
      const auto& so = o->As<plan::SortOrderExpr>();
      key.ascending = so.ascending;
      key.nulls_first = so.nulls_first;
      inner_expr = so.child;
    }
    ARROW_ASSIGN_OR_RAISE(key.expr, Bind(inner_expr, input, agg));
    std::string text = key.expr->name + (key.ascending ? " ASC" : " DESC") +
                       (key.nulls_first ? " NULLS FIRST" : " NULLS LAST");
    spec_text += std::string(entry.order.empty() ? (spec_text.empty() ? "" : " ") + std::string("ORDER BY ") : ", ") + text;
    key_text += "|" + plan::ToString(*key.expr) + (key.ascending ? "+" : "-") + (key.nulls_first ? "f" : "l");
    entry.order.push_back(std::move(key));
  }
  entry.spec_key = key_text;

  if (window.function->kind() != ExprKind::kFunction) {
    return AnalysisError("UNSUPPORTED_EXPR_FOR_WINDOW", {{"sqlExpr", "\"window function\""}});
  }
  const auto& call = window.function->As<plan::FunctionExpr>();
  ARROW_ASSIGN_OR_RAISE(
      auto bound_call,
      BindWindowCall(call, [&](const plan::ExprPtr& e) { return Bind(e, input, agg); }, agg != nullptr, ctx_));
  if (bound_call.requires_order && entry.order.empty()) {
    return AnalysisError("_LEGACY_ERROR_TEMP_1037", {{"wf", bound_call.internal}});
  }
  ARROW_ASSIGN_OR_RAISE(
      auto frame, ResolveFrame(window, bound_call, entry.order, spec_text,
                               [&](const plan::ExprPtr& e) { return Bind(e, input, nullptr); }, ctx_));
  auto& fn = entry.function;
  fn = std::move(bound_call.fn);
  fn.range_frame = frame.range;
  fn.lower = frame.lower;
  fn.upper = frame.upper;
  fn.name = bound_call.display + " OVER (" + frame.full_spec + ")";
  if (fn.kind == WindowFunctionKind::kAggregate && fn.aggregate.distinct) {
    return AnalysisError("DISTINCT_WINDOW_FUNCTION_UNSUPPORTED", {{"windowExpr", Quoted(fn.name)}});
  }
  const int index = kWindowColumnBase + static_cast<int>(context->entries.size());
  auto ref = std::make_shared<BoundExpr>(*BoundExpr::Column(index, fn.type, fn.nullable, fn.name));
  ref->auto_alias = true;
  context->entries.push_back(std::move(entry));
  return BoundExprPtr(ref);
}

namespace {

/// Points window placeholders at their final positions.
BoundExprPtr Relocate(const BoundExprPtr& expr, const std::vector<int>& positions) {
  if (expr->kind == plan::BoundKind::kColumnRef) {
    if (expr->column_index < kWindowColumnBase || expr->outer_reference) return expr;
    auto copy = std::make_shared<BoundExpr>(*expr);
    copy->column_index = positions[expr->column_index - kWindowColumnBase];
    return copy;
  }
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args) arg = Relocate(arg, positions);
  return copy;
}

}  // namespace

Result<ResolvedPtr> Analyzer::PlanWindows(ResolvedPtr input, WindowContext& context,
                                          std::vector<BoundExprPtr>* exprs) const {
  if (context.entries.empty()) return input;
  // One Window node per distinct partitioning and ordering, in order of first use.
  std::vector<std::string> specs;
  for (const auto& entry : context.entries) {
    if (std::find(specs.begin(), specs.end(), entry.spec_key) == specs.end()) specs.push_back(entry.spec_key);
  }
  std::vector<int> positions(context.entries.size(), -1);
  ResolvedPtr node = input;
  for (const auto& spec : specs) {
    auto window = std::make_shared<ResolvedPlan>();
    window->kind = ResolvedKind::kWindow;
    window->children = {node};
    window->plan_ids = node->plan_ids;
    window->qualifiers = node->qualifiers;
    arrow::FieldVector fields = node->schema->fields();
    for (size_t e = 0; e < context.entries.size(); ++e) {
      auto& entry = context.entries[e];
      if (entry.spec_key != spec) continue;
      if (window->window_functions.empty()) {
        window->grouping = entry.partition;
        window->sort_keys = entry.order;
      }
      positions[e] = static_cast<int>(fields.size());
      fields.push_back(arrow::field(entry.function.name, entry.function.type, entry.function.nullable));
      window->qualifiers.push_back("");
      window->window_functions.push_back(std::move(entry.function));
    }
    window->schema = arrow::schema(fields);
    node = window;
  }
  for (auto& e : *exprs) e = Relocate(e, positions);
  return node;
}

}  // namespace sk8::analyzer
