#include "analyzer/catalog.h"

#include <algorithm>
#include <cctype>

namespace sk8::analyzer {
namespace {
std::string Key(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}
}  // namespace

void SessionCatalog::CreateTempView(const std::string& name, plan::PlanPtr plan, bool replace) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!replace && temp_views_.count(Key(name))) return;
  temp_views_[Key(name)] = std::move(plan);
}

bool SessionCatalog::DropTempView(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return temp_views_.erase(Key(name)) > 0;
}

plan::PlanPtr SessionCatalog::LookupTempView(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = temp_views_.find(Key(name));
  return it == temp_views_.end() ? nullptr : it->second;
}

std::vector<std::string> SessionCatalog::TempViewNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, _] : temp_views_) names.push_back(name);
  return names;
}

}  // namespace sk8::analyzer
