// Argument checks shared by the custom-op kernels: a failed check logs why
// (through the runtime's log, which et_llm filters) and fails the kernel call
// with InvalidArgument instead of aborting the process as upstream's ET_CHECKs do.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>
#include <executorch/runtime/platform/log.h>

#include <optional>

#include "kernels/attention.h"

// In a function returning bool: unless `cond`, log "<op>: <message>" (printf
// format and arguments), mark the call failed and return false.
#define ET_LLM_KERNEL_CHECK(ctx, cond, op, format, ...)          \
  do {                                                           \
    if (!(cond)) {                                               \
      ET_LOG(Error, "%s: " format, op, ##__VA_ARGS__);           \
      (ctx).fail(::executorch::runtime::Error::InvalidArgument); \
      return false;                                              \
    }                                                            \
  } while (0)

namespace et_llm::kernels::detail {

using executorch::aten::ScalarType;
using executorch::aten::Tensor;

inline std::optional<ElementType> element_type(ScalarType type) {
  switch (type) {
    case ScalarType::Float:
      return ElementType::Float32;
    case ScalarType::Half:
      return ElementType::Float16;
    case ScalarType::BFloat16:
      return ElementType::BFloat16;
    case ScalarType::Char:
      return ElementType::Int8;
    default:
      return std::nullopt;
  }
}

inline bool is_floating(ScalarType type) {
  return type == ScalarType::Float || type == ScalarType::Half || type == ScalarType::BFloat16;
}

// The last dimension is contiguous (head_dim rows can be read as arrays).
inline bool last_dim_contiguous(const Tensor& t) {
  return t.dim() == 0 || t.size(t.dim() - 1) <= 1 || t.strides()[t.dim() - 1] == 1;
}

}  // namespace et_llm::kernels::detail
