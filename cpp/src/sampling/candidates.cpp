#include "sampling/candidates.h"

#include <algorithm>

namespace et_llm::sampling {

void Candidates::assign(const Logits& logits) {
  const size_t vocab = logits.vocab_size;
  items.resize(vocab);
  logits.visit([&](const auto* values) {
    for (size_t i = 0; i < vocab; ++i) {
      items[i] = {static_cast<float>(values[i]), static_cast<uint32_t>(i)};
    }
  });
  size = vocab;
}

void sort_most_likely_first(Candidates& candidates) {
  std::sort(candidates.begin(), candidates.end(), more_likely);
}

}  // namespace et_llm::sampling
