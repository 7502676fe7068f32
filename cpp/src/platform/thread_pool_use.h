// The process-wide thread pool, shared by every model. Forwards hold it
// (shared) and resizing takes it exclusively, so a resize never lands under a
// running XNNPACK call. A loaded method with delegates also keeps a hold:
// XNNPACK stores the pool's pointer when a delegate is initialised, and a
// resize replaces the pool, so while any such method exists the pool keeps
// its size.
#pragma once

#include <cstddef>
#include <shared_mutex>

namespace et_llm::detail {

std::shared_mutex& thread_pool_use();

// Held for the duration of one forward, and of a method's load.
class ThreadPoolUse {
 public:
  ThreadPoolUse() : lock_(thread_pool_use()) {}

 private:
  std::shared_lock<std::shared_mutex> lock_;
};

// Lives as long as a loaded method whose delegates captured the pool; take it
// while holding a ThreadPoolUse.
class ThreadPoolHold {
 public:
  ThreadPoolHold();
  ~ThreadPoolHold();
  ThreadPoolHold(const ThreadPoolHold&) = delete;
  ThreadPoolHold& operator=(const ThreadPoolHold&) = delete;
};

// How many ThreadPoolHolds exist.
size_t thread_pool_holds();

}  // namespace et_llm::detail
