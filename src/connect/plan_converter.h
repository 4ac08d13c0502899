#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/spark_error.h"
#include "plan/expression.h"
#include "plan/logical_plan.h"
#include "spark/connect/relations.pb.h"

/// Spark Connect protos -> sk8's engine-neutral unresolved plan. Protobuf types
/// stop here: nothing below connect/ sees them. Anything not translated yet
/// answers UNSUPPORTED with the relation or expression's proto name.
namespace sk8::connect {

/// What relation conversion may look up in the session.
struct ConvertContext {
  /// Artifact bytes by name ("cache/<sha256>"), or null when absent.
  std::function<std::shared_ptr<const std::string>(const std::string&)> find_artifact;
  /// A checkpointed DataFrame by its relation id, or null when unknown.
  std::function<plan::PlanPtr(const std::string&)> find_cached_relation;
};

Result<plan::PlanPtr> ConvertRelation(const spark::connect::Relation& relation, const ConvertContext& ctx = {});
Result<plan::ExprPtr> ConvertExpression(const spark::connect::Expression& expression);
Result<std::shared_ptr<arrow::Scalar>> ConvertLiteral(const spark::connect::Expression::Literal& literal);

/// Splits a Spark multi-part identifier ("a.b", "`a.b`.c") into its parts.
Result<std::vector<std::string>> ParseIdentifier(const std::string& text);

}  // namespace sk8::connect
