// The process-wide thread pool XNNPACK and the CPU kernels use, shared by
// every engine and session of the process.
#pragma once

#include <cstddef>

#include "et_llm/error.h"

namespace et_llm {

// Threads XNNPACK and the CPU kernels use (the process-wide pool); 0 keeps the
// current size. A new size replaces the pool, and XNNPACK delegates keep the
// pool they were loaded with: InvalidState while any model is loaded (set the
// count before loading, or after freeing every runner). Asking for the
// current size always succeeds.
Error set_num_threads(size_t num_threads);
size_t get_num_threads();
// Physical cores of this machine (SMT siblings counted once); the default
// thread count, since a second hyper-thread per core slows the matmuls down.
size_t physical_core_count();
// set_num_threads(num_threads); 0 asks for physical_core_count() when no
// model is loaded and keeps the pool the loaded models use otherwise.
Error apply_thread_count(size_t num_threads);

}  // namespace et_llm
