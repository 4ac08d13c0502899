#include "gateway/route_policy.h"

#include <algorithm>

#include "functions/spark_function_docs.h"

namespace sk8::gateway {

std::optional<Route> ParseRoute(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "native") return Route::kNative;
  if (lower == "upstream") return Route::kUpstream;
  if (lower == "auto") return Route::kAuto;
  return std::nullopt;
}

const char* RouteName(Route route) {
  switch (route) {
    case Route::kNative: return "native";
    case Route::kUpstream: return "upstream";
    case Route::kAuto: return "auto";
  }
  return "native";
}

bool IsUnsupportedBySk8(const Status& status) {
  const SparkErrorDetail* detail = GetSparkError(status);
  if (detail == nullptr) return false;
  if (detail->error_class() == "UNSUPPORTED_FEATURE.SK8") return true;
  if (detail->error_class() != "UNRESOLVED_ROUTINE") return false;
  // A function Spark has (its documented built-ins) that sk8 does not: Spark
  // would answer it; a name neither knows is the user's mistake.
  for (const auto& [key, value] : detail->parameters()) {
    if (key != "routineName") continue;
    std::string name = value;
    name.erase(std::remove(name.begin(), name.end(), '`'), name.end());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return functions::FindSparkFunctionDoc(name) != nullptr;
  }
  return false;
}

RouteDecision DecideAuto(const Status& analysis, int64_t input_bytes, int64_t max_native_bytes) {
  if (IsUnsupportedBySk8(analysis)) {
    std::string what = analysis.message();
    constexpr size_t kMaxDetail = 300;
    if (what.size() > kMaxDetail) what = what.substr(0, kMaxDetail) + "...";
    return {true, "unsupported", "sk8 does not support part of this plan: " + what};
  }
  if (analysis.ok() && max_native_bytes > 0 && input_bytes > max_native_bytes) {
    return {true, "input_size",
            "estimated input " + std::to_string(input_bytes) + " bytes is above " + kMaxNativeBytesKey + "=" +
                std::to_string(max_native_bytes)};
  }
  if (!analysis.ok()) {
    return {false, "user_error", "the plan fails analysis in sk8 as it would in Spark; sk8 answers the error"};
  }
  return {false, "supported", "sk8 supports every relation, expression and function of this plan"};
}

}  // namespace sk8::gateway
