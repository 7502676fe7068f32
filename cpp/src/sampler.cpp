#include "et_llm/sampler.h"

#include <algorithm>
#include <cmath>

#include "et_llm/text_decoder_runner.h"

namespace et_llm {

SamplingParams SamplingParams::from(const GenerationConfig& config) {
  SamplingParams params;
  params.temperature = config.temperature;
  params.top_k = config.top_k;
  params.top_p = config.top_p;
  params.min_p = config.min_p;
  params.repetition_penalty = config.repetition_penalty;
  params.frequency_penalty = config.frequency_penalty;
  params.presence_penalty = config.presence_penalty;
  params.penalty_last_n = config.penalty_last_n;
  params.seed = config.seed;
  return params;
}

namespace {

SamplingParams temperature_only(float temperature, int64_t seed) {
  SamplingParams params;
  params.temperature = temperature;
  params.seed = seed;
  return params;
}

}  // namespace

Sampler::Sampler(float temperature, int64_t seed) : Sampler(temperature_only(temperature, seed)) {}

Sampler::Sampler(const SamplingParams& params)
    : params_(params),
      rng_(params.seed >= 0 ? static_cast<uint64_t>(params.seed) : std::random_device{}()) {}

void Sampler::apply_penalties(const std::vector<TokenId>& recent) {
  counts_.clear();
  const size_t window = params_.penalty_last_n < 0
                            ? recent.size()
                            : std::min(recent.size(), static_cast<size_t>(params_.penalty_last_n));
  for (size_t i = recent.size() - window; i < recent.size(); ++i) {
    if (recent[i] < logits_.size()) {
      ++counts_[recent[i]];
    }
  }
  for (const auto& [token, count] : counts_) {
    float& logit = logits_[token];
    logit = logit > 0.0f ? logit / params_.repetition_penalty : logit * params_.repetition_penalty;
    logit -= static_cast<float>(count) * params_.frequency_penalty + params_.presence_penalty;
  }
}

TokenId Sampler::sample(const Logits& logits, const std::vector<TokenId>& recent) {
  const bool penalize = params_.has_penalties() && !recent.empty();
  if (params_.temperature <= 0.0f && !penalize) {
    return TextDecoderRunner::logits_to_token(logits);
  }
  const size_t vocab = logits.vocab_size;
  logits_.resize(vocab);
  for (size_t i = 0; i < vocab; ++i) {
    logits_[i] = logits.at(i);
  }
  if (penalize) {
    apply_penalties(recent);
  }
  if (params_.temperature <= 0.0f) {
    return static_cast<TokenId>(std::max_element(logits_.begin(), logits_.end()) -
                                logits_.begin());
  }
  return draw();
}

TokenId Sampler::draw() {
  const size_t vocab = logits_.size();
  candidates_.resize(vocab);
  for (size_t i = 0; i < vocab; ++i) {
    candidates_[i] = {logits_[i], static_cast<uint32_t>(i)};
  }
  auto by_logit = [](const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  };
  size_t kept = vocab;
  if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < vocab) {
    kept = static_cast<size_t>(params_.top_k);
    std::nth_element(candidates_.begin(), candidates_.begin() + kept, candidates_.end(), by_logit);
  }
  const bool needs_order = params_.top_p < 1.0f || params_.min_p > 0.0f;
  if (needs_order) {
    std::sort(candidates_.begin(), candidates_.begin() + kept, by_logit);
  }

  // top_p and min_p look at the distribution before temperature.
  if (needs_order) {
    const float best = candidates_[0].logit;
    double total = 0.0;
    for (size_t i = 0; i < kept; ++i) {
      total += std::exp(static_cast<double>(candidates_[i].logit - best));
    }
    double cumulative = 0.0;
    size_t keep_p = kept;
    size_t keep_min = kept;
    for (size_t i = 0; i < kept; ++i) {
      const double p = std::exp(static_cast<double>(candidates_[i].logit - best)) / total;
      if (keep_min == kept && params_.min_p > 0.0f && i > 0 &&
          p < params_.min_p * (1.0 / total)) {  // p(best) = 1 / total
        keep_min = i;
      }
      cumulative += p;
      if (keep_p == kept && params_.top_p < 1.0f && cumulative >= params_.top_p) {
        keep_p = i + 1;
      }
    }
    kept = std::max<size_t>(1, std::min(keep_p, keep_min));
  }

  // Temperature, softmax and an inverse-CDF draw over what is left.
  float best = -INFINITY;
  for (size_t i = 0; i < kept; ++i) {
    best = std::max(best, candidates_[i].logit);
  }
  const float inverse_temperature = 1.0f / params_.temperature;
  double total = 0.0;
  for (size_t i = 0; i < kept; ++i) {
    candidates_[i].logit = std::exp((candidates_[i].logit - best) * inverse_temperature);
    total += candidates_[i].logit;
  }
  const double target = std::uniform_real_distribution<double>(0.0, total)(rng_);
  double cumulative = 0.0;
  size_t last_possible = 0;
  for (size_t i = 0; i < kept; ++i) {
    if (candidates_[i].logit > 0.0f) {
      cumulative += candidates_[i].logit;
      last_possible = i;
      if (cumulative > target) {
        return candidates_[i].id;
      }
    }
  }
  // Rounding left target just past the total: the last token that could be drawn.
  return candidates_[last_possible].id;
}

}  // namespace et_llm
