#pragma once

#include <string>
#include <vector>

/// `sk8 doctor`: checks a running sk8 and what it depends on, and says what to do
/// about each problem found, with a runbook link (docs/runbooks/).
namespace sk8::cli {

extern const char* kDoctorUsage;

/// Runs `sk8 doctor ARGS...`; returns the process exit code: 0 when no problem
/// was found, 1 when one was, 2 for a usage error.
int RunDoctor(const std::vector<std::string>& args);

}  // namespace sk8::cli
