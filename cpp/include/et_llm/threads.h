// The process-wide thread pool XNNPACK and the CPU kernels use, shared by
// every engine and session of the process.
#pragma once

#include <cstddef>

#include "et_llm/error.h"

namespace et_llm {

// Threads XNNPACK and the CPU kernels use (the process-wide pool); 0 keeps the
// current size. InvalidState while a model runs on the pool (resizing it under
// a running XNNPACK call would crash); resize before or after generating.
Error set_num_threads(size_t num_threads);
size_t get_num_threads();
// Physical cores of this machine (SMT siblings counted once); the default
// thread count, since a second hyper-thread per core slows the matmuls down.
size_t physical_core_count();
// set_num_threads(num_threads), or physical_core_count() when it is 0; only
// resizes the pool when the size changes.
Error apply_thread_count(size_t num_threads);

}  // namespace et_llm
