// Picks the next token from logits: argmax at temperature 0, otherwise a draw
// from softmax(logits / temperature) with a seedable generator.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "et_llm/logits.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class Sampler {
 public:
  // seed -1 draws a seed from std::random_device.
  explicit Sampler(float temperature = 0.0f, int64_t seed = -1);

  TokenId sample(const Logits& logits);
  float temperature() const { return temperature_; }

 private:
  TokenId sample_from_distribution(const Logits& logits);

  float temperature_;
  std::mt19937_64 rng_;
  std::vector<float> probabilities_;  // reused across tokens
};

}  // namespace et_llm
