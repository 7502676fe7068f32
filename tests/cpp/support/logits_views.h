// Logits views over hand-made vectors of every dtype the runner reads, for the
// sampling and logprobs tests.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "et_llm/logits.h"

namespace et_llm::test_logits {

using executorch::aten::BFloat16;
using executorch::aten::Half;

inline constexpr float kInf = std::numeric_limits<float>::infinity();

inline Logits view(const std::vector<float>& v) { return {v.data(), ScalarType::Float, v.size()}; }
inline Logits view(const std::vector<Half>& v) { return {v.data(), ScalarType::Half, v.size()}; }
inline Logits view(const std::vector<BFloat16>& v) {
  return {v.data(), ScalarType::BFloat16, v.size()};
}

template <typename T>
std::vector<T> as(const std::vector<float>& values) {
  return std::vector<T>(values.begin(), values.end());
}

// log of 0.4, 0.3, 0.15, 0.1, 0.05: already sorted, softmax gives them back.
inline std::vector<float> five_tokens() {
  std::vector<float> logits;
  for (double p : {0.4, 0.3, 0.15, 0.1, 0.05}) {
    logits.push_back(static_cast<float>(std::log(p)));
  }
  return logits;
}

}  // namespace et_llm::test_logits
