#include "observability/query_profile.h"

#include <chrono>

namespace sk8::observability {

int64_t UnixNanosNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sk8::observability
