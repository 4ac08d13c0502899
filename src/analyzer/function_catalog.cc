// SHOW FUNCTIONS, DESCRIBE FUNCTION [EXTENDED] and the catalog API's
// listFunctions / functionExists / getFunction. The functions are those of
// Spark's built-in list that sk8's registry runs; their descriptions are Spark's
// (recorded from real Spark), so the rows are the ones Spark prints.
#include "analyzer/function_catalog.h"

#include <arrow/builder.h>

#include "catalog/name_pattern.h"
#include "functions/function_registry.h"
#include "functions/spark_function_docs.h"
#include "sql/token.h"

namespace sk8::analyzer {
namespace {

using Query = plan::FunctionCatalogPlan::Query;

// Spark's built-in functions that the registry runs, in SHOW FUNCTIONS order.
std::vector<const functions::SparkFunctionDoc*> ImplementedFunctions() {
  const auto& registry = functions::FunctionRegistry::Instance();
  std::vector<const functions::SparkFunctionDoc*> out;
  for (size_t i = 0; i < functions::kSparkFunctionDocCount; ++i) {
    if (registry.Find(functions::kSparkFunctionDocs[i].name) != nullptr) out.push_back(&functions::kSparkFunctionDocs[i]);
  }
  return out;
}

Result<std::vector<const functions::SparkFunctionDoc*>> MatchingFunctions(const std::string& pattern) {
  auto all = ImplementedFunctions();
  if (pattern.empty()) return all;
  ARROW_ASSIGN_OR_RAISE(auto compiled, catalog::NamePattern::Compile(pattern));
  std::vector<const functions::SparkFunctionDoc*> out;
  for (const auto* doc : all) {
    if (compiled.Matches(doc->name)) out.push_back(doc);
  }
  return out;
}

// The implemented function a user's name refers to (case-insensitive), or null.
const functions::SparkFunctionDoc* FindImplemented(const std::string& name) {
  const auto* doc = functions::FindSparkFunctionDoc(sql::ToLowerAscii(name));
  if (doc == nullptr || functions::FunctionRegistry::Instance().Find(doc->name) == nullptr) return nullptr;
  return doc;
}

Status UnresolvedRoutine(const std::string& name) {
  return AnalysisError("UNRESOLVED_ROUTINE",
                       {{"routineName", "`" + name + "`"},
                        {"searchPath", "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]"}});
}

Result<std::shared_ptr<arrow::Table>> StringColumn(const std::string& name, const std::vector<std::string>& rows) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(rows));
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field(name, arrow::utf8(), /*nullable=*/false)}), {array});
}

// The catalog API's Function rows: name, catalog, namespace, description,
// className, isTemporary (built-in functions have no catalog or namespace).
Result<std::shared_ptr<arrow::Table>> FunctionRows(const std::vector<const functions::SparkFunctionDoc*>& docs) {
  arrow::StringBuilder names, catalogs, descriptions, classes;
  arrow::ListBuilder namespaces(arrow::default_memory_pool(), std::make_shared<arrow::StringBuilder>());
  arrow::BooleanBuilder temporary;
  for (const auto* doc : docs) {
    ARROW_RETURN_NOT_OK(names.Append(doc->name));
    ARROW_RETURN_NOT_OK(catalogs.AppendNull());
    ARROW_RETURN_NOT_OK(namespaces.AppendNull());
    ARROW_RETURN_NOT_OK(descriptions.Append(doc->usage));
    ARROW_RETURN_NOT_OK(doc->class_name ? classes.Append(doc->class_name) : classes.AppendNull());
    ARROW_RETURN_NOT_OK(temporary.Append(true));
  }
  std::vector<std::shared_ptr<arrow::Array>> columns(6);
  ARROW_RETURN_NOT_OK(names.Finish(&columns[0]));
  ARROW_RETURN_NOT_OK(catalogs.Finish(&columns[1]));
  ARROW_RETURN_NOT_OK(namespaces.Finish(&columns[2]));
  ARROW_RETURN_NOT_OK(descriptions.Finish(&columns[3]));
  ARROW_RETURN_NOT_OK(classes.Finish(&columns[4]));
  ARROW_RETURN_NOT_OK(temporary.Finish(&columns[5]));
  auto schema = arrow::schema({arrow::field("name", arrow::utf8()), arrow::field("catalog", arrow::utf8()),
                               arrow::field("namespace", arrow::list(arrow::utf8())),
                               arrow::field("description", arrow::utf8()), arrow::field("className", arrow::utf8()),
                               arrow::field("isTemporary", arrow::boolean(), /*nullable=*/false)});
  return arrow::Table::Make(schema, columns);
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> AnswerFunctionCatalog(const plan::FunctionCatalogPlan& query) {
  switch (query.query) {
    case Query::kShow: {
      std::vector<std::string> names;
      if (!query.user_functions_only) {
        ARROW_ASSIGN_OR_RAISE(auto docs, MatchingFunctions(query.pattern));
        for (const auto* doc : docs) names.emplace_back(doc->name);
      }
      return StringColumn("function", names);
    }
    case Query::kDescribe: {
      const auto* doc = FindImplemented(query.name);
      if (doc == nullptr) return UnresolvedRoutine(query.name);
      return StringColumn("function_desc", functions::DescribeFunctionRows(*doc, query.extended));
    }
    case Query::kList: {
      ARROW_ASSIGN_OR_RAISE(auto docs, MatchingFunctions(query.pattern));
      return FunctionRows(docs);
    }
    case Query::kGet: {
      const auto* doc = FindImplemented(query.name);
      if (doc == nullptr) return UnresolvedRoutine(query.name);
      return FunctionRows({doc});
    }
    case Query::kExists: {
      arrow::BooleanBuilder exists;
      ARROW_RETURN_NOT_OK(exists.Append(FindImplemented(query.name) != nullptr));
      ARROW_ASSIGN_OR_RAISE(auto array, exists.Finish());
      return arrow::Table::Make(arrow::schema({arrow::field("value", arrow::boolean(), false)}), {array});
    }
  }
  return InternalError("unknown function catalog query");
}

}  // namespace sk8::analyzer
