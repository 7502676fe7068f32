// Calls that cross threads, for ThreadSanitizer (and ASan) to watch: stop()
// from another thread while a callback holds the generation, sessions
// created and destroyed while others generate, and the thread count changed
// during a forward. Each also checks the outcome: a stopped turn ends early,
// and greedy output is the same however the threads interleave.
#include <et_llm/et_llm.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using et_llm::TokenId;

constexpr int32_t kMaxNewTokens = 24;

class ThreadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
    if (dir == nullptr || dir[0] == '\0') GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set";
    auto engine = et_llm::Engine::create(std::string(dir) + "/export_llm_dynamic.pte",
                                         std::string(dir) + "/tokenizer.json");
    ASSERT_TRUE(engine.ok()) << engine.error().to_string();
    engine_ = *engine;
    config_.temperature = 0.0f;
    config_.ignore_eos = true;
    config_.max_new_tokens = kMaxNewTokens;
    config_.echo = false;
  }

  // Greedy tokens of the prompt on a fresh session.
  std::vector<TokenId> generate(const et_llm::TokenCallback& callback = {}) {
    auto session = engine_->create_session();
    EXPECT_TRUE(session.ok());
    if (!session.ok()) return {};
    EXPECT_FALSE((*session)->generate_text(kPrompt, config_, callback));
    return (*session)->generated_tokens();
  }

  static constexpr const char* kPrompt = "Once upon a time";
  std::shared_ptr<et_llm::Engine> engine_;
  et_llm::GenerationConfig config_;
};

TEST_F(ThreadsTest, StopFromAnotherThreadEndsTheTurn) {
  auto session = engine_->create_session();
  ASSERT_TRUE(session.ok());
  std::mutex mutex;
  std::condition_variable changed;
  bool first_piece = false;
  bool stop_called = false;
  std::thread stopper([&] {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return first_piece; });
    (*session)->stop();
    stop_called = true;
    changed.notify_all();
  });
  // The callback holds the generation until the other thread has stopped it.
  ASSERT_FALSE((*session)->generate_text(kPrompt, config_, [&](const std::string&) {
    std::unique_lock<std::mutex> lock(mutex);
    first_piece = true;
    changed.notify_all();
    changed.wait(lock, [&] { return stop_called; });
  }));
  stopper.join();
  EXPECT_EQ((*session)->finish_reason(), et_llm::FinishReason::Stopped);
  EXPECT_LT((*session)->generated_tokens().size(), static_cast<size_t>(kMaxNewTokens));
}

TEST_F(ThreadsTest, SessionsComeAndGoWhileOthersGenerate) {
  const std::vector<TokenId> reference = generate();
  ASSERT_EQ(reference.size(), static_cast<size_t>(kMaxNewTokens));
  std::atomic<int> running{2};
  std::vector<std::vector<TokenId>> got(2);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      got[i] = generate();
      --running;
    });
  }
  while (running > 0) {  // meanwhile: sessions created, used and destroyed on this thread
    auto session = engine_->create_session();
    if (!session.ok()) {
      ADD_FAILURE() << session.error().to_string();
      break;  // the threads still join below
    }
    EXPECT_FALSE((*session)->prefill_tokens({1, 2, 3}));
    (void)engine_->serving_capacity();
  }
  for (auto& thread : threads) thread.join();
  for (const auto& tokens : got) EXPECT_EQ(tokens, reference);
}

TEST_F(ThreadsTest, ThreadCountChangesDuringAForwardAreRefusedOrSafe) {
  const std::vector<TokenId> reference = generate();
  std::atomic<bool> done{false};
  std::thread resizer([&] {
    for (size_t n = 1; !done; n = n % 2 + 1) {
      const et_llm::Error error = et_llm::set_num_threads(n);
      EXPECT_TRUE(error.ok() || error.code() == et_llm::ErrorCode::InvalidState)
          << error.to_string();
    }
  });
  const std::vector<TokenId> got = generate();
  done = true;
  resizer.join();
  EXPECT_EQ(got, reference);
}

}  // namespace
