#include "exec/ordered_batches.h"

namespace sk8::exec {

int64_t OrderedBatches::Add(int64_t index, BatchPtr batch, bool last_part) {
  std::lock_guard<std::mutex> lock(mutex_);
  Morsel& morsel = batches_[index];
  morsel.parts.push_back(std::move(batch));
  morsel.complete = last_part;
  for (auto it = batches_.find(next_expected_); it != batches_.end() && it->second.complete;
       it = batches_.find(next_expected_)) {
    for (const auto& part : it->second.parts) prefix_rows_ += part->num_rows();
    ++next_expected_;
  }
  return prefix_rows_;
}

std::vector<OrderedBatches::BatchPtr> OrderedBatches::TakeReadyPrefix() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<BatchPtr> ready;
  while (next_to_take_ < next_expected_) {
    auto it = batches_.find(next_to_take_++);
    for (auto& part : it->second.parts) ready.push_back(std::move(part));
    batches_.erase(it);
  }
  return ready;
}

std::vector<OrderedBatches::BatchPtr> OrderedBatches::TakeAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<BatchPtr> all;
  all.reserve(batches_.size());
  for (auto& [index, morsel] : batches_) {
    for (auto& part : morsel.parts) all.push_back(std::move(part));
  }
  batches_.clear();
  return all;
}

}  // namespace sk8::exec
