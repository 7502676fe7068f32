// Load/unload cycles for LeakSanitizer, which reports at exit whatever a
// cycle left unreachable: each fixture program style loaded, used and freed
// again and again, and failed loads (a truncated file, a tokenizer that is
// not one) on the same paths, since error paths are where cleanup is missed.
// Each cycle must also give the same greedy tokens as the first.
#include <et_llm/et_llm.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using et_llm::TokenId;

constexpr int kCycles = 12;

// The text program styles the runners read: dynamic and static shapes,
// et_llm's SDPA kernel, explicit cache positions, separate prefill and decode
// methods, and the KV cache as inputs and outputs.
const char* const kPrograms[] = {"export_llm_dynamic.pte",     "export_llm_static.pte",
                                 "export_llm_custom_sdpa.pte", "cache_position.pte",
                                 "prefill_decode.pte",         "kv_io.pte"};

class LoadUnloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
    if (dir == nullptr || dir[0] == '\0') GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set";
    dir_ = dir;
    config_.temperature = 0.0f;
    config_.ignore_eos = true;
    config_.max_new_tokens = 8;
  }

  // Greedy tokens of one load, generate and unload of `program`.
  std::vector<TokenId> cycle(const std::string& program) {
    auto engine = et_llm::Engine::create(dir_ + "/" + program, dir_ + "/tokenizer.json");
    EXPECT_TRUE(engine.ok()) << engine.error().to_string();
    if (!engine.ok()) return {};
    et_llm::TextLLMRunner runner(*engine);
    EXPECT_FALSE(runner.load());
    EXPECT_FALSE(runner.generate("Once upon a time", config_));
    return runner.generated_tokens();
  }

  std::string dir_;
  et_llm::GenerationConfig config_;
};

TEST_F(LoadUnloadTest, EveryProgramStyleAgainAndAgain) {
  for (const char* program : kPrograms) {
    if (!fs::exists(dir_ + "/" + program)) {
      ADD_FAILURE() << program << " is not among the fixtures";
      continue;
    }
    const std::vector<TokenId> first = cycle(program);
    ASSERT_EQ(first.size(), static_cast<size_t>(config_.max_new_tokens)) << program;
    for (int i = 1; i < kCycles; ++i) EXPECT_EQ(cycle(program), first) << program << " cycle " << i;
  }
}

TEST_F(LoadUnloadTest, FailedLoadsAgainAndAgain) {
  const fs::path scratch =
      fs::temp_directory_path() / ("et_llm_load_unload_" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  const std::string program = dir_ + "/export_llm_dynamic.pte";
  const std::string truncated = (scratch / "truncated.pte").string();
  const std::string not_a_tokenizer = (scratch / "tokenizer.json").string();
  {
    std::ifstream in(program, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    std::ofstream(not_a_tokenizer) << "{\"model\": {\"type\": \"BPE\", \"vocab\": 7}}";
  }
  for (int i = 0; i < kCycles; ++i) {
    EXPECT_FALSE(et_llm::Engine::create(truncated, dir_ + "/tokenizer.json").ok());
    EXPECT_FALSE(et_llm::Engine::create(program, not_a_tokenizer).ok());
    EXPECT_FALSE(
        et_llm::Engine::create((scratch / "missing.pte").string(), dir_ + "/tokenizer.json").ok());
  }
  fs::remove_all(scratch);
}

}  // namespace
