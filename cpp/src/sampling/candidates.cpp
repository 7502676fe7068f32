#include "sampling/candidates.h"

#include <algorithm>

namespace et_llm::sampling {

bool Candidates::assign(const Logits& logits, size_t* nan_at) {
  const size_t vocab = logits.vocab_size;
  items.resize(vocab);
  bool finite_or_inf = true;
  logits.visit([&](const auto* values) {
    for (size_t i = 0; i < vocab; ++i) {
      const float value = static_cast<float>(values[i]);
      if (value != value && finite_or_inf) {
        finite_or_inf = false;
        if (nan_at != nullptr) *nan_at = i;
      }
      items[i] = {value, static_cast<uint32_t>(i)};
    }
  });
  size = vocab;
  return finite_or_inf;
}

void sort_most_likely_first(Candidates& candidates) {
  std::sort(candidates.begin(), candidates.end(), more_likely);
}

}  // namespace et_llm::sampling
