// The sampling chain step by step (cpp/src/sampling/) on small hand-made
// logits, the public Sampler that composes it, greedy_token on every logits
// dtype, and compute_logprobs against a plain log_softmax in double.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "et_llm/logprobs.h"
#include "et_llm/sampler.h"
#include "sampling/candidates.h"
#include "sampling/greedy.h"
#include "sampling/min_p.h"
#include "sampling/penalties.h"
#include "sampling/seeded_draw.h"
#include "sampling/softmax.h"
#include "sampling/temperature.h"
#include "sampling/top_k.h"
#include "sampling/top_p.h"

namespace et_llm {
namespace {

using executorch::aten::BFloat16;
using executorch::aten::Half;
constexpr float kInf = std::numeric_limits<float>::infinity();

Logits view(const std::vector<float>& v) { return {v.data(), ScalarType::Float, v.size()}; }
Logits view(const std::vector<Half>& v) { return {v.data(), ScalarType::Half, v.size()}; }
Logits view(const std::vector<BFloat16>& v) { return {v.data(), ScalarType::BFloat16, v.size()}; }

template <typename T>
std::vector<T> as(const std::vector<float>& values) {
  return std::vector<T>(values.begin(), values.end());
}

sampling::Candidates candidates_of(const std::vector<float>& logits) {
  sampling::Candidates candidates;
  candidates.assign(view(logits));
  return candidates;
}

std::vector<uint32_t> live_ids(const sampling::Candidates& candidates) {
  std::vector<uint32_t> ids;
  for (const sampling::Candidate& candidate : candidates) {
    ids.push_back(candidate.id);
  }
  return ids;
}

// log of 0.4, 0.3, 0.15, 0.1, 0.05: already sorted.
std::vector<float> five_tokens() {
  std::vector<float> logits;
  for (double p : {0.4, 0.3, 0.15, 0.1, 0.05}) {
    logits.push_back(static_cast<float>(std::log(p)));
  }
  return logits;
}

TEST(Candidates, AssignIsTheVocabularyInIdOrderFromEveryDtype) {
  const std::vector<float> values = {1.5f, -2.25f, 0.0f, 3.0f};
  const std::vector<Half> halves = as<Half>(values);
  const std::vector<BFloat16> bfloats = as<BFloat16>(values);
  for (const Logits& logits : {view(values), view(halves), view(bfloats)}) {
    sampling::Candidates candidates;
    candidates.assign(logits);
    ASSERT_EQ(candidates.size, values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(candidates.items[i].id, i);
      EXPECT_EQ(candidates.items[i].logit, values[i]);
    }
  }
  // A cut list is whole again after the next assign.
  sampling::Candidates candidates = candidates_of(values);
  candidates.size = 1;
  candidates.assign(view(values));
  EXPECT_EQ(live_ids(candidates), (std::vector<uint32_t>{0, 1, 2, 3}));
}

TEST(Greedy, ArgmaxOnEveryDtypeTiesToLowerId) {
  const std::vector<float> values = {-kInf, 0.5f, 2.0f, -1.0f, 2.0f, -kInf};
  EXPECT_EQ(greedy_token(view(values)), 2u);
  EXPECT_EQ(greedy_token(view(as<Half>(values))), 2u);
  EXPECT_EQ(greedy_token(view(as<BFloat16>(values))), 2u);
  // bf16 rounds 1.001 and 1.002 to the same value: a tie, so the lower id.
  const std::vector<float> close = {0.0f, 1.001f, 1.002f};
  EXPECT_EQ(greedy_token(view(close)), 2u);
  EXPECT_EQ(greedy_token(view(as<BFloat16>(close))), 1u);
  EXPECT_EQ(greedy_token(view(std::vector<float>{-kInf, -kInf})), 0u);
  EXPECT_EQ(greedy_token(view(std::vector<float>{7.0f})), 0u);
  EXPECT_EQ(greedy_token(Logits{}), 0u);
}

TEST(Greedy, OverCandidatesInAnyOrder) {
  sampling::Candidates candidates = candidates_of({1.0f, 4.0f, 4.0f, -kInf, 3.0f});
  EXPECT_EQ(sampling::greedy(candidates), 1u);
  std::reverse(candidates.items.begin(), candidates.items.end());
  EXPECT_EQ(sampling::greedy(candidates), 1u);
  candidates.size = 2;  // ids 4 and 3 are left
  EXPECT_EQ(sampling::greedy(candidates), 4u);
}

SamplingParams penalties(float repetition, float frequency, float presence, int32_t last_n = 64) {
  SamplingParams params;
  params.repetition_penalty = repetition;
  params.frequency_penalty = frequency;
  params.presence_penalty = presence;
  params.penalty_last_n = last_n;
  return params;
}

std::vector<float> penalized(const SamplingParams& params, const std::vector<TokenId>& recent) {
  sampling::Candidates candidates = candidates_of({2.0f, -1.0f, 0.5f, 0.9f});
  sampling::Penalties(params).apply(candidates, recent);
  std::vector<float> out;
  for (const sampling::Candidate& candidate : candidates) {
    out.push_back(candidate.logit);
  }
  return out;
}

TEST(Penalties, HandComputed) {
  const std::vector<TokenId> recent = {0, 1, 1};
  // Positive logits are divided by the repetition penalty, negative ones multiplied.
  EXPECT_EQ(penalized(penalties(2.5f, 0, 0), recent),
            (std::vector<float>{2.0f / 2.5f, -1.0f * 2.5f, 0.5f, 0.9f}));
  // Frequency counts each occurrence; presence counts once.
  EXPECT_EQ(penalized(penalties(1, 1.2f, 0), recent),
            (std::vector<float>{2.0f - 1.2f, -1.0f - 2 * 1.2f, 0.5f, 0.9f}));
  EXPECT_EQ(penalized(penalties(1, 0, 1.15f), recent),
            (std::vector<float>{2.0f - 1.15f, -1.0f - 1.15f, 0.5f, 0.9f}));
  EXPECT_EQ(penalized(penalties(3.0f, 1.0f, 0.5f), recent),
            (std::vector<float>{2.0f / 3.0f - 1.5f, -3.0f - 2.5f, 0.5f, 0.9f}));
}

TEST(Penalties, WindowAndIdsOutsideTheVocabulary) {
  const std::vector<float> untouched = {2.0f, -1.0f, 0.5f, 0.9f};
  // The last 2 of {0, 1, 1} leave token 0 alone.
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f, 2), {0, 1, 1}),
            (std::vector<float>{2.0f, -6.0f, 0.5f, 0.9f}));
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f, 0), {0, 1, 1}), untouched);
  EXPECT_EQ(penalized(penalties(1, 1.0f, 0, -1), {3, 0, 3, 3}),
            (std::vector<float>{1.0f, -1.0f, 0.5f, 0.9f - 3.0f}));
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f), {4, 100, std::numeric_limits<TokenId>::max()}),
            untouched);
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f), {}), untouched);
}

TEST(TopK, KeepsTheKMostLikelyTiesByLowerId) {
  sampling::Candidates candidates = candidates_of({1.0f, 3.0f, 3.0f, 2.0f, 0.5f, 3.0f});
  sampling::top_k(candidates, 2);
  std::vector<uint32_t> kept = live_ids(candidates);
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<uint32_t>{1, 2}));

  for (int32_t k : {0, -1, 6, 100}) {
    sampling::Candidates all = candidates_of({1.0f, 3.0f, 3.0f, 2.0f, 0.5f, 3.0f});
    sampling::top_k(all, k);
    EXPECT_EQ(all.size, 6u) << k;
  }
}

TEST(Softmax, OfSortedCandidates) {
  sampling::Candidates candidates = candidates_of({0.0f, 2.0f, -kInf, 1.0f});
  sampling::sort_most_likely_first(candidates);
  EXPECT_EQ(live_ids(candidates), (std::vector<uint32_t>{1, 3, 0, 2}));
  const sampling::Softmax softmax = sampling::softmax(candidates);
  const double total = 1.0 + std::exp(-1.0) + std::exp(-2.0);
  EXPECT_EQ(softmax.max_logit, 2.0f);
  EXPECT_DOUBLE_EQ(softmax.total, total);
  EXPECT_DOUBLE_EQ(softmax.probability(1.0f), std::exp(-1.0) / total);
  EXPECT_DOUBLE_EQ(softmax.probability_of_best(), 1.0 / total);
  EXPECT_EQ(softmax.probability(-kInf), 0.0);
}

size_t kept_by_top_p(float p) {
  sampling::Candidates candidates = candidates_of(five_tokens());
  sampling::sort_most_likely_first(candidates);
  sampling::top_p(candidates, sampling::softmax(candidates), p);
  return candidates.size;
}

size_t kept_by_min_p(float p) {
  sampling::Candidates candidates = candidates_of(five_tokens());
  sampling::sort_most_likely_first(candidates);
  sampling::min_p(candidates, sampling::softmax(candidates), p);
  return candidates.size;
}

TEST(TopP, KeepsTheSmallestPrefixReachingP) {
  EXPECT_EQ(kept_by_top_p(0.69f), 2u);  // 0.4 + 0.3
  EXPECT_EQ(kept_by_top_p(0.71f), 3u);  // + 0.15
  EXPECT_EQ(kept_by_top_p(0.9f), 4u);   // + 0.1
  EXPECT_EQ(kept_by_top_p(0.01f), 1u);  // never fewer than one
  EXPECT_EQ(kept_by_top_p(1.0f), 5u);
}

TEST(MinP, DropsTokensLessThanPTimesTheBest) {
  EXPECT_EQ(kept_by_min_p(0.3f), 3u);  // 0.15 / 0.4 = 0.375 stays, 0.25 goes
  EXPECT_EQ(kept_by_min_p(0.5f), 2u);
  EXPECT_EQ(kept_by_min_p(1.0f), 1u);  // the best always stays
  EXPECT_EQ(kept_by_min_p(0.0f), 5u);
}

TEST(MinP, AfterTopPUsesTheDistributionBeforeEitherCut) {
  sampling::Candidates candidates = candidates_of(five_tokens());
  sampling::sort_most_likely_first(candidates);
  const sampling::Softmax before = sampling::softmax(candidates);
  sampling::top_p(candidates, before, 0.9f);
  EXPECT_EQ(candidates.size, 4u);
  sampling::min_p(candidates, before, 0.3f);
  EXPECT_EQ(candidates.size, 3u);
  sampling::min_p(candidates, before, 0.05f);  // looser than what is left: no change
  EXPECT_EQ(candidates.size, 3u);
}

TEST(Temperature, ShiftsTheBestToZeroAndScales) {
  sampling::Candidates candidates = candidates_of({1.0f, 3.0f, -kInf, 2.0f});
  sampling::apply_temperature(candidates, 0.5f);
  std::vector<float> got;
  for (const sampling::Candidate& candidate : candidates) {
    got.push_back(candidate.logit);
  }
  EXPECT_EQ(got, (std::vector<float>{-4.0f, 0.0f, -kInf, -2.0f}));
  EXPECT_EQ(live_ids(candidates), (std::vector<uint32_t>{0, 1, 2, 3}));
}

std::vector<TokenId> draws(int64_t seed, const std::vector<float>& logits, int n) {
  sampling::SeededDraw draw(seed);
  sampling::Candidates candidates;
  std::vector<TokenId> out;
  for (int i = 0; i < n; ++i) {
    candidates.assign(view(logits));
    sampling::apply_temperature(candidates, 1.0f);
    out.push_back(draw(candidates));
  }
  return out;
}

TEST(SeededDraw, SameSeedSameDrawsAndTheSoftmaxFrequencies) {
  const std::vector<float> logits = five_tokens();
  EXPECT_EQ(draws(7, logits, 200), draws(7, logits, 200));
  EXPECT_NE(draws(7, logits, 200), draws(8, logits, 200));

  const int n = 20000;
  std::vector<int> counts(logits.size());
  for (TokenId token : draws(3, logits, n)) {
    ++counts[token];
  }
  const double probs[] = {0.4, 0.3, 0.15, 0.1, 0.05};
  for (size_t i = 0; i < logits.size(); ++i) {
    const double sigma = std::sqrt(probs[i] * (1 - probs[i]) / n);
    EXPECT_NEAR(counts[i] / double(n), probs[i], 5 * sigma) << i;
  }
}

TEST(SeededDraw, NeverDrawsAZeroProbabilityToken) {
  const std::vector<float> logits = {-kInf, 0.0f, -kInf, -200.0f, -kInf};
  for (TokenId token : draws(1, logits, 2000)) {
    EXPECT_EQ(token, 1u);
  }
  EXPECT_EQ(draws(1, {-kInf, 5.0f}, 1), (std::vector<TokenId>{1}));
}

TEST(Sampler, TemperatureZeroIsGreedyOnEveryDtype) {
  const std::vector<float> values = {0.5f, 2.0f, -kInf, 2.0f, 1.0f};
  Sampler sampler;
  EXPECT_EQ(sampler.sample(view(values)), 1u);
  EXPECT_EQ(sampler.sample(view(as<Half>(values))), 1u);
  EXPECT_EQ(sampler.sample(view(as<BFloat16>(values))), 1u);
  // Penalties first, then argmax: token 1 falls to 2 / 2 = 1, token 3 wins.
  SamplingParams params = penalties(2.0f, 0, 0);
  EXPECT_EQ(Sampler(params).sample(view(as<Half>(values)), {1}), 3u);
}

TEST(Sampler, CopiesAndBothConstructorsDrawTheSame) {
  const std::vector<float> logits = five_tokens();
  SamplingParams params;
  params.temperature = 0.8f;
  params.seed = 42;
  Sampler by_params(params);
  Sampler by_temperature(0.8f, 42);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(by_params.sample(view(logits)), by_temperature.sample(view(logits)));
  }
  Sampler copy(by_params);
  Sampler assigned;
  assigned = by_params;
  Sampler moved(std::move(by_temperature));
  for (int i = 0; i < 50; ++i) {
    const TokenId want = by_params.sample(view(logits));
    ASSERT_EQ(copy.sample(view(logits)), want);
    ASSERT_EQ(assigned.sample(view(logits)), want);
    ASSERT_EQ(moved.sample(view(logits)), want);
  }
  EXPECT_EQ(copy.params().temperature, 0.8f);
}

TEST(Sampler, TheChainCutsBeforeTheDraw) {
  SamplingParams params;
  params.temperature = 5.0f;  // nearly flat: only the cuts keep the tail out
  params.seed = 9;
  params.top_k = 3;
  params.min_p = 0.5f;  // of the 3: 0.3 / 0.4 stays, 0.15 / 0.4 goes
  Sampler sampler(params);
  std::vector<int> counts(5);
  for (int i = 0; i < 2000; ++i) {
    ++counts[sampler.sample(view(five_tokens()))];
  }
  EXPECT_GT(counts[0], 0);
  EXPECT_GT(counts[1], 0);
  EXPECT_EQ(counts[2] + counts[3] + counts[4], 0);
}

// log_softmax in double, the plain two-pass way.
std::vector<double> log_softmax(const Logits& logits) {
  double max = -INFINITY;
  for (size_t i = 0; i < logits.vocab_size; ++i) {
    max = std::max(max, static_cast<double>(logits.at(i)));
  }
  double sum = 0;
  for (size_t i = 0; i < logits.vocab_size; ++i) {
    sum += std::exp(logits.at(i) - max);
  }
  std::vector<double> out;
  for (size_t i = 0; i < logits.vocab_size; ++i) {
    out.push_back(logits.at(i) - max - std::log(sum));
  }
  return out;
}

void expect_logprob(float got, double want, const std::string& what) {
  if (std::isinf(want)) {
    EXPECT_EQ(got, static_cast<float>(want)) << what;
  } else {
    EXPECT_NEAR(got, want, 1e-6 * std::max(1.0, std::abs(want))) << what;
  }
}

// Every token's logprob, and the top_n against the reference ranking (higher
// logit first, ties by lower id).
void check_against_reference(const Logits& logits, size_t top_n) {
  const std::vector<double> want = log_softmax(logits);
  for (TokenId token = 0; token < logits.vocab_size; ++token) {
    expect_logprob(compute_logprobs(logits, token, 0).logprob, want[token],
                   "token " + std::to_string(token));
  }
  std::vector<TokenId> ranking(logits.vocab_size);
  for (size_t i = 0; i < ranking.size(); ++i) {
    ranking[i] = i;
  }
  std::stable_sort(ranking.begin(), ranking.end(),
                   [&](TokenId a, TokenId b) { return logits.at(a) > logits.at(b); });
  const TokenLogprobs got = compute_logprobs(logits, 0, top_n);
  ASSERT_EQ(got.top.size(), std::min(top_n, ranking.size()));
  for (size_t i = 0; i < got.top.size(); ++i) {
    EXPECT_EQ(got.top[i].token, ranking[i]) << "rank " << i;
    expect_logprob(got.top[i].logprob, want[ranking[i]], "rank " + std::to_string(i));
    if (i > 0) {
      EXPECT_LE(got.top[i].logprob, got.top[i - 1].logprob);
    }
  }
}

std::vector<float> random_logits(size_t vocab, uint64_t seed, double banned) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 4.0f);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<float> logits(vocab);
  for (float& logit : logits) {
    logit = uniform(rng) < banned ? -kInf : normal(rng);
  }
  return logits;
}

TEST(Logprobs, MatchLogSoftmaxOnEveryDtypeWithBannedTokens) {
  const std::vector<float> values = random_logits(700, 1, 0.2);
  check_against_reference(view(values), 20);
  check_against_reference(view(as<Half>(values)), 20);
  check_against_reference(view(as<BFloat16>(values)), 20);
  // Large logits: the log-sum-exp must not overflow.
  check_against_reference(view(std::vector<float>{1000.0f, 999.0f, -1000.0f, 3.0e4f}), 4);
  check_against_reference(view(std::vector<float>{-3.0e4f, -3.0e4f, -kInf}), 3);
}

TEST(Logprobs, TiesAndTopNBeyondTheVocabulary) {
  // Halves and bf16 make more ties, on purpose: rank ties by lower id.
  const std::vector<float> values = {1.0f, 2.0f, 1.0f, -kInf, 2.0f, 0.0f, -kInf};
  check_against_reference(view(values), 100);
  const TokenLogprobs got = compute_logprobs(view(values), 4, 100);
  std::vector<TokenId> order;
  for (const TokenLogprob& entry : got.top) {
    order.push_back(entry.token);
  }
  EXPECT_EQ(order, (std::vector<TokenId>{1, 4, 0, 2, 5, 3, 6}));
  EXPECT_EQ(got.top[0].logprob, got.top[1].logprob);
  EXPECT_EQ(got.top.back().logprob, -kInf);
  EXPECT_EQ(got.logprob, got.top[1].logprob);
  check_against_reference(view(as<BFloat16>(random_logits(300, 2, 0.1))), 1000);
}

TEST(Logprobs, EdgeCases) {
  const std::vector<float> values = {0.0f, 1.0f, -kInf};
  EXPECT_TRUE(compute_logprobs(view(values), 1, 0).top.empty());
  EXPECT_EQ(compute_logprobs(view(values), 2, 0).logprob, -kInf);  // banned
  EXPECT_EQ(compute_logprobs(view(values), 3, 0).logprob, -kInf);  // not in the vocabulary
  EXPECT_EQ(compute_logprobs(view(std::vector<float>{4.0f}), 0, 5).logprob, 0.0f);
  // Nothing can be drawn: undefined, as for log_softmax.
  EXPECT_TRUE(std::isnan(compute_logprobs(view(std::vector<float>{-kInf, -kInf}), 0, 0).logprob));
  // +inf logits share all of the probability.
  const TokenLogprobs infinite = compute_logprobs(view(std::vector<float>{0.0f, kInf, kInf}), 2, 3);
  EXPECT_FLOAT_EQ(infinite.logprob, -std::log(2.0f));
  ASSERT_EQ(infinite.top.size(), 3u);
  EXPECT_EQ(infinite.top[0].token, 1u);
  EXPECT_EQ(infinite.top[2].logprob, -kInf);
  const TokenLogprobs empty = compute_logprobs(Logits{}, 0, 3);
  EXPECT_TRUE(empty.top.empty());
  EXPECT_EQ(empty.logprob, -kInf);
}

}  // namespace
}  // namespace et_llm
