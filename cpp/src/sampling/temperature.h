// Temperature: logits divided by it, after shifting the best to 0 so that the
// draw's exp cannot overflow.
#pragma once

#include "sampling/candidates.h"

namespace et_llm::sampling {

// temperature > 0; below 1 sharpens the distribution, above 1 flattens it.
void apply_temperature(Candidates& candidates, float temperature);

}  // namespace et_llm::sampling
