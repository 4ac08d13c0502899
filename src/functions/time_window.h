#pragma once

#include <string_view>

namespace sk8::functions {

/// The field metadata of a session_window(...) column, as Spark marks it.
inline constexpr std::string_view kSessionWindowMetadata = "{\"spark.sessionWindow\":true}";

}  // namespace sk8::functions
