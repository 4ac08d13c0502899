// Percentile aggregates: percentile (exact, with optional frequencies), median,
// the ordered-set percentile_cont / percentile_disc (WITHIN GROUP (ORDER BY x)),
// and percentile_approx / approx_percentile (Spark's Greenwald-Khanna summary,
// QuantileSummaries). The percentage is a constant DOUBLE or ARRAY<DOUBLE>;
// an array asks for several percentiles and answers an array.
//
// Both keep each group's values until Finalize (Spark's exact percentile does
// too; its percentile_approx keeps a summary of about 1/accuracy samples, which
// for fewer rows than that holds every value, so answers agree).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <limits>
#include <utility>

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>
#include <arrow/util/string.h>

#include "functions/aggregate_util.h"
#include "functions/collection_util.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"
#include "functions/quantile_summaries.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

/// Merge of per-group value lists: other's group groups[i] is appended to this
/// group map[i]. `from` may be `into` itself (window frames), hence the copy.
template <typename T>
void AppendGroups(std::vector<std::vector<T>>* into, const std::vector<std::vector<T>>& from, const uint32_t* groups,
                  const uint32_t* map, int64_t count) {
  ForEachMerged(groups, count, [&](int64_t i, size_t g) {
    auto values = from[g];
    auto& target = (*into)[map[i]];
    target.insert(target.end(), values.begin(), values.end());
  });
}

/// An array of percentages answers an array whose elements are never NULL
/// (Spark's ArrayType(_, containsNull = false)).
std::shared_ptr<arrow::DataType> PercentilesType(const std::shared_ptr<arrow::DataType>& element) {
  return arrow::list(arrow::field("element", element, /*nullable=*/false));
}

using arrow::Datum;
using plan::BoundAggregate;
using plan::GroupedAccumulator;

/// The constant percentage(s) of a call: one value, or several from an array.
struct Percentages {
  std::vector<double> values;
  bool is_array = false;
};

bool ReadsColumns(const plan::BoundExpr& expr) {
  if (expr.kind == plan::BoundKind::kColumnRef) return true;
  for (const auto& a : expr.args) {
    if (ReadsColumns(*a)) return true;
  }
  return false;
}

Status DataTypeMismatch(const std::string& subclass, const std::string& sql_expr, MessageParameters params) {
  params.insert(params.begin(), {"sqlExpr", "\"" + sql_expr + "\""});
  return AnalysisError("DATATYPE_MISMATCH." + subclass, std::move(params));
}

/// Spark's literal form of a DOUBLE in messages: 1.5D.
std::string DoubleSql(double v) {
  std::string text = arrow::DoubleScalar(v).ToString();
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text + "D";
}

/// The percentage argument: a constant DOUBLE (numbers are cast) or array of
/// them, each in [0, 1]; Spark's analysis errors otherwise.
Result<Percentages> BindPercentages(const BoundExprPtr& arg, const std::string& sql_expr, const EvalContext& ctx) {
  if (ReadsColumns(*arg) || !arg->deterministic) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", sql_expr,
                            {{"inputName", "`percentage`"}, {"inputType", "\"DOUBLE\""},
                             {"inputExpr", "\"" + arg->name + "\""}});
  }
  Percentages out;
  auto element_type = arg->type;
  if (arg->type->id() == arrow::Type::LIST) {
    out.is_array = true;
    element_type = static_cast<const arrow::ListType&>(*arg->type).value_type();
  }
  bool numeric = NumericRank(*element_type) > 0 || element_type->id() == arrow::Type::DECIMAL128 ||
                 element_type->id() == arrow::Type::NA;
  if (!numeric) {
    return UnexpectedInputType(sql_expr, 1, "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")", *arg);
  }
  ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(*arg, ctx));
  if (!value->is_valid) {
    return DataTypeMismatch("UNEXPECTED_NULL", sql_expr, {{"exprName", "percentage"}});
  }
  std::shared_ptr<arrow::Array> elements;
  if (out.is_array) {
    elements = static_cast<const arrow::ListScalar&>(*value).value;
  } else {
    ARROW_ASSIGN_OR_RAISE(elements, arrow::MakeArrayFromScalar(*value, 1));
  }
  // A DECIMAL percentage is read from its digits, the nearest DOUBLE as Java's
  // Decimal.toDouble gives (Arrow's cast scales by a power of ten: 0.3 would be
  // 0.30000000000000004).
  std::shared_ptr<arrow::StringArray> digits;
  if (elements->type_id() == arrow::Type::DECIMAL128) {
    ARROW_ASSIGN_OR_RAISE(auto text, arrow::compute::Cast(elements, arrow::utf8()));
    digits = std::static_pointer_cast<arrow::StringArray>(text.make_array());
  }
  ARROW_ASSIGN_OR_RAISE(auto doubles, arrow::compute::Cast(elements, arrow::float64()));
  const auto& array = static_cast<const arrow::DoubleArray&>(*doubles.make_array());
  bool in_range = true;
  for (int64_t i = 0; i < array.length(); ++i) {
    if (array.IsNull(i)) return DataTypeMismatch("UNEXPECTED_NULL", sql_expr, {{"exprName", "percentage"}});
    double p = digits ? std::strtod(std::string(digits->GetView(i)).c_str(), nullptr) : array.Value(i);
    in_range = in_range && p >= 0.0 && p <= 1.0;
    out.values.push_back(p);
  }
  if (!in_range) {
    // Spark shows every percentage of the array: "0.5D,-0.1D".
    std::string shown;
    for (double p : out.values) shown += (shown.empty() ? "" : ",") + DoubleSql(p);
    return DataTypeMismatch("VALUE_OUT_OF_RANGE", sql_expr,
                            {{"exprName", "percentage"}, {"valueRange", "[0.0, 1.0]"}, {"currentValue", shown}});
  }
  return out;
}

/// A column of numbers (or DATE / TIMESTAMP, by their day and microsecond
/// counts) as DOUBLE values.
Result<std::shared_ptr<arrow::DoubleArray>> AsDoubles(const Datum& datum, int64_t rows) {
  std::shared_ptr<arrow::Array> array;
  if (datum.is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*datum.scalar(), rows));
  } else {
    array = datum.make_array();
  }
  if (array->type_id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(array, array->View(arrow::int32()));
  } else if (array->type_id() == arrow::Type::TIMESTAMP) {
    ARROW_ASSIGN_OR_RAISE(array, array->View(arrow::int64()));
  }
  if (array->type_id() != arrow::Type::DOUBLE) {
    ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(array, arrow::float64()));
    array = cast.make_array();
  }
  return std::static_pointer_cast<arrow::DoubleArray>(array);
}

/// Appends one group's answers: a value (or NULL), or an array of them.
template <typename Builder, typename Append>
Status AppendAnswers(bool is_array, bool has_values, size_t count, arrow::ListBuilder* list, Builder* values,
                     Append&& append) {
  if (!has_values) return is_array ? list->AppendNull() : values->AppendNull();
  if (is_array) ARROW_RETURN_NOT_OK(list->Append());
  for (size_t i = 0; i < count; ++i) ARROW_RETURN_NOT_OK(append(i));
  return Status::OK();
}

// ---------------------------------------------------------------------------
// percentile / median: exact, by linear interpolation between the two values
// around position (n - 1) * p of the sorted values (counted with frequencies).

/// How a percentile is read from the sorted values.
struct PercentileRule {
  bool discrete = false;  // percentile_disc: a value of the group, no interpolation
  bool reverse = false;   // WITHIN GROUP (ORDER BY x DESC): counted from the largest value
};

class PercentileAccumulator : public GroupedAccumulator {
 public:
  PercentileAccumulator(Percentages percentages, bool has_frequency, PercentileRule rule = {})
      : percentages_(std::move(percentages)), has_frequency_(has_frequency), rule_(rule) {}

  void Resize(int64_t n) override { values_.resize(n); }
  int64_t MemoryUsage() const override { return NestedCapacityBytes(values_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    ARROW_ASSIGN_OR_RAISE(auto values, AsDoubles(args[0], rows));
    std::shared_ptr<arrow::Int64Array> frequencies;
    if (has_frequency_) {
      ARROW_ASSIGN_OR_RAISE(auto f, AsInt64(args[1], rows));
      frequencies = std::move(f);
    }
    for (int64_t i = 0; i < rows; ++i) {
      if (values->IsNull(i)) continue;
      int64_t frequency = 1;
      if (frequencies) {
        if (frequencies->IsNull(i)) continue;
        frequency = frequencies->Value(i);
        if (frequency < 0) {
          return SparkError(SparkExceptionKind::kIllegalArgument, "NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION",
                            {{"frequencyExpression", "\"" + frequency_name_ + "\""},
                             {"negativeValue", std::to_string(frequency) + "L"}});
        }
        if (frequency == 0) continue;
      }
      values_[groups[i]].emplace_back(values->Value(i), frequency);
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    AppendGroups(&values_, static_cast<const PercentileAccumulator&>(other).values_, groups, map, count);
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    auto values = std::make_shared<arrow::DoubleBuilder>();
    arrow::ListBuilder list(arrow::default_memory_pool(), values, PercentilesType(arrow::float64()));
    for (auto& group : values_) {
      std::vector<std::pair<double, int64_t>> counts = group;
      const bool reverse = rule_.reverse;
      std::sort(counts.begin(), counts.end(),
                [reverse](const auto& a, const auto& b) { return reverse ? b.first < a.first : a.first < b.first; });
      // Accumulated counts: entry k holds the number of values <= its value.
      for (size_t k = 1; k < counts.size(); ++k) counts[k].second += counts[k - 1].second;
      ARROW_RETURN_NOT_OK(AppendAnswers(percentages_.is_array, !counts.empty(), percentages_.values.size(), &list,
                                        values.get(), [&](size_t i) {
                                          const double p = percentages_.values[i];
                                          return values->Append(rule_.discrete ? Discrete(counts, p)
                                                                               : Interpolate(counts, p));
                                        }));
    }
    if (percentages_.is_array) return list.Finish();
    return values->Finish();
  }

  void set_frequency_name(std::string name) { frequency_name_ = std::move(name); }

 private:
  static Result<std::shared_ptr<arrow::Int64Array>> AsInt64(const Datum& datum, int64_t rows) {
    std::shared_ptr<arrow::Array> array;
    if (datum.is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*datum.scalar(), rows));
    } else {
      array = datum.make_array();
    }
    if (array->type_id() != arrow::Type::INT64) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(array, arrow::int64()));
      array = cast.make_array();
    }
    return std::static_pointer_cast<arrow::Int64Array>(array);
  }

  // The value at 0-based position `position` of the sorted values.
  static double ValueAt(const std::vector<std::pair<double, int64_t>>& accumulated, int64_t position) {
    auto it = std::upper_bound(accumulated.begin(), accumulated.end(), position,
                               [](int64_t pos, const auto& entry) { return pos < entry.second; });
    return it == accumulated.end() ? accumulated.back().first : it->first;
  }
  static double Interpolate(const std::vector<std::pair<double, int64_t>>& accumulated, double percentage) {
    const double position = static_cast<double>(accumulated.back().second - 1) * percentage;
    const auto lower = static_cast<int64_t>(std::floor(position));
    const auto higher = static_cast<int64_t>(std::ceil(position));
    const double lower_value = ValueAt(accumulated, lower);
    if (higher == lower) return lower_value;
    const double higher_value = ValueAt(accumulated, higher);
    if (lower_value == higher_value) return lower_value;
    return (static_cast<double>(higher) - position) * lower_value +
           (position - static_cast<double>(lower)) * higher_value;
  }

  // percentile_disc: the first value whose cumulative share of the rows reaches
  // the percentage (SQL's smallest value with cume_dist >= p, in the ordering).
  static double Discrete(const std::vector<std::pair<double, int64_t>>& accumulated, double percentage) {
    const double position = std::ceil(static_cast<double>(accumulated.back().second) * percentage - 1.0);
    return ValueAt(accumulated, std::max<int64_t>(0, static_cast<int64_t>(position)));
  }

  Percentages percentages_;
  bool has_frequency_;
  PercentileRule rule_;
  std::string frequency_name_;
  std::vector<std::vector<std::pair<double, int64_t>>> values_;
};

/// The value argument of percentile / median / percentile_approx: numbers stay,
/// strings (and NULL) are cast to DOUBLE; `allow_datetime` keeps DATE and
/// TIMESTAMP (percentile_approx).
Status BindPercentileValue(std::vector<BoundExprPtr>& args, const std::string& sql_expr, bool allow_datetime,
                           const EvalContext& ctx, const char* required_type = nullptr) {
  const auto& type = *args[0]->type;
  if (types::IsStringLike(type) || type.id() == arrow::Type::NA) {
    ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
    return Status::OK();
  }
  bool numeric = NumericRank(type) > 0 || type.id() == arrow::Type::DECIMAL128;
  bool datetime = type.id() == arrow::Type::DATE32 || type.id() == arrow::Type::TIMESTAMP;
  if (numeric || (allow_datetime && datetime)) return Status::OK();
  std::string required = allow_datetime ? "(\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or "
                                          "\"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")"
                                        : "\"NUMERIC\" or \"ANSI INTERVAL\"";
  if (required_type != nullptr) required = required_type;
  return UnexpectedInputType(sql_expr, 0, required, *args[0]);
}

/// Spark names the frequency in its runtime error as bound, where a column reads
/// "boundreference()": "(w - 5)" becomes "(boundreference() - 5)".
std::string BoundReferenceText(const plan::BoundExpr& expr) {
  if (expr.kind == plan::BoundKind::kColumnRef) return "boundreference()";
  std::string text = expr.name;
  size_t from = 0;
  for (const auto& arg : expr.args) {
    size_t at = text.find(arg->name, from);
    if (arg->name.empty() || at == std::string::npos) continue;
    std::string bound = BoundReferenceText(*arg);
    text.replace(at, arg->name.size(), bound);
    from = at + bound.size();
  }
  return text;
}

/// "percentile(v, 0.5, 1)" called with DISTINCT: "percentile(DISTINCT v, 0.5, 1)".
std::string WithDistinct(const std::string& call_text) {
  size_t open = call_text.find('(');
  return call_text.substr(0, open + 1) + "DISTINCT " + call_text.substr(open + 1);
}

/// percentile(value, percentage[, frequency]) and median(value).
FunctionInfo PercentileAggregate(std::string name, bool is_median, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info, is_median](const std::string& called, std::vector<BoundExprPtr> args,
                                                      bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    const std::string function = arrow::internal::AsciiToLower(called);
    if (is_median ? args.size() != 1 : (args.size() < 2 || args.size() > 3)) {
      return WrongArgs(called, args.size(), is_median ? "1" : "[2, 3]");
    }
    std::string sql_expr = is_median ? CallText(function, args)
                                     : CallText(function, args, args.size() == 2 ? std::vector<std::string>{"1"}
                                                                                : std::vector<std::string>{});
    ARROW_RETURN_NOT_OK(BindPercentileValue(args, sql_expr, /*allow_datetime=*/false, ctx));
    Percentages percentages;
    if (is_median) {
      percentages.values = {0.5};
    } else {
      ARROW_ASSIGN_OR_RAISE(percentages, BindPercentages(args[1], sql_expr, ctx));
      args.erase(args.begin() + 1);  // the percentage is the accumulator's, not a column
    }
    bool has_frequency = args.size() == 2;
    std::string frequency_name;
    if (has_frequency) {
      if (!types::IsIntegral(*args[1]->type)) return UnexpectedInputType(sql_expr, 2, "\"INTEGRAL\"", *args[1]);
      frequency_name = BoundReferenceText(*args[1]);
    }
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = distinct ? WithDistinct(sql_expr) : sql_expr;
    agg.distinct = distinct;
    agg.type = percentages.is_array ? PercentilesType(arrow::float64()) : arrow::float64();
    agg.nullable = true;
    agg.kernel = std::make_shared<FactoryKernel>([percentages, has_frequency, frequency_name] {
      auto accumulator = std::make_unique<PercentileAccumulator>(percentages, has_frequency);
      accumulator->set_frequency_name(frequency_name);
      return accumulator;
    });
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

/// percentile_cont(p) / percentile_disc(p) WITHIN GROUP (ORDER BY value [DESC]),
/// bound as (value, p, descending): the analyzer checks the clause and passes
/// it so (analyzer/within_group.cc).
FunctionInfo OrderedSetPercentile(std::string name, bool discrete, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info, discrete](const std::string& called, std::vector<BoundExprPtr> args, bool,
                                                     const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 3 || args[2]->kind != plan::BoundKind::kLiteral) {
      return AnalysisError("INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING",
                           {{"funcName", "`" + info_copy.name + "`"}});
    }
    PercentileRule rule;
    rule.discrete = discrete;
    rule.reverse = static_cast<const arrow::BooleanScalar&>(*args[2]->literal).value;
    const std::string function = arrow::internal::AsciiToLower(called);
    // Spark's messages name the call as its function of (value, percentage).
    const std::string sql_expr = CallText(function, {args[0], args[1]});
    const std::string name = function + "(" + args[1]->name + ") WITHIN GROUP (ORDER BY " + args[0]->name +
                             (rule.reverse ? " DESC" : "") + ")";
    ARROW_RETURN_NOT_OK(BindPercentileValue(args, sql_expr, /*allow_datetime=*/false, ctx,
                                            "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")"));
    ARROW_ASSIGN_OR_RAISE(auto percentages, BindPercentages(args[1], sql_expr, ctx));
    args.resize(1);
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = name;
    agg.type = percentages.is_array ? PercentilesType(arrow::float64()) : arrow::float64();
    agg.nullable = true;
    agg.kernel = MakeFactoryKernel<PercentileAccumulator>(percentages, /*has_frequency=*/false, rule);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

// ---------------------------------------------------------------------------
// percentile_approx / approx_percentile(value, percentage[, accuracy]): the
// values Spark's QuantileSummaries picks, in the value's own type.

class ApproxPercentileAccumulator : public GroupedAccumulator {
 public:
  ApproxPercentileAccumulator(Percentages percentages, double relative_error, std::shared_ptr<arrow::DataType> type)
      : percentages_(std::move(percentages)), relative_error_(relative_error), type_(std::move(type)) {}

  void Resize(int64_t n) override { values_.resize(n); }
  int64_t MemoryUsage() const override { return NestedCapacityBytes(values_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    ARROW_ASSIGN_OR_RAISE(auto values, AsDoubles(args[0], rows));
    for (int64_t i = 0; i < rows; ++i) {
      if (values->IsValid(i)) values_[groups[i]].push_back(values->Value(i));
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    AppendGroups(&values_, static_cast<const ApproxPercentileAccumulator&>(other).values_, groups, map, count);
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    std::unique_ptr<arrow::ArrayBuilder> value_builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type_, &value_builder));
    std::shared_ptr<arrow::ArrayBuilder> values(std::move(value_builder));
    arrow::ListBuilder list(arrow::default_memory_pool(), values, PercentilesType(type_));
    for (const auto& group : values_) {
      QuantileSummaries summary(relative_error_);
      for (double v : group) summary.Insert(v);
      summary.Compress();
      ARROW_RETURN_NOT_OK(AppendAnswers(percentages_.is_array, !group.empty(), percentages_.values.size(), &list,
                                        values.get(), [&](size_t i) {
                                          return AppendInType(values.get(), *summary.Query(percentages_.values[i]));
                                        }));
    }
    if (percentages_.is_array) return list.Finish();
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(values->Finish(&out));
    return out;
  }

 private:
  // The picked value back in the input's type (a Java narrowing: truncation).
  Status AppendInType(arrow::ArrayBuilder* builder, double v) const {
    switch (type_->id()) {
      case arrow::Type::INT8: return static_cast<arrow::Int8Builder*>(builder)->Append(static_cast<int8_t>(v));
      case arrow::Type::INT16: return static_cast<arrow::Int16Builder*>(builder)->Append(static_cast<int16_t>(v));
      case arrow::Type::INT32: return static_cast<arrow::Int32Builder*>(builder)->Append(static_cast<int32_t>(v));
      case arrow::Type::DATE32: return static_cast<arrow::Date32Builder*>(builder)->Append(static_cast<int32_t>(v));
      case arrow::Type::INT64: return static_cast<arrow::Int64Builder*>(builder)->Append(static_cast<int64_t>(v));
      case arrow::Type::TIMESTAMP:
        return static_cast<arrow::TimestampBuilder*>(builder)->Append(static_cast<int64_t>(v));
      case arrow::Type::FLOAT: return static_cast<arrow::FloatBuilder*>(builder)->Append(static_cast<float>(v));
      case arrow::Type::DECIMAL128: {
        const auto& dec = static_cast<const arrow::Decimal128Type&>(*type_);
        ARROW_ASSIGN_OR_RAISE(auto d, arrow::Decimal128::FromReal(v, dec.precision(), dec.scale()));
        return static_cast<arrow::Decimal128Builder*>(builder)->Append(d);
      }
      default: return static_cast<arrow::DoubleBuilder*>(builder)->Append(v);
    }
  }

  Percentages percentages_;
  double relative_error_;
  std::shared_ptr<arrow::DataType> type_;
  std::vector<std::vector<double>> values_;
};

constexpr int64_t kDefaultAccuracy = 10000;

FunctionInfo ApproxPercentileAggregate(std::string name, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    const std::string function = arrow::internal::AsciiToLower(called);
    if (args.size() < 2 || args.size() > 3) return WrongArgs(called, args.size(), "[2, 3]");
    std::string sql_expr =
        CallText(function, args,
                 args.size() == 2 ? std::vector<std::string>{std::to_string(kDefaultAccuracy)} : std::vector<std::string>{});
    ARROW_RETURN_NOT_OK(BindPercentileValue(args, sql_expr, /*allow_datetime=*/true, ctx));
    ARROW_ASSIGN_OR_RAISE(auto percentages, BindPercentages(args[1], sql_expr, ctx));
    int64_t accuracy = kDefaultAccuracy;
    if (args.size() == 3) {
      if (!types::IsIntegral(*args[2]->type)) return UnexpectedInputType(sql_expr, 2, "\"INTEGRAL\"", *args[2]);
      if (ReadsColumns(*args[2])) {
        return DataTypeMismatch("NON_FOLDABLE_INPUT", sql_expr,
                                {{"inputName", "`accuracy`"}, {"inputType", "\"" + types::SqlString(*args[2]->type) + "\""},
                                 {"inputExpr", "\"" + args[2]->name + "\""}});
      }
      ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(*args[2], ctx));
      if (!value->is_valid) return DataTypeMismatch("UNEXPECTED_NULL", sql_expr, {{"exprName", "accuracy"}});
      ARROW_ASSIGN_OR_RAISE(auto as_long, value->CastTo(arrow::int64()));
      accuracy = static_cast<const arrow::Int64Scalar&>(*as_long).value;
      if (accuracy <= 0 || accuracy > std::numeric_limits<int32_t>::max()) {
        return DataTypeMismatch("VALUE_OUT_OF_RANGE", sql_expr,
                                {{"exprName", "accuracy"},
                                 {"valueRange", "(0, 2147483647]"},
                                 {"currentValue", std::to_string(accuracy) + "L"}});
      }
    }
    args.resize(1);
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = distinct ? WithDistinct(sql_expr) : sql_expr;
    agg.distinct = distinct;
    auto type = args[0]->type;
    agg.type = percentages.is_array ? PercentilesType(type) : type;
    agg.nullable = true;
    double relative_error = 1.0 / static_cast<double>(accuracy);
    agg.kernel = MakeFactoryKernel<ApproxPercentileAccumulator>(percentages, relative_error, type);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

}  // namespace

void RegisterPercentileFunctions(FunctionRegistry& registry) {
  registry.Add(PercentileAggregate(
      "percentile", false,
      "percentile(col, percentage [, frequency]) - Returns the exact percentile value of numeric or ANSI interval "
      "column `col` at the given percentage."));
  registry.Add(PercentileAggregate("median", true, "median(col) - Returns the median of numeric or ANSI interval "
                                                   "column `col`."));
  FunctionInfo approx = ApproxPercentileAggregate(
      "percentile_approx",
      "percentile_approx(col, percentage [, accuracy]) - Returns the approximate `percentile` of the numeric or ansi "
      "interval column `col` which is the smallest value in the ordered `col` values (sorted from least to greatest) "
      "such that no more than `percentage` of `col` values is less than the value or equal to that value.");
  approx.aliases.push_back("approx_percentile");
  registry.Add(std::move(approx));
  registry.Add(OrderedSetPercentile(
      "percentile_cont", /*discrete=*/false,
      "percentile_cont(percentage) WITHIN GROUP (ORDER BY col) - Return a percentile value based on a continuous "
      "distribution of numeric or ANSI interval column `col` at the given `percentage` (specified in ORDER BY "
      "clause)."));
  registry.Add(OrderedSetPercentile(
      "percentile_disc", /*discrete=*/true,
      "percentile_disc(percentage) WITHIN GROUP (ORDER BY col) - Return a percentile value based on a discrete "
      "distribution of numeric or ANSI interval column `col` at the given `percentage` (specified in ORDER BY "
      "clause)."));
}

}  // namespace sk8::functions
