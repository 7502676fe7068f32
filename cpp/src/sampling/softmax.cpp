#include "sampling/softmax.h"

namespace et_llm::sampling {

Softmax softmax(const Candidates& sorted) {
  const float best = sorted.items[0].logit;
  double total = 0.0;
  for (const Candidate& candidate : sorted) {
    total += std::exp(static_cast<double>(candidate.logit - best));
  }
  return {best, total};
}

}  // namespace et_llm::sampling
