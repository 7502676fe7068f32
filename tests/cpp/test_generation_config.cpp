// GenerationConfig::validate: each value out of range is InvalidArgument with a
// message naming the field (and the value); each boundary value is accepted.
// GenerationConfig::resolve_max_new_tokens: the budget from the context left,
// seq_len and max_new_tokens.
#include <et_llm/et_llm.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace et_llm {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

using Setting = std::function<void(GenerationConfig&)>;

GenerationConfig with(const Setting& setting) {
  GenerationConfig config;
  setting(config);
  return config;
}

// The message is "GenerationConfig.<field> ..." and, where given, shows the value.
void expect_rejected(const Setting& setting, const std::string& field,
                     const std::string& shown = "") {
  const Error err = with(setting).validate();
  ASSERT_FALSE(err.ok()) << field << shown;
  EXPECT_EQ(err.code(), ErrorCode::InvalidArgument) << err.message();
  EXPECT_EQ(err.message().rfind("GenerationConfig." + field + " ", 0), 0u) << err.message();
  EXPECT_NE(err.message().find(shown), std::string::npos) << err.message();
}

void expect_accepted(const Setting& setting, const std::string& what) {
  const Error err = with(setting).validate();
  EXPECT_TRUE(err.ok()) << what << ": " << err.message();
}

class NoOpProcessor : public LogitsProcessor {
 public:
  Error process(const std::vector<TokenId>&, float*, size_t) override { return Error(); }
};

TEST(GenerationConfigValidate, DefaultsAreValid) {
  EXPECT_TRUE(GenerationConfig().validate().ok());
}

TEST(GenerationConfigValidate, LengthsAndFraming) {
  expect_rejected([](auto& c) { c.max_new_tokens = -2; }, "max_new_tokens", "got -2");
  expect_rejected([](auto& c) { c.max_new_tokens = std::numeric_limits<int32_t>::min(); },
                  "max_new_tokens", "got -2147483648");
  expect_accepted([](auto& c) { c.max_new_tokens = -1; }, "max_new_tokens -1");
  expect_accepted([](auto& c) { c.max_new_tokens = 0; }, "max_new_tokens 0");
  expect_accepted([](auto& c) { c.max_new_tokens = std::numeric_limits<int32_t>::max(); },
                  "max_new_tokens max");

  expect_rejected([](auto& c) { c.seq_len = 0; }, "seq_len", "got 0");
  expect_rejected([](auto& c) { c.seq_len = -2; }, "seq_len", "got -2");
  expect_accepted([](auto& c) { c.seq_len = -1; }, "seq_len -1");
  expect_accepted([](auto& c) { c.seq_len = 1; }, "seq_len 1");

  expect_rejected([](auto& c) { c.num_bos = -1; }, "num_bos", "got -1");
  expect_accepted([](auto& c) { c.num_bos = 0; }, "num_bos 0");
  expect_rejected([](auto& c) { c.num_eos = -1; }, "num_eos", "got -1");
  expect_accepted([](auto& c) { c.num_eos = 0; }, "num_eos 0");

  expect_rejected([](auto& c) { c.seed = -2; }, "seed", "got -2");
  expect_accepted([](auto& c) { c.seed = -1; }, "seed -1");
  expect_accepted([](auto& c) { c.seed = 0; }, "seed 0");
}

TEST(GenerationConfigValidate, Temperature) {
  expect_rejected([](auto& c) { c.temperature = -0.001f; }, "temperature", "got -0.001");
  expect_rejected([](auto& c) { c.temperature = kNaN; }, "temperature");
  expect_rejected([](auto& c) { c.temperature = kInf; }, "temperature");
  expect_rejected([](auto& c) { c.temperature = -kInf; }, "temperature");
  expect_accepted([](auto& c) { c.temperature = 0.0f; }, "temperature 0");
  expect_accepted([](auto& c) { c.temperature = 1e-40f; }, "temperature 1e-40");
  expect_accepted([](auto& c) { c.temperature = std::numeric_limits<float>::max(); },
                  "temperature max");
}

TEST(GenerationConfigValidate, SamplingChain) {
  expect_rejected([](auto& c) { c.top_k = -1; }, "top_k", "got -1");
  expect_accepted([](auto& c) { c.top_k = 0; }, "top_k 0");

  expect_rejected([](auto& c) { c.top_p = 0.0f; }, "top_p", "got 0");
  expect_rejected([](auto& c) { c.top_p = -0.5f; }, "top_p", "got -0.5");
  expect_rejected([](auto& c) { c.top_p = std::nextafter(1.0f, 2.0f); }, "top_p", "got 1.0");
  expect_rejected([](auto& c) { c.top_p = kNaN; }, "top_p");
  expect_accepted([](auto& c) { c.top_p = 1.0f; }, "top_p 1");
  expect_accepted([](auto& c) { c.top_p = std::numeric_limits<float>::denorm_min(); },
                  "top_p just above 0");

  expect_rejected([](auto& c) { c.min_p = -0.1f; }, "min_p", "got -0.1");
  expect_rejected([](auto& c) { c.min_p = 1.5f; }, "min_p", "got 1.5");
  expect_rejected([](auto& c) { c.min_p = kNaN; }, "min_p");
  expect_accepted([](auto& c) { c.min_p = 0.0f; }, "min_p 0");
  expect_accepted([](auto& c) { c.min_p = 1.0f; }, "min_p 1");

  expect_rejected([](auto& c) { c.repetition_penalty = 0.0f; }, "repetition_penalty", "got 0");
  expect_rejected([](auto& c) { c.repetition_penalty = -1.0f; }, "repetition_penalty", "got -1");
  expect_rejected([](auto& c) { c.repetition_penalty = kNaN; }, "repetition_penalty");
  expect_rejected([](auto& c) { c.repetition_penalty = kInf; }, "repetition_penalty");
  expect_accepted([](auto& c) { c.repetition_penalty = 1e-30f; }, "repetition_penalty tiny");

  // One message covers both penalties; it names each.
  for (float bad : {kNaN, kInf, -kInf}) {
    expect_rejected([bad](auto& c) { c.frequency_penalty = bad; }, "frequency_penalty");
    expect_rejected([bad](auto& c) { c.presence_penalty = bad; }, "frequency_penalty",
                    "presence_penalty");
  }
  expect_accepted([](auto& c) { c.frequency_penalty = -2.0f; }, "frequency_penalty < 0");
  expect_accepted([](auto& c) { c.presence_penalty = 2.0f; }, "presence_penalty > 0");

  expect_rejected([](auto& c) { c.penalty_last_n = -2; }, "penalty_last_n", "got -2");
  expect_accepted([](auto& c) { c.penalty_last_n = -1; }, "penalty_last_n -1");
  expect_accepted([](auto& c) { c.penalty_last_n = 0; }, "penalty_last_n 0");
}

TEST(GenerationConfigValidate, StopsLogprobsGrammarAndProcessors) {
  expect_rejected([](auto& c) { c.stop = {"ok", ""}; }, "stop");
  expect_accepted([](auto& c) { c.stop = {"x", "\n\n"}; }, "stop strings");

  expect_rejected([](auto& c) { c.stop_token_ids = {3, -1}; }, "stop_token_ids", "got -1");
  expect_accepted([](auto& c) { c.stop_token_ids = {0}; }, "stop_token_ids 0");

  expect_rejected([](auto& c) { c.top_logprobs = -1; }, "top_logprobs", "got -1");
  expect_accepted([](auto& c) { c.top_logprobs = 0; }, "top_logprobs 0");

  expect_rejected(
      [](auto& c) {
        c.grammar = "root ::= \"a\"";
        c.grammar_type = "ebnf";
      },
      "grammar_type", "got 'ebnf'");
  expect_rejected([](auto& c) { c.grammar = "a+"; }, "grammar_type", "got ''");
  for (const char* type : {"json_schema", "regex", "lark", "gbnf"}) {
    expect_accepted(
        [type](auto& c) {
          c.grammar = "a+";
          c.grammar_type = type;
        },
        type);
  }
  // Without a grammar the type is not looked at.
  expect_accepted([](auto& c) { c.grammar_type = "ebnf"; }, "grammar_type without a grammar");

  expect_rejected(
      [](auto& c) { c.logits_processors = {std::make_shared<NoOpProcessor>(), nullptr}; },
      "logits_processors");
  expect_accepted([](auto& c) { c.logits_processors = {std::make_shared<NoOpProcessor>()}; },
                  "a logits processor");
}

TEST(GenerationConfigValidate, TheFirstFieldOutOfRangeIsNamed) {
  GenerationConfig config;
  config.top_k = -1;
  config.seed = -5;
  EXPECT_EQ(config.validate().message().rfind("GenerationConfig.top_k ", 0), 0u);
}

int32_t resolve(const Setting& setting, int64_t context, int64_t occupied) {
  return with(setting).resolve_max_new_tokens(context, occupied);
}

TEST(GenerationConfigResolveMaxNewTokens, TheContextLeftByDefault) {
  const auto defaults = [](GenerationConfig&) {};
  EXPECT_EQ(resolve(defaults, 128, 0), 128);
  EXPECT_EQ(resolve(defaults, 128, 20), 108);
  EXPECT_EQ(resolve(defaults, 128, 127), 1);
  EXPECT_EQ(resolve(defaults, 128, 128), 0);
  EXPECT_EQ(resolve(defaults, 128, 200), 0);  // never negative
}

TEST(GenerationConfigResolveMaxNewTokens, MaxNewTokensCapsTheRoom) {
  EXPECT_EQ(resolve([](auto& c) { c.max_new_tokens = 10; }, 128, 20), 10);
  EXPECT_EQ(resolve([](auto& c) { c.max_new_tokens = 10; }, 128, 125), 3);  // the context wins
  EXPECT_EQ(resolve([](auto& c) { c.max_new_tokens = 0; }, 128, 20), 0);
  EXPECT_EQ(resolve([](auto& c) { c.max_new_tokens = 500; }, 128, 20), 108);
  EXPECT_EQ(resolve([](auto& c) { c.max_new_tokens = 5; }, 128, 128), 0);
}

TEST(GenerationConfigResolveMaxNewTokens, SeqLenCountsThePromptToo) {
  EXPECT_EQ(resolve([](auto& c) { c.seq_len = 50; }, 128, 20), 30);
  EXPECT_EQ(resolve([](auto& c) { c.seq_len = 50; }, 128, 50), 0);
  EXPECT_EQ(resolve([](auto& c) { c.seq_len = 50; }, 128, 60), 0);
  // Past the context length seq_len is the context length.
  EXPECT_EQ(resolve([](auto& c) { c.seq_len = 1000; }, 128, 20), 108);
  EXPECT_EQ(resolve([](auto& c) { c.seq_len = 1; }, 128, 0), 1);
}

TEST(GenerationConfigResolveMaxNewTokens, TheTighterOfSeqLenAndMaxNewTokens) {
  const auto both = [](int32_t seq_len, int32_t max_new_tokens) {
    return [=](GenerationConfig& c) {
      c.seq_len = seq_len;
      c.max_new_tokens = max_new_tokens;
    };
  };
  EXPECT_EQ(resolve(both(50, 30), 128, 10), 30);
  EXPECT_EQ(resolve(both(50, 45), 128, 10), 40);
  EXPECT_EQ(resolve(both(200, 150), 128, 10), 118);
  EXPECT_EQ(resolve(both(50, -1), 128, 10), 40);
}

}  // namespace
}  // namespace et_llm
