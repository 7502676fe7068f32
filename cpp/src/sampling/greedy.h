// Argmax. Over a Logits view it is et_llm::greedy_token (sampler.h), which
// reads fp32/fp16/bf16 in place; this one is for the chain's candidates.
#pragma once

#include "et_llm/tokenizer.h"
#include "sampling/candidates.h"

namespace et_llm::sampling {

// The most likely live candidate, ties by lower id; needs at least one.
TokenId greedy(const Candidates& candidates);

}  // namespace et_llm::sampling
