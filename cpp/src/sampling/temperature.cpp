#include "sampling/temperature.h"

#include <algorithm>
#include <cmath>

namespace et_llm::sampling {

void apply_temperature(Candidates& candidates, float temperature) {
  float best = -INFINITY;
  for (const Candidate& candidate : candidates) {
    best = std::max(best, candidate.logit);
  }
  // Multiplying by the inverse, not dividing, is part of the seeded results.
  // A temperature so small that the inverse overflows is greedy's limit: the
  // best stay 0 (not 0 * inf = NaN), the rest become -inf.
  const float inverse_temperature = 1.0f / temperature;
  for (Candidate& candidate : candidates) {
    const float delta = candidate.logit - best;
    candidate.logit = delta == 0.0f ? 0.0f : delta * inverse_temperature;
  }
}

}  // namespace et_llm::sampling
