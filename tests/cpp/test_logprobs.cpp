// compute_logprobs against a plain two-pass log_softmax in double, on every
// logits dtype: each token's logprob, the top_n ranking (ties by lower id),
// and the edge cases (+inf and -inf logits, top_n past the vocabulary).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "et_llm/logprobs.h"
#include "support/logits_views.h"

namespace et_llm {
namespace {

using namespace test_logits;

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
