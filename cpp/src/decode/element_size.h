// Bytes per value of the dtypes that encoder inputs and embedding rows come in.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>

#include <cstddef>

namespace et_llm::detail {

// uint8, float16/bfloat16 and float32; callers have checked the dtype is one of
// them. (ExecuTorch's elementSize() aborts on a dtype it does not know.)
inline size_t element_size(executorch::aten::ScalarType type) {
  switch (type) {
    case executorch::aten::ScalarType::Byte:
      return 1;
    case executorch::aten::ScalarType::Half:
    case executorch::aten::ScalarType::BFloat16:
      return 2;
    default:
      return 4;
  }
}

}  // namespace et_llm::detail
