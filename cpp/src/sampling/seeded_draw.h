// The last step: softmax over the live candidates and an inverse-CDF draw
// from a seeded std::mt19937_64, one uniform double per token, so a seed
// replays a run.
#pragma once

#include <cstdint>
#include <random>

#include "et_llm/tokenizer.h"
#include "sampling/candidates.h"

namespace et_llm::sampling {

// Replaces each live candidate's logit with exp(logit), unnormalized, and
// returns their sum: the draw's weights, and (divided by the sum) the
// probabilities Sampler::distribution reports. Needs the logits shifted so
// that the best is 0 (apply_temperature does it).
double exponentiate(Candidates& candidates);

class SeededDraw {
 public:
  explicit SeededDraw(int64_t seed);  // < 0: seeded from std::random_device

  // Needs at least one candidate, shifted as exponentiate() needs; leaves
  // them exponentiated.
  TokenId operator()(Candidates& candidates);

  // The next uniform number in [0, 1) of the same generator.
  double uniform();

 private:
  std::mt19937_64 rng_;
};

}  // namespace et_llm::sampling
