// Repetition, frequency and presence penalties over the last tokens, with
// llama.cpp's formula: a token seen `count` times in the window has its logit
// divided by `repetition_penalty` if positive (multiplied if not), then
// lowered by count * frequency_penalty + presence_penalty.
#pragma once

#include <cstdint>
#include <vector>

#include "et_llm/sampler.h"
#include "sampling/candidates.h"

namespace et_llm::sampling {

class Penalties {
 public:
  explicit Penalties(const SamplingParams& params);

  // `recent` is oldest first; the window is its last penalty_last_n tokens
  // (-1: all of them). Needs `candidates` in id order, as assign() leaves
  // them; ids outside the vocabulary are ignored.
  void apply(Candidates& candidates, const std::vector<TokenId>& recent);

 private:
  float repetition_;
  float frequency_;
  float presence_;
  int32_t last_n_;
  std::vector<TokenId> window_;  // reused: sorted, so repeats are adjacent
};

}  // namespace et_llm::sampling
