#pragma once

#include <cstddef>
#include <vector>

#include "plan/expression.h"

namespace sk8::analyzer {

/// GROUP BY ..., session_window(time, gap) as projections and a plain
/// aggregate (session_window.cc): `steps` are added one at a time to the
/// input's columns (each with `*`), the last one the merged session column
/// `session_window`; then the aggregate groups by `grouping` and computes
/// `outputs` / `hidden`, which read that column for the session_window call.
struct MergedSessions {
  std::vector<plan::ExprPtr> steps;
  std::vector<plan::ExprPtr> grouping;
  std::vector<plan::ExprPtr> outputs;
  std::vector<plan::ExprPtr> hidden;
};

/// `grouping[session]` is the session_window(...) call.
MergedSessions MergeSessions(const std::vector<plan::ExprPtr>& grouping, size_t session,
                             const std::vector<plan::ExprPtr>& outputs, const std::vector<plan::ExprPtr>& hidden);

}  // namespace sk8::analyzer
