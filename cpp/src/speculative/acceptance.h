// Whether a sampled draft token is kept: the standard rule for a draft whose
// proposal is one token with certainty (q one-hot, as prompt lookup's is) —
// keep it with the model's probability of it, else draw from the model's
// distribution without it — which leaves the distribution of the output
// unchanged. (Greedy needs no rule: a draft is kept when it is the model's own
// pick; see Session::advance_speculative.)
#pragma once

#include <optional>
#include <vector>

#include "et_llm/tokenizer.h"

namespace et_llm::speculative {

// The sampling rule for one drafted token: nullopt keeps `drafted` (when
// `uniform` < probabilities[drafted]); otherwise the token drawn with
// `uniform` from `probabilities` with `drafted` taken out (nullopt too when
// nothing else has weight: a sum that rounding left just under 1).
// `probabilities` sums to 1 up to rounding; `uniform` is in [0, 1). For a
// uniformly drawn `uniform`, the token that results is distributed as
// `probabilities`, whatever was drafted.
std::optional<TokenId> reject_or_keep(const std::vector<float>& probabilities, TokenId drafted,
                                      double uniform);

}  // namespace et_llm::speculative
