// Keeps the k most likely candidates.
#pragma once

#include <cstdint>

#include "sampling/candidates.h"

namespace et_llm::sampling {

// k <= 0 or k >= size keeps all. A partial selection, not a sort: the k kept
// are in no particular order.
void top_k(Candidates& candidates, int32_t k);

}  // namespace et_llm::sampling
