// The expressions of DataFrame.na (fill, drop, replace): Spark builds them from
// coalesce / nanvl, AtLeastNNonNulls and CaseKeyWhen; here each is one kernel
// over Arrow compute functions.
#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <cmath>

#include "functions/function_registry.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

bool IsFloating(const arrow::DataType& type) {
  return type.id() == arrow::Type::DOUBLE || type.id() == arrow::Type::FLOAT;
}

/// NULL, or NaN for FLOAT / DOUBLE, as Spark's na functions treat them.
Result<Datum> MissingMask(const Datum& value) {
  ARROW_ASSIGN_OR_RAISE(Datum missing, arrow::compute::CallFunction("is_null", {value}));
  if (!IsFloating(*value.type())) return missing;
  ARROW_ASSIGN_OR_RAISE(Datum nan, arrow::compute::CallFunction("is_nan", {value}));
  ARROW_ASSIGN_OR_RAISE(nan, arrow::compute::CallFunction("coalesce", {nan, Datum(false)}));
  return arrow::compute::CallFunction("or", {missing, nan});
}

class FillNullsKernel : public plan::ScalarKernel {
 public:
  explicit FillNullsKernel(std::shared_ptr<arrow::Scalar> value) : value_(std::move(value)) {}
  Result<Datum> Execute(const std::vector<Datum>& args, int64_t, const EvalContext&) const override {
    ARROW_ASSIGN_OR_RAISE(Datum missing, MissingMask(args[0]));
    return arrow::compute::CallFunction("if_else", {missing, Datum(value_), args[0]});
  }

 private:
  std::shared_ptr<arrow::Scalar> value_;
};

class AtLeastNNonNullsKernel : public plan::ScalarKernel {
 public:
  explicit AtLeastNNonNullsKernel(int64_t min) : min_(min) {}
  Result<Datum> Execute(const std::vector<Datum>& args, int64_t length, const EvalContext&) const override {
    std::vector<int32_t> present(length, 0);
    for (const auto& arg : args) {
      ARROW_ASSIGN_OR_RAISE(Datum missing, MissingMask(arg));
      if (missing.is_scalar()) {
        if (!static_cast<const arrow::BooleanScalar&>(*missing.scalar()).value) {
          for (auto& p : present) ++p;
        }
        continue;
      }
      auto mask_array = missing.make_array();
      const auto& mask = static_cast<const arrow::BooleanArray&>(*mask_array);
      for (int64_t i = 0; i < length; ++i) present[i] += mask.Value(i) ? 0 : 1;
    }
    arrow::BooleanBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(length));
    for (int64_t i = 0; i < length; ++i) builder.UnsafeAppend(present[i] >= min_);
    ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
    return Datum(out);
  }

 private:
  int64_t min_;
};

class ReplaceValuesKernel : public plan::ScalarKernel {
 public:
  ReplaceValuesKernel(std::vector<std::pair<std::shared_ptr<arrow::Scalar>, std::shared_ptr<arrow::Scalar>>> pairs,
                      std::shared_ptr<arrow::DataType> compare_as)
      : pairs_(std::move(pairs)), compare_as_(std::move(compare_as)) {}
  Result<Datum> Execute(const std::vector<Datum>& args, int64_t, const EvalContext&) const override {
    Datum compared = args[0];
    if (!compared.type()->Equals(*compare_as_)) {
      ARROW_ASSIGN_OR_RAISE(compared, arrow::compute::Cast(compared, arrow::compute::CastOptions::Unsafe(compare_as_)));
    }
    Datum result = args[0];
    Datum decided(false);
    // CASE x WHEN key1 THEN target1 ... ELSE x END: the first key that matches.
    for (const auto& [key, target] : pairs_) {
      ARROW_ASSIGN_OR_RAISE(Datum equal, arrow::compute::CallFunction("equal", {compared, Datum(key)}));
      ARROW_ASSIGN_OR_RAISE(equal, arrow::compute::CallFunction("coalesce", {equal, Datum(false)}));
      ARROW_ASSIGN_OR_RAISE(Datum take, arrow::compute::CallFunction("and_not", {equal, decided}));
      ARROW_ASSIGN_OR_RAISE(result, arrow::compute::CallFunction("if_else", {take, Datum(target), result}));
      ARROW_ASSIGN_OR_RAISE(decided, arrow::compute::CallFunction("or", {decided, equal}));
    }
    return result;
  }

 private:
  std::vector<std::pair<std::shared_ptr<arrow::Scalar>, std::shared_ptr<arrow::Scalar>>> pairs_;
  std::shared_ptr<arrow::DataType> compare_as_;
};

}  // namespace

BoundExprPtr FillNulls(BoundExprPtr column, std::shared_ptr<arrow::Scalar> value) {
  auto type = column->type;
  std::string name = column->name;
  return plan::BoundExpr::Call("coalesce", std::make_shared<FillNullsKernel>(std::move(value)), {std::move(column)},
                               std::move(type), false, std::move(name));
}

BoundExprPtr AtLeastNNonNulls(std::vector<BoundExprPtr> columns, int64_t min) {
  return plan::BoundExpr::Call("atleastnnonnulls", std::make_shared<AtLeastNNonNullsKernel>(min), std::move(columns),
                               arrow::boolean(), false, "atleastnnonnulls(" + std::to_string(min) + ")");
}

BoundExprPtr ReplaceValues(BoundExprPtr column,
                           std::vector<std::pair<std::shared_ptr<arrow::Scalar>, std::shared_ptr<arrow::Scalar>>> pairs,
                           std::shared_ptr<arrow::DataType> compare_as) {
  bool nullable = column->nullable;
  for (const auto& pair : pairs) nullable = nullable || !pair.second->is_valid;
  auto type = column->type;
  std::string name = column->name;
  return plan::BoundExpr::Call("casekeywhen", std::make_shared<ReplaceValuesKernel>(std::move(pairs), std::move(compare_as)),
                               {std::move(column)}, std::move(type), nullable, std::move(name));
}

}  // namespace sk8::functions
