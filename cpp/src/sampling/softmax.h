// The softmax of the sorted candidates before temperature, which top_p and
// min_p both cut by. It is computed once, before either cuts, so each cut is
// the same whether or not the other ran.
#pragma once

#include <cmath>

#include "sampling/candidates.h"

namespace et_llm::sampling {

struct Softmax {
  float max_logit;
  double total;  // sum of exp(logit - max_logit)

  double probability(float logit) const {
    return std::exp(static_cast<double>(logit - max_logit)) / total;
  }
  double probability_of_best() const { return 1.0 / total; }
};

// Needs at least one candidate, sorted (sort_most_likely_first).
Softmax softmax(const Candidates& sorted);

}  // namespace et_llm::sampling
