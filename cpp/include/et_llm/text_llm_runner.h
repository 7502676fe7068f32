// TextLLMRunner: upstream's runner API over an Engine and one Session — a
// text-only .pte plus its tokenizer, with multi-turn state (the KV cache
// continues across generate() calls until reset()).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "et_llm/engine.h"
#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/runner.h"
#include "et_llm/session.h"
#include "et_llm/stats.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class TextLLMRunner : public IRunner {
 public:
  // Without `io_manager`, load() picks a StaticKVCacheIOManager for programs
  // that take their KV cache as inputs and a DefaultIOManager otherwise.
  explicit TextLLMRunner(std::shared_ptr<Engine> engine,
                         std::shared_ptr<IIOManager> io_manager = nullptr);

  bool is_loaded() const override { return session_ != nullptr; }
  Error load() override;

  Error generate(const std::string& prompt, const GenerationConfig& config,
                 TokenCallback token_callback = {}, StatsCallback stats_callback = {}) override;
  // Same, from token ids (no BOS/EOS added).
  Error generate_from_tokens(const std::vector<TokenId>& prompt_tokens,
                             const GenerationConfig& config, TokenCallback token_callback = {},
                             StatsCallback stats_callback = {});
  Error prefill(const std::string& prompt, const GenerationConfig& config) override;
  Error prefill_tokens(const std::vector<TokenId>& tokens);

  // Runs a short generation so later timings exclude one-time costs, then resets.
  Error warmup(const std::string& prompt = "Hello", int32_t max_new_tokens = 8);

  void stop() override;
  Error reset() override;
  // Drops the conversation from `position` on (<= position()); the next
  // generate() continues from there.
  Error rewind(int64_t position);

  // Token ids of the last generate(): the continuation only, EOS included if hit.
  const std::vector<TokenId>& generated_tokens() const { return session_->generated_tokens(); }
  // Positions of the context taken by the conversation so far.
  int64_t position() const { return session_ ? session_->position() : 0; }
  const LlmMetadata& metadata() const { return engine_->llm_metadata(); }
  const Tokenizer& tokenizer() const { return engine_->tokenizer(); }
  std::shared_ptr<Tokenizer> tokenizer_ptr() const { return engine_->tokenizer_ptr(); }
  // Text of the last generate(): what the token callback received after the echo.
  const std::string& generated_text() const { return session_->generated_text(); }
  // Whether the last generate() ended on an EOS id (the last generated token).
  bool last_generation_hit_eos() const { return session_->last_generation_hit_eos(); }
  const Stats& stats() const { return session_->stats(); }
  IIOManager& io_manager() { return session_->io_manager(); }
  // Vocabulary size: the model's when it says, else the tokenizer's.
  int64_t vocab_size() const { return engine_->vocab_size(); }

  Engine& engine() { return *engine_; }
  std::shared_ptr<Engine> engine_ptr() const { return engine_; }
  Session& session() { return *session_; }

 private:
  std::shared_ptr<Engine> engine_;
  std::shared_ptr<IIOManager> io_manager_;
  std::unique_ptr<Session> session_;
};

}  // namespace et_llm
