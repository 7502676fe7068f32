// A read-only view of one position's logits in the model's output buffer.
// fp32, fp16 and bf16 are read in place; nothing is copied per token.
#pragma once

#include <executorch/runtime/core/exec_aten/exec_aten.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace et_llm {

using executorch::aten::ScalarType;

struct Logits {
  const void* data = nullptr;
  ScalarType dtype = ScalarType::Float;
  size_t vocab_size = 0;

  float at(size_t i) const {
    switch (dtype) {
      case ScalarType::Half:
        return static_cast<float>(static_cast<const executorch::aten::Half*>(data)[i]);
      case ScalarType::BFloat16:
        return static_cast<float>(static_cast<const executorch::aten::BFloat16*>(data)[i]);
      default:
        return static_cast<const float*>(data)[i];
    }
  }

  // Calls f(values) once with the buffer typed by dtype (const float*, const
  // Half* or const BFloat16*), so loops over the vocabulary convert each
  // entry with static_cast<float> instead of switching on dtype per entry.
  template <typename F>
  auto visit(F&& f) const {
    switch (dtype) {
      case ScalarType::Half:
        return f(static_cast<const executorch::aten::Half*>(data));
      case ScalarType::BFloat16:
        return f(static_cast<const executorch::aten::BFloat16*>(data));
      default:
        return f(static_cast<const float*>(data));
    }
  }

  bool is_float32() const { return dtype == ScalarType::Float; }
  const float* float_data() const { return static_cast<const float*>(data); }

  // fp32 copy, to keep past the next forward (which reuses the output buffer).
  void copy_to(std::vector<float>& out) const {
    out.resize(vocab_size);
    if (is_float32()) {
      std::memcpy(out.data(), data, vocab_size * sizeof(float));
      return;
    }
    for (size_t i = 0; i < vocab_size; ++i) {
      out[i] = at(i);
    }
  }
};

}  // namespace et_llm
