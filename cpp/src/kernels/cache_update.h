// Writing new key/value rows into a [batch, seq, heads, head_dim] cache, shared
// by llama::update_cache(_with_indices) and llama::sdpa_with_kv_cache.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>

#include <cstdint>

namespace et_llm::kernels::detail {

// cache[b, start_pos + s] = value[b, s] or, with `indices` ([batch, seq] int64),
// cache[b, indices[b, s]] = value[b, s]. On bad arguments logs why, fails `ctx`
// and returns false without writing anything.
bool write_cache_rows(executorch::runtime::KernelRuntimeContext& ctx, const char* op,
                      const executorch::aten::Tensor& value, executorch::aten::Tensor& cache,
                      int64_t start_pos, const executorch::aten::Tensor* indices);

}  // namespace et_llm::kernels::detail
