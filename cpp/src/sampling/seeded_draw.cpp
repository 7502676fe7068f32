#include "sampling/seeded_draw.h"

#include <cmath>

namespace et_llm::sampling {

double exponentiate(Candidates& candidates) {
  double total = 0.0;
  for (Candidate& candidate : candidates) {
    candidate.logit = std::exp(candidate.logit);
    total += candidate.logit;
  }
  return total;
}

SeededDraw::SeededDraw(int64_t seed)
    : rng_(seed >= 0 ? static_cast<uint64_t>(seed) : std::random_device{}()) {}

TokenId SeededDraw::operator()(Candidates& candidates) {
  const double total = exponentiate(candidates);
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

double SeededDraw::uniform() {
  // uniform_real_distribution can round up to its upper bound; callers
  // compare `uniform < p`, which must hold for p = 1.
  const double value = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  return value < 1.0 ? value : std::nextafter(1.0, 0.0);
}

}  // namespace et_llm::sampling
