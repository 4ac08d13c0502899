// Generators: explode, explode_outer, posexplode, posexplode_outer, inline,
// inline_outer, stack, json_tuple. They make several rows per input row, so the analyzer
// plans a top-level call in a select list as a Generate node
// (analyzer/generate.cc, exec/generate.cc); bound anywhere else they are
// Spark's UNSUPPORTED_GENERATOR errors.
#include "functions/collection_util.h"
#include "sql/token.h"

namespace sk8::functions {
namespace {

struct GeneratorEntry {
  const char* name;
  GeneratorInfo info;
  const char* usage;
};

const GeneratorEntry kGenerators[] = {
    {"explode", {GeneratorKind::kExplode, false},
     "explode(expr) - Separates the elements of array `expr` into multiple rows, or the elements of map `expr` into "
     "multiple rows and columns. Unless specified otherwise, uses the default column name `col` for elements of the "
     "array or `key` and `value` for the elements of the map."},
    {"explode_outer", {GeneratorKind::kExplode, true},
     "explode_outer(expr) - Separates the elements of array `expr` into multiple rows, or the elements of map `expr` "
     "into multiple rows and columns. Unless specified otherwise, uses the default column name `col` for elements of "
     "the array or `key` and `value` for the elements of the map."},
    {"posexplode", {GeneratorKind::kPosExplode, false},
     "posexplode(expr) - Separates the elements of array `expr` into multiple rows with positions, or the elements "
     "of map `expr` into multiple rows and columns with positions. Unless specified otherwise, uses the column name "
     "`pos` for position, `col` for elements of the array or `key` and `value` for elements of the map."},
    {"posexplode_outer", {GeneratorKind::kPosExplode, true},
     "posexplode_outer(expr) - Separates the elements of array `expr` into multiple rows with positions, or the "
     "elements of map `expr` into multiple rows and columns with positions. Unless specified otherwise, uses the "
     "column name `pos` for position, `col` for elements of the array or `key` and `value` for elements of the map."},
    {"inline", {GeneratorKind::kInline, false},
     "inline(expr) - Explodes an array of structs into a table. Uses column names col1, col2, etc. by default unless "
     "specified otherwise."},
    {"inline_outer", {GeneratorKind::kInline, true},
     "inline_outer(expr) - Explodes an array of structs into a table. Uses column names col1, col2, etc. by default "
     "unless specified otherwise."},
    {"stack", {GeneratorKind::kStack, false},
     "stack(n, expr1, ..., exprk) - Separates `expr1`, ..., `exprk` into `n` rows. Uses column names col0, col1, "
     "etc. by default unless specified otherwise."},
    // variant_explode(_outer): an inline of functions::VariantExplodeAsArray (analyzer/generate.cc).
    {"variant_explode", {GeneratorKind::kInline, false},
     "variant_explode(expr) - It separates a variant object/array into multiple rows containing its fields/elements. "
     "Its result schema is `struct<pos int, key string, value variant>`. `pos` is the position of the field/element "
     "in its parent object/array, and `value` is the field/element value. `key` is the field name when exploding a "
     "variant object, or is NULL when exploding a variant array. It ignores any input that is not a variant "
     "array/object, including SQL NULL, variant null, and any other variant values."},
    {"variant_explode_outer", {GeneratorKind::kInline, true},
     "variant_explode_outer(expr) - It separates a variant object/array into multiple rows containing its "
     "fields/elements. Its result schema is `struct<pos int, key string, value variant>`. `pos` is the position of "
     "the field/element in its parent object/array, and `value` is the field/element value. `key` is the field name "
     "when exploding a variant object, or is NULL when exploding a variant array. It ignores any input that is not a "
     "variant array/object, including SQL NULL, variant null, and any other variant values."},
    {"json_tuple", {GeneratorKind::kJsonTuple, false},
     "json_tuple(jsonStr, p1, p2, ..., pn) - Returns a tuple like the function get_json_object, but it takes multiple "
     "names. All the input parameters and output column types are string."},
};

}  // namespace

const GeneratorInfo* FindGenerator(const std::string& name) {
  for (const auto& g : kGenerators) {
    if (sql::EqualsIgnoreCase(g.name, name)) return &g.info;
  }
  return nullptr;
}

void RegisterGeneratorFunctions(FunctionRegistry& registry) {
  for (const auto& g : kGenerators) {
    FunctionInfo info;
    info.name = g.name;
    info.usage = g.usage;
    info.can_fail = false;
    info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                          const EvalContext&) -> Result<BoundExprPtr> {
      return AnalysisError("UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS", {{"expression", Quoted(CallText(called, args))}});
    };
    registry.Add(info);
  }
}

}  // namespace sk8::functions
