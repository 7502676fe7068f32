// Engine / Session from C++: sessions of one engine, interleaved token by token
// and on threads, each equal to the eager-PyTorch references of the fixture
// manifest (tests/fixtures/build.py); failed calls (a prompt too long, NaN
// logits) leave a session as it was.
#include <et_llm/et_llm.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using et_llm::TokenId;

std::string fixture_dir() {
  const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
  return dir != nullptr ? dir : "";
}

struct Reference {
  std::vector<TokenId> prompt;
  std::vector<TokenId> output;
};

std::vector<Reference> references() {
  std::ifstream in(fixture_dir() + "/manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  std::vector<Reference> out;
  for (const auto& reference : manifest["references"]) {
    out.push_back({reference["prompt_ids"].get<std::vector<TokenId>>(),
                   reference["output_ids"].get<std::vector<TokenId>>()});
  }
  return out;
}

class EngineSessionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (fixture_dir().empty()) {
      GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set (scripts/test.sh sets it)";
    }
    auto engine = et_llm::Engine::create(fixture_dir() + "/" + GetParam() + ".pte",
                                         fixture_dir() + "/tokenizer.json");
    ASSERT_TRUE(engine.ok()) << engine.error().to_string();
    engine_ = *engine;
    references_ = references();
    ASSERT_GE(references_.size(), 3u);
  }
  std::shared_ptr<et_llm::Engine> engine_;
  std::vector<Reference> references_;
};

TEST_P(EngineSessionTest, InterleavedSessionsEqualEager) {
  std::vector<std::unique_ptr<et_llm::Session>> sessions;
  for (size_t i = 0; i < 3; ++i) {
    auto session = engine_->create_session();
    ASSERT_TRUE(session.ok()) << session.error().to_string();
    ASSERT_FALSE((*session)->prefill_tokens(references_[i].prompt));
    sessions.push_back(std::move(*session));
  }
  et_llm::SamplingConfig greedy;
  greedy.temperature = 0.0f;
  std::vector<std::vector<TokenId>> got(sessions.size());
  std::vector<bool> ended(sessions.size(), false);
  for (size_t step = 0; step < 256; ++step) {
    for (size_t i = 0; i < sessions.size(); ++i) {
      if (ended[i] || got[i].size() >= references_[i].output.size()) {
        continue;
      }
      auto result = sessions[i]->decode_one(greedy);
      ASSERT_TRUE(result.ok()) << result.error().to_string();
      got[i].push_back(result->token_id);
      ended[i] = result->is_terminal;
    }
  }
  for (size_t i = 0; i < sessions.size(); ++i) {
    EXPECT_EQ(got[i], references_[i].output) << "session " << i;
  }
}

TEST_P(EngineSessionTest, SessionsOnThreadsEqualEager) {
  std::vector<std::vector<TokenId>> got(references_.size());
  std::vector<std::string> errors(references_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < references_.size(); ++i) {
    threads.emplace_back([&, i] {
      auto session = engine_->create_session();
      if (!session.ok()) {
        errors[i] = session.error().to_string();
        return;
      }
      et_llm::GenerationConfig config;
      config.temperature = 0.0f;
      config.max_new_tokens = static_cast<int32_t>(references_[i].output.size());
      et_llm::Error err =
          (*session)->generate({et_llm::make_token_input(references_[i].prompt)}, config);
      errors[i] = err.ok() ? "" : err.to_string();
      got[i] = (*session)->generated_tokens();
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (size_t i = 0; i < references_.size(); ++i) {
    EXPECT_EQ(errors[i], "");
    EXPECT_EQ(got[i], references_[i].output) << "session " << i;
  }
}

TEST_P(EngineSessionTest, FailedCallLeavesTheSessionAsBefore) {
  auto session = engine_->create_session();
  ASSERT_TRUE(session.ok());
  ASSERT_FALSE((*session)->prefill_tokens(references_[0].prompt));
  const int64_t position = (*session)->position();
  // More tokens than the context holds: refused, nothing fed.
  std::vector<TokenId> too_long(4096, references_[0].prompt.back());
  EXPECT_EQ((*session)->prefill_tokens(too_long).code(), et_llm::ErrorCode::ContextOverflow);
  EXPECT_EQ((*session)->position(), position);
  et_llm::SamplingConfig greedy;
  greedy.temperature = 0.0f;
  auto first = (*session)->decode_one(greedy);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->token_id, references_[0].output[0]);
}

// Stands in for a model whose logits turned NaN.
class NaNLogits : public et_llm::LogitsProcessor {
 public:
  et_llm::Error process(const std::vector<TokenId>&, float* logits, size_t vocab_size) override {
    std::fill(logits, logits + vocab_size, std::numeric_limits<float>::quiet_NaN());
    return et_llm::Error();
  }
};

TEST_P(EngineSessionTest, NaNLogitsAreAnErrorAndNothingIsCommitted) {
  auto session = engine_->create_session();
  ASSERT_TRUE(session.ok());
  const std::vector<et_llm::MultimodalInput> prompt = {
      et_llm::make_token_input(references_[0].prompt)};
  for (float temperature : {0.0f, 0.8f}) {
    et_llm::GenerationConfig config;
    config.temperature = temperature;
    config.max_new_tokens = 4;
    config.logits_processors = {std::make_shared<NaNLogits>()};
    const et_llm::Error err = (*session)->generate(prompt, config);
    EXPECT_EQ(err.code(), et_llm::ErrorCode::ExecutionFailed) << temperature;
    EXPECT_NE(err.message().find("NaN"), std::string::npos) << err.message();
    EXPECT_EQ((*session)->position(), 0) << temperature;
  }
  // The session goes on as if the failed turns had not been.
  ASSERT_FALSE((*session)->prefill_tokens(references_[0].prompt));
  et_llm::SamplingConfig greedy;
  greedy.temperature = 0.0f;
  auto first = (*session)->decode_one(greedy);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->token_id, references_[0].output[0]);
}

INSTANTIATE_TEST_SUITE_P(ProgramStyles, EngineSessionTest,
                         ::testing::Values("export_llm_dynamic", "export_llm_static",
                                           "export_llm_custom_sdpa", "cache_position",
                                           "prefill_decode", "kv_io"));

}  // namespace
