// Layout checks the rewrite kernels share.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>

namespace et_llm::kernels::detail {

using executorch::aten::Tensor;

// Row-major with no gaps (size-1 dims may have any stride).
inline bool contiguous(const Tensor& t) {
  int64_t expected = 1;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    if (t.size(d) != 1 && t.strides()[d] != expected) return false;
    expected *= t.size(d);
  }
  return true;
}

// The same bytes with the same dtype: an output that aliases its input.
inline bool same_tensor(const Tensor& a, const Tensor& b) {
  return a.const_data_ptr() == b.const_data_ptr() && a.nbytes() == b.nbytes() &&
         a.scalar_type() == b.scalar_type();
}

}  // namespace et_llm::kernels::detail
