// The public Sampler: composes the steps in cpp/src/sampling/ into llama.cpp's
// chain. Each step is a file of its own; this file only decides which run.
#include "et_llm/sampler.h"

#include "sampling/candidates.h"
#include "sampling/chain_settings.h"
#include "sampling/greedy.h"
#include "sampling/min_p.h"
#include "sampling/penalties.h"
#include "sampling/seeded_draw.h"
#include "sampling/softmax.h"
#include "sampling/temperature.h"
#include "sampling/top_k.h"
#include "sampling/top_p.h"

namespace et_llm {

SamplingParams SamplingParams::from(const GenerationConfig& config) {
  SamplingParams params;
  params.temperature = config.temperature;
  sampling::copy_chain_settings(config, params);
  params.seed = config.seed;
  return params;
}

struct Sampler::Chain {
  explicit Chain(const SamplingParams& params) : penalties(params), draw(params.seed) {}

  // Every step but the draw, leaving `candidates` as the draw takes them (or,
  // when greedy, with the pick in `*picked`). False, with `*picked` the NaN
  // entry, when a logit is NaN. sample() and distribution() share it, so what
  // distribution() reports is what sample() draws from.
  bool shape(const SamplingParams& params, const Logits& logits, const std::vector<TokenId>& recent,
             TokenId* picked);

  sampling::Candidates candidates;  // reused from token to token
  sampling::Penalties penalties;
  sampling::SeededDraw draw;
};

bool Sampler::Chain::shape(const SamplingParams& params, const Logits& logits,
                           const std::vector<TokenId>& recent, TokenId* picked) {
  size_t nan_at = 0;
  if (!candidates.assign(logits, &nan_at)) {
    *picked = nan_at;
    return false;
  }
  if (params.has_penalties() && !recent.empty()) {
    penalties.apply(candidates, recent);
  }
  if (params.temperature <= 0.0f) {
    *picked = sampling::greedy(candidates);
    return true;
  }
  sampling::top_k(candidates, params.top_k);
  if (params.top_p < 1.0f || params.min_p > 0.0f) {
    sampling::sort_most_likely_first(candidates);
    // Both cut by the distribution before temperature, taken before either cuts.
    const sampling::Softmax before = sampling::softmax(candidates);
    sampling::top_p(candidates, before, params.top_p);
    sampling::min_p(candidates, before, params.min_p);
  }
  sampling::apply_temperature(candidates, params.temperature);
  return true;
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
    : params_(params), chain_(std::make_unique<Chain>(params)) {}

Sampler::Sampler(const Sampler& other)
    : params_(other.params_),
      chain_(other.chain_ ? std::make_unique<Chain>(*other.chain_) : nullptr) {}

Sampler& Sampler::operator=(const Sampler& other) {
  if (this != &other) {
    params_ = other.params_;
    chain_ = other.chain_ ? std::make_unique<Chain>(*other.chain_) : nullptr;
  }
  return *this;
}

Sampler::Sampler(Sampler&&) noexcept = default;
Sampler& Sampler::operator=(Sampler&&) noexcept = default;
Sampler::~Sampler() = default;

TokenId Sampler::sample(const Logits& logits, const std::vector<TokenId>& recent) {
  const bool penalize = params_.has_penalties() && !recent.empty();
  if (params_.temperature <= 0.0f && !penalize) {
    return greedy_token(logits);  // nothing changes the logits: read them in place
  }
  if (logits.vocab_size == 0) {
    return 0;
  }
  TokenId picked = 0;
  if (!chain_->shape(params_, logits, recent, &picked) || params_.temperature <= 0.0f) {
    return picked;  // greedy, or the NaN entry the caller refuses: see greedy_token
  }
  return chain_->draw(chain_->candidates);
}

bool Sampler::distribution(const Logits& logits, const std::vector<TokenId>& recent,
                           std::vector<float>& probabilities) {
  if (logits.vocab_size == 0) {
    probabilities.clear();
    return true;
  }
  TokenId picked = 0;
  if (!chain_->shape(params_, logits, recent, &picked)) {
    return false;
  }
  probabilities.assign(logits.vocab_size, 0.0f);
  if (params_.temperature <= 0.0f) {
    probabilities[picked] = 1.0f;
    return true;
  }
  sampling::Candidates& candidates = chain_->candidates;
  const double total = sampling::exponentiate(candidates);
  for (const sampling::Candidate& candidate : candidates) {
    probabilities[candidate.id] = static_cast<float>(candidate.logit / total);
  }
  return true;
}

double Sampler::uniform() { return chain_->draw.uniform(); }

}  // namespace et_llm
