#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plan/logical_plan.h"

/// Names a session can see: temporary views for now; databases and tables
/// follow with the catalog work. Thread-safe: operations of one session may run
/// at once.
namespace sk8::analyzer {

class SessionCatalog {
 public:
  /// Registers or replaces a temporary view (stored unresolved, like Spark).
  void CreateTempView(const std::string& name, plan::PlanPtr plan, bool replace);
  bool DropTempView(const std::string& name);
  /// nullptr when there is no such view (names are case-insensitive).
  plan::PlanPtr LookupTempView(const std::string& name) const;
  std::vector<std::string> TempViewNames() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, plan::PlanPtr> temp_views_;
};

}  // namespace sk8::analyzer
