#include "sampling/greedy.h"

#include "et_llm/sampler.h"

namespace et_llm {

TokenId greedy_token(const Logits& logits) {
  const size_t vocab = logits.vocab_size;
  if (vocab == 0) {
    return 0;
  }
  // Strictly greater, from index 0: ties keep the lower id. A NaN anywhere is
  // returned as the pick (no comparison can rank it), so the caller, which
  // refuses a NaN pick, reports the broken logits instead of a token.
  return logits.visit([vocab](const auto* values) -> TokenId {
    size_t best = 0;
    float best_value = static_cast<float>(values[0]);
    for (size_t i = 1; i < vocab; ++i) {
      const float value = static_cast<float>(values[i]);
      if (value != value) {
        return i;
      }
      if (value > best_value) {
        best_value = value;
        best = i;
      }
    }
    return best;
  });
}

namespace sampling {

TokenId greedy(const Candidates& candidates) {
  auto best = candidates.begin();
  for (auto it = best + 1; it < candidates.end(); ++it) {
    if (more_likely(*it, *best)) {
      best = it;
    }
  }
  return best->id;
}

}  // namespace sampling
}  // namespace et_llm
