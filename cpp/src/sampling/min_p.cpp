#include "sampling/min_p.h"

namespace et_llm::sampling {

void min_p(Candidates& candidates, const Softmax& before, float p) {
  if (p <= 0.0f) {
    return;
  }
  const double threshold = p * before.probability_of_best();
  for (size_t i = 1; i < candidates.size; ++i) {
    if (before.probability(candidates.items[i].logit) < threshold) {
      candidates.size = i;
      return;
    }
  }
}

}  // namespace et_llm::sampling
