#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/spark_error.h"

namespace sk8::gateway {

/// sk8.route: where a session's plans run.
enum class Route {
  kNative,    // always sk8 (the default; an unsupported plan answers UNSUPPORTED)
  kUpstream,  // always the upstream Spark Connect server
  kAuto,      // sk8 when it supports the whole plan and its input is small enough
};

constexpr const char* kRouteKey = "sk8.route";
constexpr const char* kMaxNativeBytesKey = "sk8.route.maxNativeBytes";

std::optional<Route> ParseRoute(const std::string& text);
const char* RouteName(Route route);

/// Where one plan runs, and why (for EXPLAIN, the log and the metric).
struct RouteDecision {
  bool upstream = false;
  /// A short label per kind of reason: "route=native", "route=upstream",
  /// "supported", "unsupported", "input_size", "not_a_query".
  std::string reason;
  /// The reason in words.
  std::string detail;
};

/// route=auto after a dry analysis of the whole plan (`analysis`: its outcome)
/// and the estimated input (`input_bytes`, -1: unknown): upstream when sk8
/// reported something it does not support, or when the input is above `max_native_bytes`
/// (<= 0: no limit). Any other analysis error is the user's (a missing column,
/// a type mismatch), and sk8 answers it natively, as Spark would.
RouteDecision DecideAuto(const Status& analysis, int64_t input_bytes, int64_t max_native_bytes);

/// True for errors that mean "sk8 lacks this", not "the plan is wrong":
/// UNSUPPORTED_FEATURE.SK8, or UNRESOLVED_ROUTINE of a Spark built-in function.
bool IsUnsupportedBySk8(const Status& status);

}  // namespace sk8::gateway
