// MultimodalRunner: a vision/audio-language .pte (token_embedding,
// text_decoder, vision_encoder, audio_encoder, audio_preprocessor) plus its
// tokenizer. Inputs of any kind, in any order; the conversation continues in
// the KV cache across generate() calls until reset(), as in TextLLMRunner.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <executorch/extension/module/module.h>

#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/multimodal_decoder_runner.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/multimodal_prefiller.h"
#include "et_llm/runner.h"
#include "et_llm/stats.h"
#include "et_llm/text_token_generator.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class MultimodalRunner : public IRunner {
 public:
  // Without `io_manager`, load() uses a DefaultIOManager on text_decoder.
  MultimodalRunner(std::unique_ptr<executorch::extension::Module> module,
                   std::shared_ptr<Tokenizer> tokenizer,
                   std::shared_ptr<IIOManager> io_manager = nullptr);

  bool is_loaded() const override { return loaded_; }
  Error load() override;

  // Feeds `inputs` in order (after config.num_bos BOS ids), then generates.
  // On an error nothing of this call stays in the conversation.
  Error generate(const std::vector<MultimodalInput>& inputs, const GenerationConfig& config,
                 TokenCallback token_callback = {}, StatsCallback stats_callback = {});
  Error generate(const std::string& prompt, const GenerationConfig& config,
                 TokenCallback token_callback = {}, StatsCallback stats_callback = {}) override;
  // Puts `inputs` into the KV cache without generating; a later generate()
  // (even with no inputs) continues from there.
  Error prefill(const std::vector<MultimodalInput>& inputs,
                const GenerationConfig& config = GenerationConfig());
  Error prefill(const std::string& prompt, const GenerationConfig& config) override;

  // Waveforms go to `method` of this program (e.g. a preprocessor .pte)
  // instead of an audio_preprocessor method of the main program.
  Error set_audio_preprocessor(std::unique_ptr<executorch::extension::Module> module,
                               const std::string& method = "forward");

  void stop() override { stop_requested_.store(true, std::memory_order_relaxed); }
  Error reset() override;

  const std::vector<TokenId>& generated_tokens() const { return generated_; }
  const std::string& generated_text() const { return generated_text_; }
  bool last_generation_hit_eos() const { return hit_eos_; }
  int64_t position() const { return position_; }
  const LlmMetadata& metadata() const { return metadata_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  std::shared_ptr<Tokenizer> tokenizer_ptr() const { return tokenizer_; }
  const Stats& stats() const { return stats_; }
  IIOManager& io_manager() { return *io_manager_; }
  int64_t vocab_size() const;
  bool has_vision() const;
  bool has_audio() const;
  bool accepts_raw_audio() const;

 private:
  // Validates inputs that can be checked without running anything.
  Error check_inputs(const std::vector<MultimodalInput>& inputs) const;
  // Feeds pending token, BOS ids and inputs; on failure rewinds to where it began.
  Error feed(const std::vector<MultimodalInput>& inputs, const GenerationConfig& config,
             std::vector<TokenId>* prompt_tokens, bool* stopped);
  // Feeds one input; appends its token ids (if any) to `prompt_tokens`.
  Error feed_one(const MultimodalInput& input, std::vector<TokenId>* prompt_tokens,
                 bool* stopped);

  std::unique_ptr<executorch::extension::Module> module_;
  std::shared_ptr<Tokenizer> tokenizer_;
  std::shared_ptr<IIOManager> io_manager_;
  std::unique_ptr<executorch::extension::Module> preprocessor_module_;
  LlmMetadata metadata_;
  std::unique_ptr<MultimodalDecoderRunner> decoder_;
  std::unique_ptr<MultimodalPrefiller> prefiller_;
  std::unique_ptr<TextTokenGenerator> generator_;
  Stats stats_;
  bool loaded_ = false;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> busy_{false};

  int64_t position_ = 0;
  std::optional<TokenId> pending_token_;   // sampled last, not yet fed
  std::optional<TokenId> last_fed_token_;  // previous token for decode_token; none after media
  std::vector<float> last_logits_;
  std::vector<TokenId> generated_;
  std::string generated_text_;
  bool hit_eos_ = false;
};

}  // namespace et_llm
