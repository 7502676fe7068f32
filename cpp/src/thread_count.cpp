// The wheel ships libexecutorch_threadpool.so but not its threadpool.h, so the
// two members we call are declared here (non-virtual, so no layout is assumed).
#include <cstddef>
#include <cstdint>

#include "et_llm/llm_runner_helpers.h"

namespace executorch::extension::threadpool {
class ThreadPool {
 public:
  size_t get_thread_count() const;
  bool _unsafe_reset_threadpool(uint32_t num_threads);
};
ThreadPool* get_threadpool();
}  // namespace executorch::extension::threadpool

namespace et_llm {

Error set_num_threads(size_t num_threads) {
  if (num_threads == 0) {
    return Error();
  }
  ET_LLM_CHECK(num_threads <= 1024, InvalidArgument, "num_threads must be <= 1024");
  auto* pool = executorch::extension::threadpool::get_threadpool();
  ET_LLM_CHECK(pool != nullptr, NotSupported, "the ExecuTorch thread pool is unavailable");
  ET_LLM_CHECK(pool->_unsafe_reset_threadpool(static_cast<uint32_t>(num_threads)), Internal,
               "could not resize the ExecuTorch thread pool");
  return Error();
}

size_t get_num_threads() {
  auto* pool = executorch::extension::threadpool::get_threadpool();
  return pool != nullptr ? pool->get_thread_count() : 1;
}

}  // namespace et_llm
