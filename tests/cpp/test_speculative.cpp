// Speculative decoding's parts: prompt-lookup drafts, the greedy acceptance of
// a verified draft, and the sampling rule that keeps the output distribution.
#include <gtest/gtest.h>

#include <map>
#include <random>

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

TEST(GreedyAcceptance, KeepsThePrefixTheModelAgreesWith) {
  EXPECT_EQ(accepted_prefix({1, 2, 3}, {1, 2, 3, 4}), 3u);
  EXPECT_EQ(accepted_prefix({1, 2, 3}, {1, 5, 3, 4}), 1u);
  EXPECT_EQ(accepted_prefix({1, 2, 3}, {9, 2, 3, 4}), 0u);
  EXPECT_EQ(accepted_prefix({}, {9}), 0u);
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

}  // namespace
}  // namespace et_llm::speculative
