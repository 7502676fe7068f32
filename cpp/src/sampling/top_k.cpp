#include "sampling/top_k.h"

#include <algorithm>

namespace et_llm::sampling {

void top_k(Candidates& candidates, int32_t k) {
  if (k <= 0 || static_cast<size_t>(k) >= candidates.size) {
    return;
  }
  std::nth_element(candidates.begin(), candidates.begin() + k, candidates.end(), more_likely);
  candidates.size = static_cast<size_t>(k);
}

}  // namespace et_llm::sampling
