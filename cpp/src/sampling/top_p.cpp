#include "sampling/top_p.h"

namespace et_llm::sampling {

void top_p(Candidates& candidates, const Softmax& before, float p) {
  if (p >= 1.0f) {
    return;
  }
  double cumulative = 0.0;
  for (size_t i = 0; i < candidates.size; ++i) {
    cumulative += before.probability(candidates.items[i].logit);
    if (cumulative >= p) {
      candidates.size = i + 1;
      return;
    }
  }
}

}  // namespace et_llm::sampling
