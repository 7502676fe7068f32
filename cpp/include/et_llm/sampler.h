// Picks the next token from logits with a chain of small steps, in llama.cpp's
// order: penalties -> top_k -> top_p -> min_p -> temperature -> draw.
// Temperature 0 is argmax (after penalties); with nothing to apply, argmax
// reads the logits in place without copying them.
#pragma once

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include "et_llm/generation_config.h"
#include "et_llm/logits.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

struct SamplingParams {
  float temperature = 0.0f;
  int32_t top_k = 0;
  float top_p = 1.0f;
  float min_p = 0.0f;
  float repetition_penalty = 1.0f;
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  int32_t penalty_last_n = 64;
  int64_t seed = -1;  // -1 draws a seed from std::random_device

  static SamplingParams from(const GenerationConfig& config);
  bool has_penalties() const {
    return repetition_penalty != 1.0f || frequency_penalty != 0.0f || presence_penalty != 0.0f;
  }
};

class Sampler {
 public:
  explicit Sampler(float temperature = 0.0f, int64_t seed = -1);
  explicit Sampler(const SamplingParams& params);

  // `recent` is the token history the penalties look at (oldest first).
  TokenId sample(const Logits& logits, const std::vector<TokenId>& recent = {});
  const SamplingParams& params() const { return params_; }

 private:
  struct Candidate {
    float logit;
    uint32_t id;
  };
  void apply_penalties(const std::vector<TokenId>& recent);
  TokenId draw();

  SamplingParams params_;
  std::mt19937_64 rng_;
  std::vector<float> logits_;          // working copy, reused
  std::vector<Candidate> candidates_;  // reused
  std::unordered_map<TokenId, int32_t> counts_;
};

}  // namespace et_llm
