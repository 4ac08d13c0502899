#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

/// What one query did, in engine-neutral terms: the physical operators that ran
/// with the rows each produced, and when each step (parse, analyze, optimize,
/// execute) ran. The engine fills it; the event log (the Spark UI's SQL tab) and
/// the tracer read it.
namespace sk8::observability {

struct OperatorProfile {
  std::string name;     // "HashAggregate"
  std::string details;  // EXPLAIN's one line of arguments
  /// Rows the operator produced (for a sink that no one reads as a source, such
  /// as a join's build side: the rows it took in); -1 when it never ran.
  int64_t output_rows = -1;
  std::vector<OperatorProfile> children;
};

/// One step of a query, wall clock.
struct QueryPhase {
  std::string name;
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;
};

/// Nanoseconds since the Unix epoch, now.
int64_t UnixNanosNow();

/// Records a step from construction to destruction into `phases` (when not null).
class PhaseTimer {
 public:
  PhaseTimer(std::vector<QueryPhase>* phases, std::string name)
      : phases_(phases), name_(std::move(name)), start_(phases ? UnixNanosNow() : 0) {}
  ~PhaseTimer() {
    if (phases_ != nullptr) phases_->push_back({std::move(name_), start_, UnixNanosNow()});
  }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  std::vector<QueryPhase>* phases_;
  std::string name_;
  int64_t start_;
};

/// Everything an ExecutePlan operation leaves for the event log and traces.
/// Filled by the operation's own thread, read after it ends.
struct QueryProfile {
  /// Set before the operation runs when an event log or a tracer is on.
  bool collect = false;
  /// The operators of the operation's first plan (later ones, such as an
  /// observation's, are not its execution): with their rows once it ran.
  std::shared_ptr<const OperatorProfile> plan;
  /// EXPLAIN text of that plan.
  std::string plan_text;
  bool plan_started = false;
  bool plan_counted = false;
  /// Called when that plan starts running (the event log's execution start).
  std::function<void()> on_plan_start;
  std::vector<QueryPhase> phases;
  /// True when something ran (a query, a write, a command), false for requests
  /// Spark would not show as an execution (a lazily returned SQL relation).
  bool executed = false;
};

}  // namespace sk8::observability
