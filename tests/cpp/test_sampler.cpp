// The public Sampler, which composes the chain's steps in llama.cpp's order
// (penalties -> top_k -> top_p -> min_p -> temperature -> draw): which step
// runs before which, the greedy paths, copies, and the edge cases callers
// rely on (a tiny temperature, NaN logits).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "et_llm/sampler.h"
#include "support/logits_views.h"

namespace et_llm {
namespace {

using namespace test_logits;

std::vector<int> counts_of(Sampler& sampler, const std::vector<float>& logits, int n,
                           const std::vector<TokenId>& recent = {}) {
  std::vector<int> counts(logits.size());
  for (int i = 0; i < n; ++i) {
    ++counts[sampler.sample(view(logits), recent)];
  }
  return counts;
}

SamplingParams seeded(float temperature, int64_t seed = 9) {
  SamplingParams params;
  params.temperature = temperature;
  params.seed = seed;
  return params;
}

TEST(Sampler, TemperatureZeroIsGreedyOnEveryDtype) {
  const std::vector<float> values = {0.5f, 2.0f, -kInf, 2.0f, 1.0f};
  Sampler sampler;
  EXPECT_EQ(sampler.sample(view(values)), 1u);
  EXPECT_EQ(sampler.sample(view(as<Half>(values))), 1u);
  EXPECT_EQ(sampler.sample(view(as<BFloat16>(values))), 1u);
  // Penalties first, then argmax: token 1 falls to 2 / 2 = 1, token 3 wins.
  SamplingParams params = seeded(0.0f);
  params.repetition_penalty = 2.0f;
  EXPECT_EQ(Sampler(params).sample(view(as<Half>(values)), {1}), 3u);
  // Without a history the penalties have nothing to see.
  EXPECT_EQ(Sampler(params).sample(view(values)), 1u);
  EXPECT_EQ(sampler.sample(Logits{}), 0u);
}

TEST(Sampler, CopiesAndBothConstructorsDrawTheSame) {
  const std::vector<float> logits = five_tokens();
  Sampler by_params(seeded(0.8f, 42));
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

TEST(Sampler, FromAGenerationConfigTakesEveryChainSetting) {
  GenerationConfig config;
  config.temperature = 0.7f;
  config.top_k = 3;
  config.top_p = 0.9f;
  config.min_p = 0.05f;
  config.repetition_penalty = 1.3f;
  config.frequency_penalty = 0.2f;
  config.presence_penalty = -0.1f;
  config.penalty_last_n = 16;
  config.seed = 11;
  const SamplingParams params = SamplingParams::from(config);
  EXPECT_EQ(params.temperature, 0.7f);
  EXPECT_EQ(params.top_k, 3);
  EXPECT_EQ(params.top_p, 0.9f);
  EXPECT_EQ(params.min_p, 0.05f);
  EXPECT_EQ(params.repetition_penalty, 1.3f);
  EXPECT_EQ(params.frequency_penalty, 0.2f);
  EXPECT_EQ(params.presence_penalty, -0.1f);
  EXPECT_EQ(params.penalty_last_n, 16);
  EXPECT_EQ(params.seed, 11);
  EXPECT_TRUE(params.has_penalties());
  EXPECT_FALSE(SamplingParams().has_penalties());
}

// At temperature 5 the five tokens are nearly equally likely: only the cuts,
// made on the distribution before temperature, keep the tail out.
void expect_only_the_two_most_likely_drawn(const SamplingParams& params) {
  Sampler sampler(params);
  const std::vector<int> counts = counts_of(sampler, five_tokens(), 2000);
  EXPECT_GT(counts[0], 0);
  EXPECT_GT(counts[1], 0);
  EXPECT_EQ(counts[2] + counts[3] + counts[4], 0);
}

TEST(Sampler, TopKAndMinPCutBeforeTheDraw) {
  SamplingParams params = seeded(5.0f);
  params.top_k = 3;
  params.min_p = 0.5f;  // of the 3: 0.3 / 0.4 stays, 0.15 / 0.4 goes
  expect_only_the_two_most_likely_drawn(params);
}

TEST(Sampler, TopPCutsByTheDistributionBeforeTemperature) {
  SamplingParams params = seeded(5.0f);
  params.top_p = 0.69f;  // 0.4 + 0.3
  expect_only_the_two_most_likely_drawn(params);
}

TEST(Sampler, PenaltiesRunBeforeTopK) {
  // Token 0 is the most likely until its presence penalty: top_k 1 then keeps token 1.
  SamplingParams params = seeded(1.0f);
  params.top_k = 1;
  params.presence_penalty = 10.0f;
  Sampler sampler(params);
  const std::vector<int> counts = counts_of(sampler, five_tokens(), 200, {0});
  EXPECT_EQ(counts[1], 200);
}

TEST(Sampler, AHugeInverseTemperatureIsGreedy) {
  // 1 / 1e-40 overflows to inf: the argmax only, whatever the other steps.
  const std::vector<float> logits = {0.5f, 3.0f, 2.9f, -1.0f};
  for (int32_t top_k : {0, 2}) {
    SamplingParams params = seeded(1e-40f, 3);
    params.top_k = top_k;
    Sampler sampler(params);
    EXPECT_EQ(counts_of(sampler, logits, 50)[1], 50) << top_k;
  }
  // Tokens tied for the best share the draw.
  Sampler tied(seeded(1e-40f, 3));
  const std::vector<int> counts = counts_of(tied, {3.0f, 0.0f, 3.0f}, 400);
  EXPECT_GT(counts[0], 100);
  EXPECT_GT(counts[2], 100);
  EXPECT_EQ(counts[1], 0);
}

TEST(Sampler, NaNLogitsGiveATokenWhoseLogitIsNaN) {
  // The sampler has no error to return: the token it picks has a NaN logit,
  // which is what the Session turns into ExecutionFailed (and the bindings
  // into InvalidArgument).
  const std::vector<float> nan(8, std::numeric_limits<float>::quiet_NaN());
  for (float temperature : {0.0f, 0.8f}) {
    Sampler sampler(seeded(temperature));
    const TokenId token = sampler.sample(view(nan));
    ASSERT_LT(token, nan.size()) << temperature;
    EXPECT_TRUE(std::isnan(view(nan).at(token))) << temperature;
  }
}

TEST(Sampler, OneNaNAmongFiniteLogitsIsPickedSoItIsSeen) {
  // A model whose logits broke at one entry: whatever the settings, the pick is
  // that entry, which the Session turns into an error.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> logits{5.0f, 0.0f, nan, 0.0f, -3.0f};
  for (float temperature : {0.0f, 0.8f}) {
    SamplingParams params;
    params.temperature = temperature;
    params.top_k = 3;
    Sampler sampler(params);
    EXPECT_EQ(sampler.sample(view(logits)), 2u) << temperature;
  }
}

TEST(Sampler, UnseededSamplersStillDrawFromTheDistribution) {
  Sampler sampler(0.8f);  // seed -1: std::random_device
  std::set<TokenId> drawn;
  for (int i = 0; i < 200; ++i) {
    drawn.insert(sampler.sample(view(std::vector<float>{0.0f, 0.0f, -kInf})));
  }
  EXPECT_EQ(drawn, (std::set<TokenId>{0, 1}));
}

}  // namespace
}  // namespace et_llm
