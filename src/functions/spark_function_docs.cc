#include "functions/spark_function_docs.h"

#include <map>

namespace sk8::functions {

const SparkFunctionDoc* FindSparkFunctionDoc(std::string_view name) {
  static const auto* index = [] {
    auto* by_name = new std::map<std::string_view, const SparkFunctionDoc*>();
    for (size_t i = 0; i < kSparkFunctionDocCount; ++i) (*by_name)[kSparkFunctionDocs[i].name] = &kSparkFunctionDocs[i];
    return by_name;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

std::vector<std::string> DescribeFunctionRows(const SparkFunctionDoc& doc, bool extended) {
  std::vector<std::string> rows = {std::string("Function: ") + doc.name};
  if (doc.class_name != nullptr) rows.push_back(std::string("Class: ") + doc.class_name);
  rows.push_back(std::string("Usage: ") + doc.usage);
  if (extended) rows.push_back(std::string("Extended Usage:") + doc.extended_usage);
  return rows;
}

}  // namespace sk8::functions
