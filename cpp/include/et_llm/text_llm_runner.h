// TextLLMRunner: a text-only LLM .pte plus its tokenizer, with multi-turn
// state (the KV cache continues across generate() calls until reset()).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <executorch/extension/module/module.h>

#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/runner.h"
#include "et_llm/stats.h"
#include "et_llm/text_decoder_runner.h"
#include "et_llm/text_prefiller.h"
#include "et_llm/text_token_generator.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class TextLLMRunner : public IRunner {
 public:
  // Without `io_manager`, load() picks a StaticKVCacheIOManager for programs
  // that take their KV cache as inputs and a DefaultIOManager otherwise.
  TextLLMRunner(std::unique_ptr<executorch::extension::Module> module,
                std::shared_ptr<Tokenizer> tokenizer,
                std::shared_ptr<IIOManager> io_manager = nullptr);

  bool is_loaded() const override { return loaded_; }
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

  void stop() override { stop_requested_.store(true, std::memory_order_relaxed); }
  Error reset() override;
  // Drops the conversation from `position` on (<= position()); the next
  // generate() continues from there.
  Error rewind(int64_t position);

  // Token ids of the last generate(): the continuation only, EOS included if hit.
  const std::vector<TokenId>& generated_tokens() const { return generated_; }
  // Positions of the context taken by the conversation so far.
  int64_t position() const { return position_; }
  const LlmMetadata& metadata() const { return metadata_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  std::shared_ptr<Tokenizer> tokenizer_ptr() const { return tokenizer_; }
  // Text of the last generate(): what the token callback received after the echo.
  const std::string& generated_text() const { return generated_text_; }
  // Whether the last generate() ended on an EOS id (the last generated token).
  bool last_generation_hit_eos() const { return hit_eos_; }
  const Stats& stats() const { return stats_; }
  IIOManager& io_manager() { return *io_manager_; }
  // Vocabulary size: the model's when it says, else the tokenizer's.
  int64_t vocab_size() const;

 private:
  Error run_generation(std::vector<TokenId> prompt_tokens, const std::string& echo_text,
                       const GenerationConfig& config, const TokenCallback& token_callback,
                       const StatsCallback& stats_callback);
  Result<std::vector<TokenId>> encode_prompt(const std::string& prompt,
                                             const GenerationConfig& config) const;
  // Prefills pending + tokens; leaves the last logits in last_logits_.
  Error feed(std::vector<TokenId> tokens, bool* stopped);

  std::unique_ptr<executorch::extension::Module> module_;
  std::shared_ptr<Tokenizer> tokenizer_;
  std::shared_ptr<IIOManager> io_manager_;
  LlmMetadata metadata_;
  std::unique_ptr<TextDecoderRunner> decoder_;
  std::unique_ptr<TextPrefiller> prefiller_;
  std::unique_ptr<TextTokenGenerator> generator_;
  Stats stats_;
  bool loaded_ = false;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> busy_{false};

  int64_t position_ = 0;                   // tokens in the KV cache
  std::optional<TokenId> pending_token_;   // sampled last, not yet fed
  std::optional<TokenId> last_fed_token_;  // for decode_token's context
  std::vector<float> last_logits_;         // after prefill(): logits of its last token
  std::vector<TokenId> generated_;
  std::string generated_text_;
  bool hit_eos_ = false;
};

}  // namespace et_llm
