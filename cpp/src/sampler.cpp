#include "et_llm/sampler.h"

#include <algorithm>
#include <cmath>

#include "et_llm/text_decoder_runner.h"

namespace et_llm {

Sampler::Sampler(float temperature, int64_t seed)
    : temperature_(temperature),
      rng_(seed >= 0 ? static_cast<uint64_t>(seed) : std::random_device{}()) {}

TokenId Sampler::sample(const Logits& logits) {
  if (temperature_ <= 0.0f) {
    return TextDecoderRunner::logits_to_token(logits);
  }
  return sample_from_distribution(logits);
}

TokenId Sampler::sample_from_distribution(const Logits& logits) {
  const size_t vocab = logits.vocab_size;
  probabilities_.resize(vocab);
  const float inverse_temperature = 1.0f / temperature_;
  float max_value = -INFINITY;
  for (size_t i = 0; i < vocab; ++i) {
    probabilities_[i] = logits.at(i) * inverse_temperature;
    max_value = std::max(max_value, probabilities_[i]);
  }
  double total = 0.0;
  for (float& p : probabilities_) {
    p = std::exp(p - max_value);
    total += p;
  }
  // Inverse-CDF draw: one uniform number per token keeps a seeded run reproducible.
  const double target = std::uniform_real_distribution<double>(0.0, total)(rng_);
  double cumulative = 0.0;
  size_t last_possible = 0;
  for (size_t i = 0; i < vocab; ++i) {
    if (probabilities_[i] > 0.0f) {
      cumulative += probabilities_[i];
      last_possible = i;
      if (cumulative > target) {
        return i;
      }
    }
  }
  // Rounding left target just past the total: the last token that could be drawn.
  return last_possible;
}

}  // namespace et_llm
