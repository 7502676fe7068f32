// TextLLMRunner from C++ against the eager-PyTorch references recorded in the
// fixture manifest (tests/fixtures/build.py), for every program style.
#include <et_llm/llm_runner_helpers.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using et_llm::ErrorCode;
using et_llm::TokenId;

std::string fixture_dir() {
  const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
  return dir != nullptr ? dir : "";
}

nlohmann::json manifest() {
  std::ifstream in(fixture_dir() + "/manifest.json");
  return nlohmann::json::parse(in);
}

et_llm::GenerationConfig greedy(int max_new_tokens) {
  et_llm::GenerationConfig config;
  config.add_special_tokens = false;  // the references frame their own prompts
  config.temperature = 0.0f;
  config.echo = false;
  config.max_new_tokens = max_new_tokens;
  return config;
}

class FixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (fixture_dir().empty()) {
      GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set (scripts/test.sh sets it)";
    }
    manifest_ = manifest();
  }
  std::string tokenizer_path() const { return fixture_dir() + "/tokenizer.json"; }
  std::string model_path(const std::string& variant) const {
    return fixture_dir() + "/" + variant + ".pte";
  }
  nlohmann::json manifest_;
};

TEST_F(FixtureTest, EveryVariantEqualsEagerPyTorch) {
  ASSERT_GE(manifest_["variants"].size(), 5u);
  for (const auto& [variant, spec] : manifest_["variants"].items()) {
    auto runner = et_llm::create_text_llm_runner(model_path(variant), tokenizer_path());
    ASSERT_TRUE(runner.ok()) << variant << ": " << runner.error().to_string();
    for (const auto& reference : manifest_["references"]) {
      const auto prompt = reference["prompt_ids"].get<std::vector<TokenId>>();
      const auto want = reference["output_ids"].get<std::vector<TokenId>>();
      std::string streamed;
      ASSERT_FALSE((*runner)->reset());
      auto err =
          (*runner)->generate_from_tokens(prompt, greedy(reference["n"].get<int>()),
                                          [&](const std::string& piece) { streamed += piece; });
      ASSERT_TRUE(err.ok()) << variant << ": " << err.to_string();
      EXPECT_EQ((*runner)->generated_tokens(), want)
          << variant << " / " << reference["name"].get<std::string>();

      std::vector<TokenId> text_ids = want;
      if (reference["stops_at_eos"].get<bool>()) {
        text_ids.pop_back();
      }
      auto decoded = (*runner)->tokenizer().decode(text_ids);
      ASSERT_TRUE(decoded.ok());
      EXPECT_EQ(streamed, *decoded) << variant;
    }
  }
}

TEST_F(FixtureTest, MultiTurnContinuesTheCache) {
  auto runner = et_llm::create_text_llm_runner(model_path("export_llm_dynamic"), tokenizer_path());
  ASSERT_TRUE(runner.ok());
  const auto& reference = manifest_["references"][0];
  const auto prompt = reference["prompt_ids"].get<std::vector<TokenId>>();
  const auto want = reference["output_ids"].get<std::vector<TokenId>>();
  ASSERT_GE(want.size(), 20u);
  // The reference continuation split over two calls: the second prompt is empty of
  // new text, so it continues from the token the first call ended on.
  auto config = greedy(10);
  ASSERT_TRUE((*runner)->generate_from_tokens(prompt, config).ok());
  std::vector<TokenId> got = (*runner)->generated_tokens();
  ASSERT_TRUE((*runner)->generate_from_tokens({}, config).ok());
  const auto& second = (*runner)->generated_tokens();
  got.insert(got.end(), second.begin(), second.end());
  EXPECT_EQ(got, std::vector<TokenId>(want.begin(), want.begin() + 20));
}

TEST_F(FixtureTest, ErrorsAreTypedAndTheRunnerGoesOn) {
  auto missing = et_llm::create_text_llm_runner("/nonexistent.pte", tokenizer_path());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);

  auto no_tokenizer = et_llm::create_text_llm_runner(model_path("export_llm_dynamic"),
                                                     std::string("/nonexistent.json"));
  ASSERT_FALSE(no_tokenizer.ok());
  EXPECT_EQ(no_tokenizer.error().code(), ErrorCode::NotFound);

  auto runner = et_llm::create_text_llm_runner(model_path("export_llm_dynamic"), tokenizer_path());
  ASSERT_TRUE(runner.ok());
  const int64_t context = (*runner)->metadata().max_context_len;
  auto err = (*runner)->generate_from_tokens(std::vector<TokenId>(context + 1, 5), greedy(4));
  EXPECT_EQ(err.code(), ErrorCode::ContextOverflow);

  auto bad = greedy(4);
  bad.temperature = -2.0f;
  EXPECT_EQ((*runner)->generate("hi", bad).code(), ErrorCode::InvalidArgument);

  auto config = greedy(4);
  config.ignore_eos = true;
  ASSERT_TRUE((*runner)->generate("hi", config).ok());
  EXPECT_EQ((*runner)->generated_tokens().size(), 4u);
}

TEST_F(FixtureTest, MetadataHasUpstreamNames) {
  auto meta = et_llm::get_llm_metadata(model_path("export_llm_dynamic"));
  ASSERT_TRUE(meta.ok()) << meta.error().to_string();
  EXPECT_GT(meta->max_seq_len, 0);
  EXPECT_TRUE(meta->enable_dynamic_shape);
  EXPECT_TRUE(meta->use_kv_cache);
  EXPECT_EQ(meta->to_map().count("get_max_context_len"), 1u);
}

}  // namespace
