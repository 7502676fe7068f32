// Which drafted tokens a verification forward keeps. Greedy: the draft's
// longest prefix equal to the model's own argmax choices, so the output is
// token for token what plain greedy decoding gives. Sampling (a draft whose
// proposal is one token with certainty, as prompt lookup's is): the standard
// rule — keep a drafted token with the model's probability of it, else draw
// from the model's distribution without it — which leaves the distribution of
// the output unchanged.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "et_llm/tokenizer.h"

namespace et_llm::speculative {

// How many of `draft` equal `verified` position by position (verified[i] is
// the model's choice after draft[0..i-1]).
size_t accepted_prefix(const std::vector<TokenId>& draft, const std::vector<TokenId>& verified);

// The sampling rule for one drafted token: nullopt keeps `drafted` (when
// `uniform` < probabilities[drafted]); otherwise the token drawn with
// `uniform` from `probabilities` with `drafted` taken out. `probabilities`
// sums to 1; `uniform` is in [0, 1).
std::optional<TokenId> reject_or_keep(const std::vector<float>& probabilities, TokenId drafted,
                                      double uniform);

}  // namespace et_llm::speculative
