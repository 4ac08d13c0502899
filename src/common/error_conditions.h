#pragma once

#include <cstddef>
#include <string_view>

namespace sk8 {

/// One entry of Spark's error-conditions.json, flattened ("CLASS.SUBCLASS").
struct ErrorCondition {
  const char* name;
  const char* message_template;  // "<param>" placeholders, as in Spark
  const char* sql_state;
};

extern const ErrorCondition kErrorConditions[];
extern const size_t kNumErrorConditions;

/// Binary search in the generated table; nullptr when Spark has no such class.
const ErrorCondition* FindErrorCondition(std::string_view name);

}  // namespace sk8
