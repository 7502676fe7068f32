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
  const float inverse_temperature = 1.0f / temperature;
  for (Candidate& candidate : candidates) {
    candidate.logit = (candidate.logit - best) * inverse_temperature;
  }
}

}  // namespace et_llm::sampling
