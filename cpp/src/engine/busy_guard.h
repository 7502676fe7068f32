// BusyGuard: marks a runner busy for one call; a second concurrent call is
// refused instead of corrupting the KV cache.
#pragma once

#include <atomic>

#include "et_llm/error.h"

namespace et_llm::detail {

class BusyGuard {
 public:
  explicit BusyGuard(std::atomic<bool>& busy) : busy_(busy) {
    bool expected = false;
    acquired_ = busy_.compare_exchange_strong(expected, true);
  }
  // Takes over a busy flag the caller already set.
  enum Adopt { kAdopt };
  BusyGuard(std::atomic<bool>& busy, Adopt) : busy_(busy), acquired_(true) {}
  ~BusyGuard() {
    if (acquired_) {
      busy_.store(false);
    }
  }
  BusyGuard(const BusyGuard&) = delete;
  BusyGuard& operator=(const BusyGuard&) = delete;
  bool acquired() const { return acquired_; }

 private:
  std::atomic<bool>& busy_;
  bool acquired_ = false;
};

inline Error busy_error() {
  return Error(ErrorCode::InvalidState,
               "another generate()/prefill() is running on this runner; call stop() or wait");
}

}  // namespace et_llm::detail
