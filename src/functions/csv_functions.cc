// CSV functions: from_csv, to_csv, schema_of_csv. Tokenizing, inference,
// conversion and field writing are the CSV data source's own (csv_value.h), so
// a value reads the same from a file and from a column.
#include <arrow/builder.h>
#include <arrow/scalar.h>

#include "functions/collection_util.h"
#include "functions/csv_value.h"
#include "functions/json_value.h"
#include "functions/string_util.h"
#include "functions/text_format_args.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;

struct FromCsvPlan {
  std::shared_ptr<arrow::DataType> type;
  CsvFormat format;
  CsvValueRules rules;
  bool fail_fast = false;
};

Result<Datum> FromCsvKernel(const FromCsvPlan& plan, const Args& a, int64_t length, const EvalContext& ctx) {
  const int64_t rows = ResultRows(a, length);
  StringArg csv(a[0]);
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), plan.type, &builder));
  auto* structs = static_cast<arrow::StructBuilder*>(builder.get());
  const auto& type = *plan.type;
  for (int64_t i = 0; i < rows; ++i) {
    if (!csv.IsValid(i)) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    CsvRecords records;
    TokenizeCsv(csv.View(i), plan.format, &records);
    const size_t width = records.size() > 0 ? records.width(0) : 0;
    bool malformed = width != static_cast<size_t>(type.num_fields());
    for (int f = 0; f < type.num_fields(); ++f) {
      auto* field = structs->field_builder(f);
      std::optional<std::string_view> value;
      if (static_cast<size_t>(f) < width) {
        const size_t k = records.starts[0] + static_cast<size_t>(f);
        value = plan.rules.Value(records.fields[k], records.quoted[k]);
      }
      if (!value) {
        ARROW_RETURN_NOT_OK(field->AppendNull());
      } else if (!plan.rules.Append(*value, *type.field(f)->type(), field)) {
        malformed = true;
        ARROW_RETURN_NOT_OK(field->AppendNull());
      }
    }
    ARROW_RETURN_NOT_OK(structs->Append());
    if (malformed && plan.fail_fast) {
      std::shared_ptr<arrow::Array> so_far;
      ARROW_RETURN_NOT_OK(builder->Finish(&so_far));
      return MalformedRecord(*so_far, so_far->length() - 1, ctx);
    }
  }
  return FinishResult(builder->Finish(), AllScalars(a));
}

FunctionInfo FromCsv() {
  return ScalarInfo(
      "from_csv", "from_csv(csvStr, schema[, options]) - Returns a struct value with the given `csvStr` and `schema`.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("from_csv", args, 2, 3));
        const std::string name = CallText(called, {args[0]});
        ARROW_ASSIGN_OR_RAISE(auto schema, SchemaArgument(*args[1], ctx));
        if (schema->id() != arrow::Type::STRUCT) {
          return AnalysisError("INVALID_SCHEMA.NON_STRUCT_TYPE",
                               {{"inputSchema", Quoted(args[1]->name)}, {"dataType", Quoted(types::SqlString(*schema))}});
        }
        ARROW_RETURN_NOT_OK(CheckStringArgument(name, 0, *args[0]));
        SourceOptions options;
        if (args.size() > 2) {
          ARROW_ASSIGN_OR_RAISE(options, OptionsArgument(*args[2], ctx));
        }
        auto plan = std::make_shared<FromCsvPlan>();
        plan->type = AsNullable(schema);
        ARROW_ASSIGN_OR_RAISE(plan->format, CsvFormat::From(options));
        plan->rules = CsvValueRules::From(options, ctx.session_time_zone);
        ARROW_ASSIGN_OR_RAISE(plan->fail_fast, FailFastMode(options, "from_csv"));
        ARROW_ASSIGN_OR_RAISE(auto csv, CastStringArgument(args[0], ctx));
        return KernelCall("from_csv", name, {csv}, plan->type, args[0]->nullable,
                          [plan](const Args& a, int64_t length, const EvalContext& ctx) {
                            return FromCsvKernel(*plan, a, length, ctx);
                          });
      },
      /*can_fail=*/true);
}

FunctionInfo ToCsv() {
  return ScalarInfo(
      "to_csv", "to_csv(expr[, options]) - Returns a CSV string with a given struct value",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("to_csv", args, 1, 2));
        const std::string name = CallText(called, {args[0]});
        if (args[0]->type->id() != arrow::Type::STRUCT) {
          return AnalysisError("DATATYPE_MISMATCH.UNSUPPORTED_INPUT_TYPE",
                               {{"sqlExpr", Quoted(name)}, {"functionName", "`to_csv`"},
                                {"dataType", Quoted(types::SqlString(*args[0]->type))}});
        }
        SourceOptions options;
        if (args.size() > 1) {
          ARROW_ASSIGN_OR_RAISE(options, OptionsArgument(*args[1], ctx));
        }
        ARROW_ASSIGN_OR_RAISE(auto write, ReadJsonWriteOptions(options, ctx.session_time_zone, true));
        ARROW_ASSIGN_OR_RAISE(auto fields, CsvFieldWriter::From(options));
        const bool zone_given = options.Get("timeZone").has_value();
        return KernelCall("to_csv", name, {args[0]}, arrow::utf8(), true,
                          [write, fields, zone_given](const Args& a, int64_t length,
                                                      const EvalContext& ctx) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto values = ArrayArgument(a[0], rows);
                            const auto& structs = static_cast<const arrow::StructArray&>(*values);
                            auto options = write;
                            if (!zone_given) options.session_time_zone = ctx.session_time_zone;
                            std::vector<std::shared_ptr<arrow::Array>> texts;
                            for (int f = 0; f < structs.num_fields(); ++f) {
                              ARROW_ASSIGN_OR_RAISE(auto child, structs.GetFlattenedField(f));
                              ARROW_ASSIGN_OR_RAISE(auto text, DateTimeTexts(*child, options));
                              texts.push_back(std::move(text));
                            }
                            StringColumnWriter out(rows, 0);
                            std::string line;
                            for (int64_t i = 0; i < rows; ++i) {
                              if (values->IsNull(i)) {
                                out.AppendNull();
                                continue;
                              }
                              line.clear();
                              for (size_t c = 0; c < texts.size(); ++c) {
                                if (c) line += fields.separator;
                                const auto& text = static_cast<const arrow::StringArray&>(*texts[c]);
                                fields.AppendValue(
                                    text.IsNull(i) ? std::nullopt : std::optional<std::string_view>(text.GetView(i)),
                                    &line);
                              }
                              out.Append(line);
                            }
                            return out.Finish(AllScalars(a), arrow::utf8());
                          });
      },
      /*can_fail=*/true);
}

FunctionInfo SchemaOfCsv() {
  return ScalarInfo(
      "schema_of_csv", "schema_of_csv(csv[, options]) - Returns schema in the DDL format of CSV string.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("schema_of_csv", args, 1, 2));
        const std::string name = CallText(called, {args[0]});
        ARROW_ASSIGN_OR_RAISE(auto text, FoldableString(name, "csv", *args[0], ctx));
        SourceOptions options;
        if (args.size() > 1) {
          ARROW_ASSIGN_OR_RAISE(options, OptionsArgument(*args[1], ctx));
        }
        ARROW_ASSIGN_OR_RAISE(auto format, CsvFormat::From(options));
        const auto rules = CsvValueRules::From(options, ctx.session_time_zone);
        CsvRecords records;
        TokenizeCsv(text, format, &records);
        arrow::FieldVector fields;
        const size_t width = records.size() > 0 ? records.width(0) : 0;
        for (size_t c = 0; c < width; ++c) {
          CsvTypeInference inference;
          auto value = rules.Value(records.fields[c], records.quoted[c]);
          if (value && !value->empty()) inference.Add(*value, rules);
          fields.push_back(arrow::field("_c" + std::to_string(c), inference.type(), true));
        }
        return ConstantCall("schema_of_csv", name, args[0], types::SqlString(*arrow::struct_(fields)));
      });
}

}  // namespace

void RegisterCsvFunctions(FunctionRegistry& registry) {
  registry.Add(FromCsv());
  registry.Add(ToCsv());
  registry.Add(SchemaOfCsv());
}

}  // namespace sk8::functions
