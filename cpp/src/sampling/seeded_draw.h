// The last step: softmax over the live candidates and an inverse-CDF draw
// from a seeded std::mt19937_64, one uniform double per token, so a seed
// replays a run.
#pragma once

#include <cstdint>
#include <random>

#include "et_llm/tokenizer.h"
#include "sampling/candidates.h"

namespace et_llm::sampling {

class SeededDraw {
 public:
  explicit SeededDraw(int64_t seed);  // < 0: seeded from std::random_device

  // Needs at least one candidate, with logits shifted so that the best is 0
  // (apply_temperature does it); replaces them with exp(logit), unnormalized.
  TokenId operator()(Candidates& candidates);

 private:
  std::mt19937_64 rng_;
};

}  // namespace et_llm::sampling
