// Log-probabilities of a position's logits: of the chosen token, and the most
// likely alternatives (OpenAI-style `logprobs` / `top_logprobs`). They are of
// the model's distribution (log_softmax of the raw logits), not of what the
// sampler's penalties, cuts and temperature made of it.
#pragma once

#include <cstddef>
#include <vector>

#include "et_llm/logits.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

struct TokenLogprob {
  TokenId token;
  float logprob;
};

struct TokenLogprobs {
  float logprob = 0;              // of the chosen token
  std::vector<TokenLogprob> top;  // descending logprob, ties by lower id
};

// log_softmax of `logits` at `chosen`, plus the `top_n` most likely tokens (0:
// none; at most the vocabulary). One pass over the logits: an online
// log-sum-exp in double precision and a top_n heap; nothing the size of the
// vocabulary is allocated. -inf logits (banned tokens) get -inf, and so does a
// token outside the vocabulary; +inf logits share all of the probability; a
// NaN logit, or all -inf, makes the logprobs NaN.
TokenLogprobs compute_logprobs(const Logits& logits, TokenId chosen, size_t top_n);

}  // namespace et_llm
