// Generators in a select list (explode, posexplode, inline, stack and the
// _outer forms): the select becomes a Generate node over its input, whose
// output is the input's columns and then the generator's, with a projection
// above that reads them (Spark's ExtractGenerator).
#include <arrow/compute/api.h>

#include "analyzer/analyzer.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/variant_functions.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

namespace {

/// The generator call of a select item (possibly aliased), or null.
const plan::FunctionExpr* GeneratorCall(const Expr& e) {
  const Expr* inner = &e;
  if (inner->kind() == ExprKind::kAlias) inner = inner->As<plan::AliasExpr>().child.get();
  if (inner->kind() != ExprKind::kFunction) return nullptr;
  const auto& call = inner->As<plan::FunctionExpr>();
  return functions::FindGenerator(call.name) ? &call : nullptr;
}

/// stack(n, v1, ..., vk): an ARRAY of n structs (col0, col1, ...) of ceil(k / n)
/// fields, the last row padded with NULLs, for an inline generator to expand.
Result<BoundExprPtr> StackAsArray(const std::string& name, std::vector<BoundExprPtr> args, const plan::EvalContext& ctx) {
  if (args.size() < 2) return functions::WrongArgumentCount("stack", "> 1", args.size());
  const auto& n_arg = args[0];
  auto n_value = plan::EvaluateConstant(*n_arg, ctx);
  if (!types::IsIntegral(*n_arg->type) || !n_value.ok() || !(*n_value)->is_valid) {
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", "\"" + name + "\""}, {"inputName", "`n`"}, {"inputType", "\"INT\""},
                          {"inputExpr", "\"" + n_arg->name + "\""}});
  }
  auto n_scalar = arrow::compute::Cast(*n_value, arrow::int64());
  const int64_t rows = n_scalar.ok() ? static_cast<const arrow::Int64Scalar&>(*n_scalar->scalar()).value : 0;
  if (rows <= 0) {
    return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                         {{"sqlExpr", "\"" + name + "\""}, {"exprName", "`n`"}, {"valueRange", "(0, 2147483647]"},
                          {"currentValue", n_arg->name}});
  }
  const size_t values = args.size() - 1;
  const size_t width = (values + static_cast<size_t>(rows) - 1) / static_cast<size_t>(rows);
  // Each column takes the common type of its values (Spark: one type per column).
  std::vector<std::shared_ptr<arrow::DataType>> column_types(width, arrow::null());
  for (size_t v = 0; v < values; ++v) {
    auto& t = column_types[v % width];
    auto common = functions::CommonElementType({t, args[1 + v]->type});
    if (!common) {
      return AnalysisError("DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES",
                           {{"sqlExpr", "\"" + name + "\""}, {"columnIndex", std::to_string(v % width)},
                            {"leftParamIndex", std::to_string(1 + v % width)}, {"leftType", "\"" + types::SqlString(*t) + "\""},
                            {"rightParamIndex", std::to_string(1 + v)},
                            {"rightType", "\"" + types::SqlString(*args[1 + v]->type) + "\""}});
    }
    t = common;
  }
  std::vector<BoundExprPtr> structs;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<BoundExprPtr> fields;
    for (size_t c = 0; c < width; ++c) {
      std::string field = "col" + std::to_string(c);
      fields.push_back(BoundExpr::Literal(std::make_shared<arrow::StringScalar>(field), field));
      const size_t v = static_cast<size_t>(r) * width + c;
      BoundExprPtr value = v < values ? args[1 + v] : BoundExpr::Literal(arrow::MakeNullScalar(arrow::null()), "NULL");
      ARROW_ASSIGN_OR_RAISE(value, functions::CoerceTo(value, column_types[c], ctx));
      fields.push_back(value);
    }
    ARROW_ASSIGN_OR_RAISE(auto st, functions::BindFunctionCall("named_struct", std::move(fields), ctx));
    structs.push_back(std::move(st));
  }
  return functions::BindFunctionCall("array", std::move(structs), ctx);
}

}  // namespace

bool HasGenerator(const std::vector<ExprPtr>& exprs) {
  for (const auto& e : exprs) {
    if (GeneratorCall(*e)) return true;
  }
  return false;
}

Result<ResolvedPtr> Analyzer::GenerateNode(const plan::FunctionExpr& call, const plan::AliasExpr* alias,
                                           const ResolvedPlan& scope, ResolvedPtr below) const {
  const auto* info = functions::FindGenerator(call.name);
  std::vector<BoundExprPtr> args;
  for (const auto& a : call.args) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(a, scope, nullptr));
    args.push_back(std::move(bound));
  }
  const std::string name = functions::CallText(call.name, args);
  plan::GeneratorSpec spec;
  spec.outer = info->outer;
  arrow::FieldVector generated;
  const bool outer = info->outer;
  if (info->kind == functions::GeneratorKind::kStack) {
    ARROW_ASSIGN_OR_RAISE(spec.input, StackAsArray(name, std::move(args), ctx_));
    spec.kind = plan::GeneratorSpec::Kind::kInline;
  } else if (functions::IsVariantExplode(call.name)) {
    ARROW_ASSIGN_OR_RAISE(spec.input, functions::VariantExplodeAsArray(name, std::move(args), ctx_));
    spec.kind = plan::GeneratorSpec::Kind::kInline;
  } else if (info->kind == functions::GeneratorKind::kJsonTuple) {
    ARROW_ASSIGN_OR_RAISE(spec.input, functions::JsonTupleAsArray(name, std::move(args), ctx_));
    spec.kind = plan::GeneratorSpec::Kind::kInline;
  } else {
    if (args.size() != 1) return functions::WrongArgumentCount(call.name, "1", args.size());
    spec.input = args[0];
    spec.kind = info->kind == functions::GeneratorKind::kInline      ? plan::GeneratorSpec::Kind::kInline
                : info->kind == functions::GeneratorKind::kPosExplode ? plan::GeneratorSpec::Kind::kPosExplode
                                                                      : plan::GeneratorSpec::Kind::kExplode;
  }
  const auto& type = *spec.input->type;
  if (spec.kind == plan::GeneratorSpec::Kind::kInline) {
    if (type.id() != arrow::Type::LIST || functions::ElementType(type)->id() != arrow::Type::STRUCT) {
      return functions::UnexpectedInputType(name, 0, "\"ARRAY<STRUCT>\"", *spec.input);
    }
    const bool elements_nullable = functions::ContainsNull(type);
    const bool stack = info->kind == functions::GeneratorKind::kStack;  // Spark: stack's columns are nullable
    for (const auto& f : functions::ElementType(type)->fields()) {
      generated.push_back(arrow::field(f->name(), f->type(), f->nullable() || elements_nullable || outer || stack));
    }
  } else {
    if (spec.kind == plan::GeneratorSpec::Kind::kPosExplode) generated.push_back(arrow::field("pos", arrow::int32(), outer));
    if (type.id() == arrow::Type::LIST) {
      generated.push_back(arrow::field("col", functions::ElementType(type), functions::ContainsNull(type) || outer));
    } else if (type.id() == arrow::Type::MAP) {
      const auto& map = static_cast<const arrow::MapType&>(type);
      generated.push_back(arrow::field("key", map.key_type(), outer));
      generated.push_back(arrow::field("value", map.item_type(), map.item_field()->nullable() || outer));
    } else {
      return functions::UnexpectedInputType(name, 0, "(\"ARRAY\" or \"MAP\")", *spec.input);
    }
  }
  if (alias) {
    if (alias->names.size() != generated.size()) {
      return AnalysisError("UDTF_ALIAS_NUMBER_MISMATCH", {{"aliasesSize", std::to_string(alias->names.size())},
                                                          {"aliasesNames", ""}});
    }
    for (size_t i = 0; i < generated.size(); ++i) generated[i] = generated[i]->WithName(alias->names[i]);
  }
  arrow::FieldVector fields = below->schema->fields();
  fields.insert(fields.end(), generated.begin(), generated.end());
  auto node = std::make_shared<ResolvedPlan>();
  node->kind = ResolvedKind::kGenerate;
  node->schema = arrow::schema(fields);
  node->plan_ids = below->plan_ids;
  node->qualifiers = below->qualifiers;
  node->qualifiers.resize(fields.size(), "");
  node->generator = spec;
  node->children = {std::move(below)};
  return ResolvedPtr(node);
}

Result<ResolvedPtr> Analyzer::ResolveGenerate(const std::vector<ExprPtr>& expressions, ResolvedPtr input) const {
  // One Generate per generator, each over the one before (Spark: a row per
  // combination); every generator's arguments read the input's columns, which
  // stay the first columns of each node.
  ResolvedPtr node = input;
  std::vector<std::pair<int, int>> columns;  // per select item: first generated column, count (0: not a generator)
  for (const auto& e : expressions) {
    const auto* call = GeneratorCall(*e);
    if (!call) {
      columns.emplace_back(0, 0);
      continue;
    }
    const int first = node->schema->num_fields();
    const auto* alias = e->kind() == ExprKind::kAlias ? &e->As<plan::AliasExpr>() : nullptr;
    ARROW_ASSIGN_OR_RAISE(node, GenerateNode(*call, alias, *input, node));
    columns.emplace_back(first, node->schema->num_fields() - first);
  }
  // The select list over the Generates: each generator's columns where it stood.
  std::vector<BoundExprPtr> exprs;
  for (size_t k = 0; k < expressions.size(); ++k) {
    const auto& e = expressions[k];
    if (columns[k].second > 0) {
      for (int c = columns[k].first; c < columns[k].first + columns[k].second; ++c) {
        const auto& f = node->schema->field(c);
        exprs.push_back(BoundExpr::Column(c, f->type(), f->nullable(), f->name()));
      }
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, BindProjectList({e}, *input, nullptr));
    exprs.insert(exprs.end(), bound.begin(), bound.end());
  }
  auto out = std::make_shared<ResolvedPlan>();
  out->kind = ResolvedKind::kProject;
  out->schema = SchemaOf(exprs);
  out->plan_ids = node->plan_ids;
  out->qualifiers.assign(exprs.size(), "");
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (exprs[i]->kind == plan::BoundKind::kColumnRef) out->qualifiers[i] = node->qualifiers[exprs[i]->column_index];
  }
  out->expressions = std::move(exprs);
  out->children = {node};
  return ResolvedPtr(out);
}

}  // namespace sk8::analyzer
