// Each step of the sampling chain (cpp/src/sampling/) on its own, on small
// hand-made logits with hand-computed results: the candidate list, penalties,
// top_k, the softmax top_p and min_p cut by, top_p, min_p, temperature, argmax
// and the seeded draw.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

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
#include "support/logits_views.h"

namespace et_llm {
namespace {

using namespace test_logits;

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

std::vector<float> live_logits(const sampling::Candidates& candidates) {
  std::vector<float> logits;
  for (const sampling::Candidate& candidate : candidates) {
    logits.push_back(candidate.logit);
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

TEST(Candidates, SortIsMostLikelyFirstTiesByLowerId) {
  sampling::Candidates candidates = candidates_of({0.5f, 2.0f, -kInf, 2.0f, 0.5f, 3.0f});
  sampling::sort_most_likely_first(candidates);
  EXPECT_EQ(live_ids(candidates), (std::vector<uint32_t>{5, 1, 3, 0, 4, 2}));
}

SamplingParams penalties(float repetition, float frequency, float presence, int32_t last_n = 64) {
  SamplingParams params;
  params.repetition_penalty = repetition;
  params.frequency_penalty = frequency;
  params.presence_penalty = presence;
  params.penalty_last_n = last_n;
  return params;
}

std::vector<float> penalized(const SamplingParams& params, const std::vector<TokenId>& recent,
                             const std::vector<float>& logits = {2.0f, -1.0f, 0.5f, 0.9f}) {
  sampling::Candidates candidates = candidates_of(logits);
  sampling::Penalties(params).apply(candidates, recent);
  return live_logits(candidates);
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
  // All three: repetition first, then count * frequency + presence.
  EXPECT_EQ(penalized(penalties(3.0f, 1.0f, 0.5f), recent),
            (std::vector<float>{2.0f / 3.0f - 1.5f, -3.0f - 2.5f, 0.5f, 0.9f}));
}

TEST(Penalties, ZeroLogitsNegativePenaltiesAndNeutralValues) {
  // A zero logit is neither divided nor multiplied into anything else.
  EXPECT_EQ(penalized(penalties(4.0f, 0, 0), {1}, {1.0f, 0.0f}), (std::vector<float>{1.0f, 0.0f}));
  // Negative frequency and presence penalties raise the seen tokens.
  EXPECT_EQ(penalized(penalties(1, -0.25f, -0.5f), {2, 2}),
            (std::vector<float>{2.0f, -1.0f, 0.5f + 0.5f + 0.5f, 0.9f}));
  // Neutral values leave every logit as it was.
  EXPECT_EQ(penalized(penalties(1, 0, 0), {0, 1, 2, 3}),
            (std::vector<float>{2.0f, -1.0f, 0.5f, 0.9f}));
  // A repetition penalty below 1 raises positive logits and lowers negative ones.
  EXPECT_EQ(penalized(penalties(0.5f, 0, 0), {0, 1}),
            (std::vector<float>{4.0f, -0.5f, 0.5f, 0.9f}));
}

TEST(Penalties, WindowAndIdsOutsideTheVocabulary) {
  const std::vector<float> untouched = {2.0f, -1.0f, 0.5f, 0.9f};
  // The last 2 of {0, 1, 1} leave token 0 alone.
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f, 2), {0, 1, 1}),
            (std::vector<float>{2.0f, -6.0f, 0.5f, 0.9f}));
  // The window counts occurrences inside it only: one of the three 3s.
  EXPECT_EQ(penalized(penalties(1, 1.0f, 0, 2), {3, 3, 0, 3}),
            (std::vector<float>{1.0f, -1.0f, 0.5f, 0.9f - 1.0f}));
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f, 0), {0, 1, 1}), untouched);
  EXPECT_EQ(penalized(penalties(1, 1.0f, 0, -1), {3, 0, 3, 3}),
            (std::vector<float>{1.0f, -1.0f, 0.5f, 0.9f - 3.0f}));
  // A window longer than the history is the whole history.
  EXPECT_EQ(penalized(penalties(1, 1.0f, 0, 1000), {3, 0, 3, 3}),
            (std::vector<float>{1.0f, -1.0f, 0.5f, 0.9f - 3.0f}));
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f), {4, 100, std::numeric_limits<TokenId>::max()}),
            untouched);
  EXPECT_EQ(penalized(penalties(1, 0, 5.0f), {}), untouched);
}

std::vector<uint32_t> kept_by_top_k(const std::vector<float>& logits, int32_t k) {
  sampling::Candidates candidates = candidates_of(logits);
  sampling::top_k(candidates, k);
  std::vector<uint32_t> kept = live_ids(candidates);
  std::sort(kept.begin(), kept.end());
  return kept;
}

TEST(TopK, KeepsTheKMostLikelyTiesByLowerId) {
  const std::vector<float> logits = {1.0f, 3.0f, 3.0f, 2.0f, 0.5f, 3.0f};
  EXPECT_EQ(kept_by_top_k(logits, 2), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(kept_by_top_k(logits, 1), (std::vector<uint32_t>{1}));
  EXPECT_EQ(kept_by_top_k(logits, 4), (std::vector<uint32_t>{1, 2, 3, 5}));
  // vocab - 1: only the least likely goes.
  EXPECT_EQ(kept_by_top_k(logits, 5), (std::vector<uint32_t>{0, 1, 2, 3, 5}));
  // Banned tokens are the last kept.
  EXPECT_EQ(kept_by_top_k({-kInf, 0.0f, -kInf}, 2), (std::vector<uint32_t>{0, 1}));
}

TEST(TopK, OffOrAtLeastTheVocabularyKeepsAll) {
  for (int32_t k : {0, -1, 6, 7, 100, std::numeric_limits<int32_t>::max()}) {
    sampling::Candidates all = candidates_of({1.0f, 3.0f, 3.0f, 2.0f, 0.5f, 3.0f});
    sampling::top_k(all, k);
    EXPECT_EQ(live_ids(all), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5})) << k;
  }
  // k at least the live count (after an earlier cut) changes nothing either.
  sampling::Candidates cut = candidates_of({1.0f, 3.0f, 3.0f, 2.0f});
  cut.size = 2;
  sampling::top_k(cut, 2);
  EXPECT_EQ(live_ids(cut), (std::vector<uint32_t>{0, 1}));
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

TEST(Softmax, LargeLogitsDoNotOverflow) {
  sampling::Candidates candidates = candidates_of({1000.0f, 999.0f});
  sampling::sort_most_likely_first(candidates);
  const sampling::Softmax softmax = sampling::softmax(candidates);
  EXPECT_DOUBLE_EQ(softmax.total, 1.0 + std::exp(-1.0));
  EXPECT_DOUBLE_EQ(softmax.probability(999.0f), std::exp(-1.0) / (1.0 + std::exp(-1.0)));
}

size_t kept_by_top_p(const std::vector<float>& logits, float p) {
  sampling::Candidates candidates = candidates_of(logits);
  sampling::sort_most_likely_first(candidates);
  sampling::top_p(candidates, sampling::softmax(candidates), p);
  return candidates.size;
}

size_t kept_by_min_p(const std::vector<float>& logits, float p) {
  sampling::Candidates candidates = candidates_of(logits);
  sampling::sort_most_likely_first(candidates);
  sampling::min_p(candidates, sampling::softmax(candidates), p);
  return candidates.size;
}

TEST(TopP, KeepsTheSmallestPrefixReachingP) {
  EXPECT_EQ(kept_by_top_p(five_tokens(), 0.69f), 2u);  // 0.4 + 0.3
  EXPECT_EQ(kept_by_top_p(five_tokens(), 0.71f), 3u);  // + 0.15
  EXPECT_EQ(kept_by_top_p(five_tokens(), 0.9f), 4u);   // + 0.1
  EXPECT_EQ(kept_by_top_p(five_tokens(), 0.01f), 1u);  // never fewer than one
}

TEST(TopP, OneAndJustBelowOneKeepAll) {
  EXPECT_EQ(kept_by_top_p(five_tokens(), 1.0f), 5u);
  // 0.95 without the last token is short of it; with it, rounding may leave
  // the total short of p too: all are kept either way.
  EXPECT_EQ(kept_by_top_p(five_tokens(), std::nextafter(1.0f, 0.0f)), 5u);
}

TEST(TopP, TiesAndBannedTokens) {
  // Four equal tokens, 0.25 each (exactly): 0.5 needs two, a hair more three.
  EXPECT_EQ(kept_by_top_p({0.0f, 0.0f, 0.0f, 0.0f}, 0.5f), 2u);
  EXPECT_EQ(kept_by_top_p({0.0f, 0.0f, 0.0f, 0.0f}, std::nextafter(0.5f, 1.0f)), 3u);
  // Of tied tokens the lower ids are kept.
  sampling::Candidates candidates = candidates_of({0.0f, 0.0f, 0.0f, 0.0f});
  sampling::sort_most_likely_first(candidates);
  sampling::top_p(candidates, sampling::softmax(candidates), 0.5f);
  EXPECT_EQ(live_ids(candidates), (std::vector<uint32_t>{0, 1}));
  // A banned token adds nothing: the one possible token already makes any p < 1.
  EXPECT_EQ(kept_by_top_p({-kInf, 3.0f, -kInf}, 0.999f), 1u);
}

TEST(MinP, DropsTokensLessThanPTimesTheBest) {
  EXPECT_EQ(kept_by_min_p(five_tokens(), 0.3f), 3u);  // 0.15 / 0.4 = 0.375 stays, 0.25 goes
  EXPECT_EQ(kept_by_min_p(five_tokens(), 0.5f), 2u);  // 0.75 stays, 0.375 goes
  EXPECT_EQ(kept_by_min_p(five_tokens(), 0.1f), 5u);  // 0.05 / 0.4 = 0.125 stays
  EXPECT_EQ(kept_by_min_p(five_tokens(), 1.0f), 1u);  // the best always stays
  EXPECT_EQ(kept_by_min_p(five_tokens(), 0.0f), 5u);
}

TEST(MinP, TokensTiedWithTheBestStayAtOne) {
  // Their probability equals p * p(best) exactly: not less, so kept.
  EXPECT_EQ(kept_by_min_p({1.0f, 1.0f, 0.0f, 1.0f}, 1.0f), 3u);
  EXPECT_EQ(kept_by_min_p({-kInf, 2.0f, -kInf}, 1e-30f), 1u);  // banned tokens go
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

std::vector<float> tempered(const std::vector<float>& logits, float temperature) {
  sampling::Candidates candidates = candidates_of(logits);
  sampling::apply_temperature(candidates, temperature);
  EXPECT_EQ(live_ids(candidates).size(), logits.size());  // nothing is cut
  return live_logits(candidates);
}

TEST(Temperature, ShiftsTheBestToZeroAndScales) {
  EXPECT_EQ(tempered({1.0f, 3.0f, -kInf, 2.0f}, 0.5f),
            (std::vector<float>{-4.0f, 0.0f, -kInf, -2.0f}));
  EXPECT_EQ(tempered({1.0f, 3.0f, 2.0f}, 1.0f), (std::vector<float>{-2.0f, 0.0f, -1.0f}));
  EXPECT_EQ(tempered({1.0f, 3.0f, 2.0f}, 2.0f), (std::vector<float>{-1.0f, 0.0f, -0.5f}));
  // Only the live candidates count: the best of them becomes 0.
  sampling::Candidates candidates = candidates_of({5.0f, 1.0f, 3.0f});
  std::swap(candidates.items[0], candidates.items[2]);
  candidates.size = 2;  // ids 2 and 1
  sampling::apply_temperature(candidates, 1.0f);
  EXPECT_EQ(live_logits(candidates), (std::vector<float>{0.0f, -2.0f}));
}

TEST(Temperature, AnInverseThatOverflowsIsGreedysLimit) {
  // 1 / 1e-40 is past FLT_MAX: the best (and its ties) stay 0, the rest -inf.
  ASSERT_TRUE(std::isinf(1.0f / 1e-40f));
  EXPECT_EQ(tempered({1.0f, 3.0f, 3.0f, 2.999f, -kInf}, 1e-40f),
            (std::vector<float>{-kInf, 0.0f, 0.0f, -kInf, -kInf}));
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

TEST(SeededDraw, ReplacesTheLogitsWithUnnormalizedWeights) {
  sampling::Candidates candidates = candidates_of({0.0f, -1.0f, -kInf});
  sampling::SeededDraw draw(5);
  draw(candidates);
  EXPECT_EQ(live_logits(candidates), (std::vector<float>{1.0f, std::exp(-1.0f), 0.0f}));
}

}  // namespace
}  // namespace et_llm
