#include "exec/ordered_batches.h"

namespace sk8::exec {

int64_t OrderedBatches::Add(int64_t index, BatchPtr batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  batches_[index] = std::move(batch);
  for (auto it = batches_.find(next_expected_); it != batches_.end(); it = batches_.find(next_expected_)) {
    prefix_rows_ += it->second->num_rows();
    ++next_expected_;
  }
  return prefix_rows_;
}

std::vector<OrderedBatches::BatchPtr> OrderedBatches::TakeReadyPrefix() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<BatchPtr> ready;
  while (next_to_take_ < next_expected_) {
    auto it = batches_.find(next_to_take_++);
    ready.push_back(std::move(it->second));
    batches_.erase(it);
  }
  return ready;
}

std::vector<OrderedBatches::BatchPtr> OrderedBatches::TakeAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<BatchPtr> all;
  all.reserve(batches_.size());
  for (auto& [index, batch] : batches_) all.push_back(std::move(batch));
  batches_.clear();
  return all;
}

}  // namespace sk8::exec
