// SHOW FUNCTIONS, DESCRIBE FUNCTION [EXTENDED] and the catalog API's
// listFunctions / functionExists / getFunction. The built-in functions are those
// of Spark's built-in list that sk8's registry runs; their descriptions are
// Spark's (recorded from real Spark), so the rows are the ones Spark prints.
// Persistent functions (CREATE FUNCTION f AS 'class') come from the catalog and
// are described as Spark describes a function whose class it has not loaded.
#include "analyzer/function_catalog.h"

#include <algorithm>
#include <optional>

#include <arrow/builder.h>

#include "catalog/name_pattern.h"
#include "functions/function_registry.h"
#include "functions/spark_function_docs.h"
#include "sql/token.h"

namespace sk8::analyzer {
namespace {

using Query = plan::FunctionCatalogPlan::Query;
using QueryPlan = plan::FunctionCatalogPlan;

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

std::string SearchPath(const SessionCatalog* catalog) {
  std::string database = catalog ? catalog->current_database() : std::string(catalog::kDefaultDatabase);
  return "[`system`.`builtin`, `system`.`session`, " +
         QuoteNameParts({catalog::kSessionCatalogName, database}) + "]";
}

Status UnresolvedRoutine(const QueryPlan& query, const SessionCatalog* catalog) {
  std::vector<std::string> parts = query.qualifier;
  parts.push_back(query.name);
  return AnalysisError("UNRESOLVED_ROUTINE",
                       {{"routineName", QuoteNameParts(parts)}, {"searchPath", SearchPath(catalog)}});
}

Result<std::shared_ptr<arrow::Table>> StringColumn(const std::string& name, const std::vector<std::string>& rows) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(rows));
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field(name, arrow::utf8(), /*nullable=*/false)}), {array});
}

// One row of the catalog API's Function answer.
struct FunctionRow {
  std::string name;
  std::optional<std::string> catalog;
  std::optional<std::vector<std::string>> ns;
  std::string description;
  std::optional<std::string> class_name;
  bool temporary;
};

FunctionRow BuiltinRow(const functions::SparkFunctionDoc& doc) {
  std::optional<std::string> class_name;
  if (doc.class_name) class_name = doc.class_name;
  return {doc.name, std::nullopt, std::nullopt, doc.usage, class_name, true};
}

// A persistent function, as Spark describes one whose class it has not loaded.
FunctionRow PersistentRow(const catalog::FunctionMetadata& function) {
  return {function.name, std::string(catalog::kSessionCatalogName), std::vector<std::string>{function.database},
          "N/A.", function.class_name, false};
}

// The catalog API's Function rows: name, catalog, namespace, description,
// className, isTemporary (built-in functions have no catalog or namespace).
Result<std::shared_ptr<arrow::Table>> FunctionRows(const std::vector<FunctionRow>& rows) {
  arrow::StringBuilder names, catalogs, descriptions, classes;
  auto ns_values = std::make_shared<arrow::StringBuilder>();
  arrow::ListBuilder namespaces(arrow::default_memory_pool(), ns_values);
  arrow::BooleanBuilder temporary;
  for (const auto& row : rows) {
    ARROW_RETURN_NOT_OK(names.Append(row.name));
    ARROW_RETURN_NOT_OK(row.catalog ? catalogs.Append(*row.catalog) : catalogs.AppendNull());
    if (row.ns) {
      ARROW_RETURN_NOT_OK(namespaces.Append());
      ARROW_RETURN_NOT_OK(ns_values->AppendValues(*row.ns));
    } else {
      ARROW_RETURN_NOT_OK(namespaces.AppendNull());
    }
    ARROW_RETURN_NOT_OK(descriptions.Append(row.description));
    ARROW_RETURN_NOT_OK(row.class_name ? classes.Append(*row.class_name) : classes.AppendNull());
    ARROW_RETURN_NOT_OK(temporary.Append(row.temporary));
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

// The persistent functions of the database a listing names (the current one
// when none), whose names match the pattern; SCHEMA_NOT_FOUND for a database
// that does not exist.
Result<std::vector<catalog::FunctionMetadata>> PersistentFunctions(const QueryPlan& query,
                                                                   const SessionCatalog* catalog) {
  std::vector<catalog::FunctionMetadata> out;
  if (catalog == nullptr) return out;
  std::string database = catalog->current_database();
  if (!query.database.empty()) {
    ARROW_ASSIGN_OR_RAISE(database, catalog->DatabaseName(query.database));
  }
  ARROW_ASSIGN_OR_RAISE(auto names, catalog->warehouse().ListFunctions(database));
  std::optional<catalog::NamePattern> pattern;
  if (!query.pattern.empty()) {
    ARROW_ASSIGN_OR_RAISE(pattern, catalog::NamePattern::Compile(query.pattern));
  }
  for (const auto& name : names) {
    if (pattern && !pattern->Matches(name)) continue;
    ARROW_ASSIGN_OR_RAISE(auto function, catalog->warehouse().FindFunction(database, name));
    if (function) out.push_back(std::move(*function));
  }
  return out;
}

// What a name in DESCRIBE FUNCTION / getFunction / functionExists means: a
// bare name is a built-in function first, then a persistent function of the
// current database; a qualified one is a persistent function only.
struct FoundFunction {
  const functions::SparkFunctionDoc* builtin = nullptr;
  std::optional<catalog::FunctionMetadata> persistent;
  bool found() const { return builtin != nullptr || persistent.has_value(); }
};

Result<FoundFunction> FindFunction(const QueryPlan& query, const SessionCatalog* catalog) {
  FoundFunction found;
  if (query.qualifier.empty()) {
    found.builtin = FindImplemented(query.name);
    if (found.builtin) return found;
  }
  if (catalog == nullptr || query.qualifier.size() > 2) return found;
  std::vector<std::string> parts = query.qualifier;
  parts.push_back(query.name);
  ARROW_ASSIGN_OR_RAISE(found.persistent, catalog->LookupFunction(parts));
  return found;
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> AnswerFunctionCatalog(const plan::FunctionCatalogPlan& query,
                                                            const SessionCatalog* catalog) {
  switch (query.query) {
    case Query::kShow: {
      std::vector<std::string> names;
      if (!query.user_functions_only) {
        ARROW_ASSIGN_OR_RAISE(auto docs, MatchingFunctions(query.pattern));
        for (const auto* doc : docs) names.emplace_back(doc->name);
      }
      // Spark lists a persistent function by its qualified name, in order among the others.
      std::vector<catalog::FunctionMetadata> persistent;
      if (!query.system_functions_only) {
        ARROW_ASSIGN_OR_RAISE(persistent, PersistentFunctions(query, catalog));
      }
      for (const auto& function : persistent) {
        std::string qualified =
            std::string(catalog::kSessionCatalogName) + "." + function.database + "." + function.name;
        auto at = std::find_if(names.begin(), names.end(), [&](const std::string& n) { return n > qualified; });
        names.insert(at, qualified);
      }
      return StringColumn("function", names);
    }
    case Query::kDescribe: {
      ARROW_ASSIGN_OR_RAISE(auto found, FindFunction(query, catalog));
      if (found.builtin) {
        return StringColumn("function_desc", functions::DescribeFunctionRows(*found.builtin, query.extended));
      }
      if (!found.persistent) return UnresolvedRoutine(query, catalog);
      const auto& function = *found.persistent;
      std::vector<std::string> rows = {
          "Function: " + std::string(catalog::kSessionCatalogName) + "." + function.database + "." + function.name,
          "Class: " + function.class_name, "Usage: N/A."};
      if (query.extended) rows.push_back("Extended Usage:\n    No example/argument for " + function.name + ".\n");
      return StringColumn("function_desc", rows);
    }
    case Query::kList: {
      ARROW_ASSIGN_OR_RAISE(auto docs, MatchingFunctions(query.pattern));
      std::vector<FunctionRow> rows;
      for (const auto* doc : docs) rows.push_back(BuiltinRow(*doc));
      ARROW_ASSIGN_OR_RAISE(auto persistent, PersistentFunctions(query, catalog));
      for (const auto& function : persistent) rows.push_back(PersistentRow(function));
      return FunctionRows(rows);
    }
    case Query::kGet: {
      ARROW_ASSIGN_OR_RAISE(auto found, FindFunction(query, catalog));
      if (found.builtin) return FunctionRows({BuiltinRow(*found.builtin)});
      if (!found.persistent) return UnresolvedRoutine(query, catalog);
      auto row = PersistentRow(*found.persistent);
      row.name = query.name;  // Spark answers the name as written
      return FunctionRows({row});
    }
    case Query::kExists: {
      auto found = FindFunction(query, catalog);
      arrow::BooleanBuilder exists;
      ARROW_RETURN_NOT_OK(exists.Append(found.ok() && found->found()));
      ARROW_ASSIGN_OR_RAISE(auto array, exists.Finish());
      return arrow::Table::Make(arrow::schema({arrow::field("value", arrow::boolean(), false)}), {array});
    }
  }
  return InternalError("unknown function catalog query");
}

Status UnknownFunctionError(const std::string& name, const SessionCatalog* catalog) {
  // SQL's db.f(...) arrives as "db.f".
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (catalog != nullptr) {
    auto function = catalog->LookupFunction(parts);
    if (function.ok() && *function) {
      return AnalysisError("CANNOT_LOAD_FUNCTION_CLASS",
                           {{"className", (*function)->class_name},
                            {"functionName", QuoteNameParts({catalog::kSessionCatalogName, (*function)->database,
                                                             (*function)->name})}});
    }
  }
  return AnalysisError("UNRESOLVED_ROUTINE",
                       {{"routineName", QuoteNameParts(parts)}, {"searchPath", SearchPath(catalog)}});
}

Status CheckCallableByName(const std::string& name, const SessionCatalog* catalog) {
  if (name == "case" || name == "||") {
    std::string database = catalog ? catalog->current_database() : std::string(catalog::kDefaultDatabase);
    return AnalysisError("ROUTINE_NOT_FOUND", {{"routineName", QuoteNameParts({database, name})}});
  }
  if (name == "range" || name == "sql_keywords") return UnknownFunctionError(name, catalog);
  return Status::OK();
}

}  // namespace sk8::analyzer
