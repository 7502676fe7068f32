// IIOManager from C++: the KV-cache-as-I/O fixture through StaticKVCacheIOManager
// (picked automatically and given explicitly) equals the eager references, and
// DecoderLLMRunner equals TextLLMRunner.
#include <et_llm/decoder_llm_runner.h>
#include <et_llm/llm_runner_helpers.h>
#include <et_llm/static_kv_cache_io_manager.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using et_llm::TokenId;

class IOManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
    if (dir == nullptr || *dir == '\0') {
      GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set (scripts/test.sh sets it)";
    }
    dir_ = dir;
    std::ifstream in(dir_ + "/manifest.json");
    manifest_ = nlohmann::json::parse(in);
  }
  std::string dir_;
  nlohmann::json manifest_;
};

et_llm::GenerationConfig greedy(int n) {
  et_llm::GenerationConfig config;
  config.add_special_tokens = false;  // the references frame their own prompts
  config.temperature = 0.0f;
  config.echo = false;
  config.max_new_tokens = n;
  return config;
}

TEST_F(IOManagerTest, KvCacheAsInputsEqualsEager) {
  for (bool explicit_manager : {false, true}) {
    std::shared_ptr<et_llm::IIOManager> manager;
    if (explicit_manager) {
      manager = std::make_shared<et_llm::StaticKVCacheIOManager>();
    }
    auto runner = et_llm::create_text_llm_runner(dir_ + "/kv_io.pte", dir_ + "/tokenizer.json",
                                                 std::nullopt, manager);
    ASSERT_TRUE(runner.ok()) << runner.error().to_string();
    for (const auto& reference : manifest_["references"]) {
      ASSERT_TRUE((*runner)->reset().ok());
      auto err = (*runner)->generate_from_tokens(
          reference["prompt_ids"].get<std::vector<TokenId>>(), greedy(reference["n"].get<int>()));
      ASSERT_TRUE(err.ok()) << err.to_string();
      EXPECT_EQ((*runner)->generated_tokens(), reference["output_ids"].get<std::vector<TokenId>>())
          << reference["name"];
    }
  }
}

TEST_F(IOManagerTest, RewindContinuesFromThere) {
  auto runner = et_llm::create_text_llm_runner(dir_ + "/kv_io.pte", dir_ + "/tokenizer.json");
  ASSERT_TRUE(runner.ok());
  const auto& reference = manifest_["references"][0];
  const auto prompt = reference["prompt_ids"].get<std::vector<TokenId>>();
  const auto want = reference["output_ids"].get<std::vector<TokenId>>();
  ASSERT_TRUE((*runner)->generate_from_tokens(prompt, greedy(30)).ok());
  // Keep the prompt and the first 10 generated tokens, then continue with token 11.
  ASSERT_TRUE((*runner)->rewind(static_cast<int64_t>(prompt.size()) + 10).ok());
  ASSERT_TRUE((*runner)->generate_from_tokens({want[10]}, greedy(5)).ok());
  EXPECT_EQ((*runner)->generated_tokens(),
            std::vector<TokenId>(want.begin() + 11, want.begin() + 16));
  EXPECT_EQ((*runner)->rewind(1000).code(), et_llm::ErrorCode::InvalidArgument);
}

TEST_F(IOManagerTest, DecoderRunnerEqualsTextRunner) {
  auto decoder =
      et_llm::DecoderLLMRunner::load(dir_ + "/export_llm_dynamic.pte", dir_ + "/tokenizer.json");
  ASSERT_TRUE(decoder.ok()) << decoder.error().to_string();
  const auto& reference = manifest_["references"][1];
  et_llm::DecoderGenerateOptions options;
  options.max_new_tokens = reference["n"].get<int>();
  auto out = (*decoder)->generate(reference["prompt_ids"].get<std::vector<TokenId>>(), options);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->new_tokens, reference["output_ids"].get<std::vector<TokenId>>());
}

}  // namespace
