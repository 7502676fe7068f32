// GenerationConfig::grammar from C++ with a GrammarBackend of the test's own:
// a "grammar" that allows exactly one token sequence and forces its second
// half. The random-weight fixture must then produce that sequence whatever its
// logits say, the forced part fed without sampling, and end when it is done.
#include <et_llm/et_llm.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "grammar/grammar_mask.h"

namespace {

using et_llm::Error;
using et_llm::ErrorCode;
using et_llm::TokenId;

std::string fixture_dir() {
  const char* dir = std::getenv("ET_LLM_FIXTURES_DIR");
  return dir != nullptr ? dir : "";
}

// Allows target[i] at step i; from `forced_from` on it forces the rest.
class SequenceMatcher : public et_llm::GrammarMatcher {
 public:
  SequenceMatcher(std::vector<TokenId> target, size_t forced_from, int* masks)
      : target_(std::move(target)), forced_from_(forced_from), masks_(masks) {}

  Error fill_mask(uint32_t* words, size_t num_words) override {
    ++*masks_;
    const TokenId next = target_.at(done_);
    EXPECT_LT(next / 32, num_words);
    words[next / 32] |= 1u << (next % 32);
    return Error();
  }
  Error accept(TokenId token) override {
    if (done_ >= target_.size() || token != target_[done_]) {
      return Error(ErrorCode::InvalidState, "token " + std::to_string(token) + " not allowed");
    }
    ++done_;
    return Error();
  }
  et_llm::Result<std::vector<TokenId>> forced_tokens() override {
    if (done_ < forced_from_) {
      return std::vector<TokenId>();
    }
    return std::vector<TokenId>(target_.begin() + static_cast<std::ptrdiff_t>(done_),
                                target_.end());
  }
  bool is_stopped() override { return done_ == target_.size(); }

 private:
  std::vector<TokenId> target_;
  size_t forced_from_;
  size_t done_ = 0;
  int* masks_;
};

class SequenceBackend : public et_llm::GrammarBackend {
 public:
  std::vector<TokenId> target;
  size_t forced_from = 0;
  int masks = 0;
  std::string last_type;
  et_llm::Result<std::unique_ptr<et_llm::GrammarMatcher>> compile(
      const et_llm::GrammarRequest& request) override {
    last_type = request.grammar_type;
    if (request.grammar == "bad") {
      return Error(ErrorCode::InvalidArgument, "bad grammar");
    }
    EXPECT_TRUE(request.tokenizer != nullptr);
    EXPECT_GT(request.vocab_size, 0u);
    return std::unique_ptr<et_llm::GrammarMatcher>(
        new SequenceMatcher(target, forced_from, &masks));
  }
};

class GrammarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (fixture_dir().empty()) {
      GTEST_SKIP() << "ET_LLM_FIXTURES_DIR is not set (scripts/test.sh sets it)";
    }
    auto engine = et_llm::Engine::create(fixture_dir() + "/export_llm_dynamic.pte",
                                         fixture_dir() + "/tokenizer.json");
    ASSERT_TRUE(engine.ok()) << engine.error().to_string();
    engine_ = *engine;
    backend_ = std::make_shared<SequenceBackend>();
    // Ordinary ids of the fixture's vocabulary (768), not EOS (2, 4).
    backend_->target = {300, 301, 302, 303, 304, 305, 306, 307};
    et_llm::set_grammar_backend(backend_);
  }
  void TearDown() override { et_llm::set_grammar_backend(nullptr); }

  et_llm::GenerationConfig config(const std::string& grammar = "any") const {
    et_llm::GenerationConfig c;
    c.echo = false;
    c.max_new_tokens = 30;
    c.temperature = 1.0f;
    c.seed = 7;
    c.grammar = grammar;
    c.grammar_type = "regex";
    return c;
  }

  std::shared_ptr<et_llm::Engine> engine_;
  std::shared_ptr<SequenceBackend> backend_;
};

TEST_F(GrammarTest, TheOutputIsTheGrammarsWhateverTheLogits) {
  backend_->forced_from = 3;
  auto session = engine_->create_session();
  ASSERT_TRUE(session.ok());
  auto prompt = engine_->tokenizer().encode("Hello", 1, 0);
  ASSERT_TRUE(prompt.ok());
  auto generation = (*session)->start_tokens(*prompt, config(), false);
  ASSERT_TRUE(generation.ok()) << generation.error().to_string();
  while (!(*generation)->done()) {
    ASSERT_TRUE((*generation)->next().ok());
  }
  EXPECT_EQ((*session)->generated_tokens(), backend_->target);
  EXPECT_EQ((*session)->finish_reason(), et_llm::FinishReason::Grammar);
  EXPECT_EQ(backend_->last_type, "regex");
  // Three sampled steps under a mask; the other five fed in one prefill.
  EXPECT_EQ(backend_->masks, 3);
  EXPECT_EQ((*session)->stats().num_forced_tokens, 5);
  EXPECT_GT((*session)->stats().grammar_time_us, 0);
  // The conversation holds every generated token but the last (pending).
  const auto& history = (*session)->tokens();
  ASSERT_EQ(history.size(), prompt->size() + backend_->target.size() - 1);
  EXPECT_TRUE(std::equal(backend_->target.begin(), backend_->target.end() - 1,
                         history.end() - static_cast<std::ptrdiff_t>(backend_->target.size() - 1)));
}

TEST_F(GrammarTest, ForcedTokensContinueExactlyAsSampledOnes) {
  // The same output sampled step by step and mostly forced: the next turn
  // continues identically (the forced prefill left the same KV cache).
  std::vector<std::vector<TokenId>> continuations;
  for (size_t forced_from : {size_t{8}, size_t{1}}) {
    backend_->forced_from = forced_from;
    auto session = engine_->create_session();
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->generate_text("Hello", config()).ok());
    ASSERT_EQ((*session)->generated_tokens(), backend_->target);
    et_llm::GenerationConfig greedy;
    greedy.echo = false;
    greedy.temperature = 0.0f;
    greedy.max_new_tokens = 6;
    greedy.ignore_eos = true;
    ASSERT_TRUE((*session)->generate_text(" more", greedy).ok());
    continuations.push_back((*session)->generated_tokens());
  }
  EXPECT_EQ(continuations[0], continuations[1]);
}

TEST_F(GrammarTest, ABadGrammarFailsBeforeAnyForward) {
  auto session = engine_->create_session();
  ASSERT_TRUE(session.ok());
  Error err = (*session)->generate_text("Hello", config("bad"));
  EXPECT_EQ(err.code(), ErrorCode::InvalidArgument);
  EXPECT_EQ((*session)->position(), 0);
  et_llm::GenerationConfig unknown = config();
  unknown.grammar_type = "yaml";
  EXPECT_EQ(unknown.validate().code(), ErrorCode::InvalidArgument);
  et_llm::set_grammar_backend(nullptr);
  EXPECT_EQ((*session)->generate_text("Hello", config()).code(), ErrorCode::NotSupported);
  EXPECT_TRUE((*session)->generate_text("Hello", et_llm::GenerationConfig()).ok());
}

TEST(TokenBitmask, ClearBitsBecomeMinusInfinity) {
  // 70 logits, 3 words: all allowed, none allowed, ids 64 and 69 allowed.
  std::vector<float> logits(70, 1.0f);
  const uint32_t words[] = {0xFFFFFFFFu, 0u, (1u << 0) | (1u << 5)};
  et_llm::detail::apply_token_bitmask(words, 3, logits.data(), logits.size());
  for (size_t t = 0; t < logits.size(); ++t) {
    const bool allowed = t < 32 || t == 64 || t == 69;
    EXPECT_EQ(logits[t], allowed ? 1.0f : -std::numeric_limits<float>::infinity()) << t;
  }
  // Words past the buffer (a model vocabulary wider than the tokenizer's) ban.
  std::vector<float> wide(40, 1.0f);
  et_llm::detail::apply_token_bitmask(words, 1, wide.data(), wide.size());
  EXPECT_EQ(wide[31], 1.0f);
  EXPECT_EQ(wide[32], -std::numeric_limits<float>::infinity());
}

}  // namespace
