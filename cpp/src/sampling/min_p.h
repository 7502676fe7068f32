// Drops the candidates less than p times as likely as the best one.
#pragma once

#include "sampling/candidates.h"
#include "sampling/softmax.h"

namespace et_llm::sampling {

// Needs `candidates` sorted and `before` their softmax from before any cut (so
// running after top_p does not change the threshold). Always keeps the best;
// p <= 0 keeps all.
void min_p(Candidates& candidates, const Softmax& before, float p);

}  // namespace et_llm::sampling
