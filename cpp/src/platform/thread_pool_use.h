// Model forwards hold the process-wide thread pool (shared); resizing it takes
// it exclusively and is refused while any forward runs, because the pool
// cannot be reset under a running XNNPACK call.
#pragma once

#include <shared_mutex>

namespace et_llm::detail {

std::shared_mutex& thread_pool_use();

// Held for the duration of one forward.
class ThreadPoolUse {
 public:
  ThreadPoolUse() : lock_(thread_pool_use()) {}

 private:
  std::shared_lock<std::shared_mutex> lock_;
};

}  // namespace et_llm::detail
