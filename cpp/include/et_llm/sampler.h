// Picks the next token from logits with a chain of small steps, in llama.cpp's
// order: penalties -> top_k -> top_p -> min_p -> temperature -> draw. Each
// step lives in its own file under cpp/src/sampling/.
// Temperature 0 is argmax (after penalties); with nothing to apply, argmax
// reads the logits in place without copying them.
#pragma once

#include <cstdint>
#include <memory>
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

// The argmax of `logits`, read in place (fp32, fp16 or bf16); ties go to the
// lower id. 0 for an empty vocabulary.
TokenId greedy_token(const Logits& logits);

class Sampler {
 public:
  explicit Sampler(float temperature = 0.0f, int64_t seed = -1);
  explicit Sampler(const SamplingParams& params);
  // Copies carry the random state, so a copy draws what the original would. A
  // moved-from Sampler can only be assigned to or destroyed.
  Sampler(const Sampler& other);
  Sampler& operator=(const Sampler& other);
  Sampler(Sampler&&) noexcept;
  Sampler& operator=(Sampler&&) noexcept;
  ~Sampler();

  // `recent` is the token history the penalties look at (oldest first).
  TokenId sample(const Logits& logits, const std::vector<TokenId>& recent = {});
  // The distribution sample() draws from, over the whole vocabulary in id
  // order (zero outside the cuts; one-hot at the argmax when greedy), so a
  // caller can judge a token it did not draw (speculative decoding). False,
  // with `probabilities` untouched, when a logit is NaN.
  bool distribution(const Logits& logits, const std::vector<TokenId>& recent,
                    std::vector<float>& probabilities);
  // A uniform number in [0, 1) from the generator sample() draws with: the
  // seed replays those drawn here too.
  double uniform();
  const SamplingParams& params() const { return params_; }

 private:
  struct Chain;  // the steps' state and reused buffers (types from private headers)

  SamplingParams params_;
  std::unique_ptr<Chain> chain_;
};

}  // namespace et_llm
