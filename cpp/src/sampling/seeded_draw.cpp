#include "sampling/seeded_draw.h"

#include <cmath>

namespace et_llm::sampling {

SeededDraw::SeededDraw(int64_t seed)
    : rng_(seed >= 0 ? static_cast<uint64_t>(seed) : std::random_device{}()) {}

TokenId SeededDraw::operator()(Candidates& candidates) {
  double total = 0.0;
  for (Candidate& candidate : candidates) {
    candidate.logit = std::exp(candidate.logit);
    total += candidate.logit;
  }
  const double target = std::uniform_real_distribution<double>(0.0, total)(rng_);
  double cumulative = 0.0;
  size_t last_possible = 0;
  for (size_t i = 0; i < candidates.size; ++i) {
    const float weight = candidates.items[i].logit;
    if (weight > 0.0f) {
      cumulative += weight;
      last_possible = i;
      if (cumulative > target) {
        return candidates.items[i].id;
      }
    }
  }
  // Rounding left target just past the total: the last token that could be drawn.
  return candidates.items[last_possible].id;
}

}  // namespace et_llm::sampling
