// Speculative decoding's parts: prompt-lookup drafts, the sampling rule that
// keeps the output distribution, and the sampler's distribution that rule is
// given. (The greedy acceptance is checked end to end against plain greedy in
// tests/python/test_speculative.py.)
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "et_llm/sampler.h"
#include "speculative/acceptance.h"
#include "speculative/prompt_lookup.h"

namespace et_llm::speculative {
namespace {

TEST(PromptLookup, ProposesWhatFollowedTheLatestMatchOfTheLongestSuffix) {
  //                          0  1  2  3  4  5  6  7  8  9
  const std::vector<TokenId> t{5, 6, 7, 8, 9, 1, 6, 7, 2, 3, 5, 6, 7};
  // The suffix 5 6 7 occurs at 0: what followed it is proposed.
  EXPECT_EQ(prompt_lookup_draft(t, {3, 1, 4}), (std::vector<TokenId>{8, 9, 1, 6}));
  // With bigrams only, the latest "6 7" (at 6) wins over the older one.
  EXPECT_EQ(prompt_lookup_draft(t, {2, 1, 3}), (std::vector<TokenId>{2, 3, 5}));
}

TEST(PromptLookup, FallsBackToShorterSuffixesAndStopsAtTheEnd) {
  const std::vector<TokenId> t{1, 2, 3, 4, 9, 4};
  // No earlier "9 4" or "4 9 4"; "4" occurs at 3 and 9 followed it.
  EXPECT_EQ(prompt_lookup_draft(t, {3, 1, 8}), (std::vector<TokenId>{9, 4}));
  EXPECT_TRUE(prompt_lookup_draft(t, {3, 2, 8}).empty());  // min_ngram 2: nothing
  EXPECT_TRUE(prompt_lookup_draft({7}, {3, 1, 8}).empty());
  EXPECT_TRUE(prompt_lookup_draft({}, {3, 1, 8}).empty());
  EXPECT_TRUE(prompt_lookup_draft({1, 2, 3}, {3, 1, 8}).empty());  // no repeats
}

TEST(PromptLookup, ARepeatedTokenProposesItsRun) {
  const std::vector<TokenId> t{4, 4, 4, 4};
  EXPECT_EQ(prompt_lookup_draft(t, {2, 1, 8}), (std::vector<TokenId>{4}));
}

TEST(SamplingAcceptance, KeepsTheDraftWithItsProbability) {
  const std::vector<float> p{0.1f, 0.6f, 0.3f};
  EXPECT_EQ(reject_or_keep(p, 1, 0.59), std::nullopt);
  // Above 0.6 the draft is rejected and the draw goes over {0: 0.1, 2: 0.3}.
  EXPECT_EQ(reject_or_keep(p, 1, 0.65), std::optional<TokenId>(0));
  EXPECT_EQ(reject_or_keep(p, 1, 0.75), std::optional<TokenId>(2));
  // A draft the model gives no weight is always replaced.
  EXPECT_EQ(reject_or_keep({0.0f, 1.0f}, 0, 0.0), std::optional<TokenId>(1));
}

TEST(SamplingAcceptance, LeavesTheModelsDistributionUnchanged) {
  const std::vector<float> p{0.05f, 0.5f, 0.15f, 0.3f};
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  constexpr int kDraws = 200000;
  for (TokenId drafted = 0; drafted < p.size(); ++drafted) {
    std::map<TokenId, int> counts;
    for (int i = 0; i < kDraws; ++i) {
      const auto replaced = reject_or_keep(p, drafted, uniform(rng));
      ++counts[replaced ? *replaced : drafted];
    }
    for (TokenId token = 0; token < p.size(); ++token) {
      EXPECT_NEAR(counts[token] / static_cast<double>(kDraws), p[token], 0.005)
          << "draft " << drafted << ", token " << token;
    }
  }
}

// Evenly spaced uniforms stand for the uniform distribution exactly, up to
// their spacing: the frequencies are p itself, not p plus sampling noise.
TEST(SamplingAcceptance, KeepsAndReplacesWithExactlyTheModelsProbabilities) {
  const std::vector<float> p{0.05f, 0.5f, 0.15f, 0.0f, 0.3f};
  constexpr int kSteps = 100000;
  for (TokenId drafted = 0; drafted < p.size(); ++drafted) {
    std::vector<int> counts(p.size(), 0);
    int kept = 0;
    for (int k = 0; k < kSteps; ++k) {
      const auto replaced = reject_or_keep(p, drafted, (k + 0.5) / kSteps);
      kept += replaced ? 0 : 1;
      ++counts[replaced ? *replaced : drafted];
    }
    EXPECT_NEAR(kept / static_cast<double>(kSteps), p[drafted], 1.0 / kSteps);
    for (TokenId token = 0; token < p.size(); ++token) {
      // One step of rounding per boundary the walk crosses.
      EXPECT_NEAR(counts[token] / static_cast<double>(kSteps), p[token], 3.0 / kSteps)
          << "draft " << drafted << ", token " << token;
    }
  }
}

TEST(SamplingAcceptance, KeepsADraftThatHoldsAllTheWeight) {
  // A sum rounding left under 1: past it there is nothing to replace the draft with.
  const std::vector<float> p{0.0f, 0.9999f, 0.0f};
  EXPECT_EQ(reject_or_keep(p, 1, 0.99995), std::nullopt);
  EXPECT_EQ(reject_or_keep({1.0f}, 0, 0.999999), std::nullopt);
}

std::vector<float> made_up_logits(size_t vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> logits(vocab);
  for (float& logit : logits) logit = normal(rng);
  return logits;
}

SamplingParams a_full_chain() {
  SamplingParams params;
  params.temperature = 0.8f;
  params.top_k = 12;
  params.top_p = 0.9f;
  params.min_p = 0.02f;
  params.repetition_penalty = 1.3f;
  params.frequency_penalty = 0.2f;
  params.presence_penalty = 0.1f;
  params.seed = 11;
  return params;
}

TEST(SamplerDistribution, IsWhatSampleDrawsFrom) {
  const std::vector<float> values = made_up_logits(40, 1);
  const Logits logits{values.data(), ScalarType::Float, values.size()};
  const std::vector<TokenId> recent{3, 3, 7, 12, 30};
  Sampler sampler(a_full_chain());
  std::vector<float> p;
  ASSERT_TRUE(sampler.distribution(logits, recent, p));
  ASSERT_EQ(p.size(), values.size());
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-5);
  EXPECT_LE(std::count_if(p.begin(), p.end(), [](float x) { return x > 0.0f; }), 12);
  constexpr int kDraws = 200000;
  std::vector<int> counts(values.size(), 0);
  for (int i = 0; i < kDraws; ++i) ++counts[sampler.sample(logits, recent)];
  for (TokenId token = 0; token < values.size(); ++token) {
    if (p[token] == 0.0f) {
      EXPECT_EQ(counts[token], 0) << token;
    } else {
      EXPECT_NEAR(counts[token] / static_cast<double>(kDraws), p[token], 0.005) << token;
    }
  }
}

TEST(SamplerDistribution, IsOneHotWhenGreedyAndRefusesNaN) {
  std::vector<float> values = made_up_logits(20, 2);
  const Logits logits{values.data(), ScalarType::Float, values.size()};
  SamplingParams params;
  params.repetition_penalty = 1.5f;  // greedy, but the penalties change the pick
  Sampler greedy(params);
  std::vector<float> p;
  const std::vector<TokenId> recent{greedy_token(logits)};
  ASSERT_TRUE(greedy.distribution(logits, recent, p));
  const TokenId pick = greedy.sample(logits, recent);
  for (TokenId token = 0; token < p.size(); ++token) {
    EXPECT_EQ(p[token], token == pick ? 1.0f : 0.0f) << token;
  }
  values[4] = std::nanf("");
  Sampler sampler(a_full_chain());
  p.assign(3, 0.5f);
  EXPECT_FALSE(sampler.distribution(logits, {}, p));
  EXPECT_EQ(p, std::vector<float>(3, 0.5f));  // untouched
}

TEST(SamplerDistribution, UniformsAreInRangeAndReplayedBySeed) {
  Sampler a(a_full_chain()), b(a_full_chain());
  for (int i = 0; i < 1000; ++i) {
    const double u = a.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
    EXPECT_EQ(u, b.uniform());
  }
}

// The rule as the session applies it: the sampler's distribution, a uniform of
// its generator, reject_or_keep. Whatever is drafted, the tokens that result
// are distributed as plain sample()'s.
TEST(SamplerDistribution, WithTheRuleGivesPlainSamplingsDistribution) {
  const std::vector<float> values = made_up_logits(16, 3);
  const Logits logits{values.data(), ScalarType::Float, values.size()};
  const std::vector<TokenId> recent{1, 2, 2};
  SamplingParams params = a_full_chain();
  params.top_k = 0;
  Sampler sampler(params);
  std::vector<float> p;
  ASSERT_TRUE(sampler.distribution(logits, recent, p));
  constexpr int kDraws = 100000;
  for (const TokenId drafted : {greedy_token(logits), TokenId{0}, TokenId{15}}) {
    std::vector<int> counts(values.size(), 0);
    for (int i = 0; i < kDraws; ++i) {
      const auto replaced = reject_or_keep(p, drafted, sampler.uniform());
      ++counts[replaced ? *replaced : drafted];
    }
    for (TokenId token = 0; token < values.size(); ++token) {
      EXPECT_NEAR(counts[token] / static_cast<double>(kDraws), p[token], 0.006)
          << "draft " << drafted << ", token " << token;
    }
  }
}

}  // namespace
}  // namespace et_llm::speculative
