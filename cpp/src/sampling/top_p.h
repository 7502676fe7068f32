// Nucleus cut: keeps the most likely candidates until their probability adds
// up to p.
#pragma once

#include "sampling/candidates.h"
#include "sampling/softmax.h"

namespace et_llm::sampling {

// Needs `candidates` sorted and `before` their softmax (before temperature).
// Keeps at least one; p >= 1 keeps all, and so does a total that rounding
// leaves just short of p.
void top_p(Candidates& candidates, const Softmax& before, float p);

}  // namespace et_llm::sampling
