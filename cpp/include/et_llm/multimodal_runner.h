// MultimodalRunner: upstream's runner API over an Engine and one Session — a
// vision/audio-language .pte (token_embedding,
// text_decoder, vision_encoder, audio_encoder, audio_preprocessor) plus its
// tokenizer. Inputs of any kind, in any order; the conversation continues in
// the KV cache across generate() calls until reset(), as in TextLLMRunner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "et_llm/engine.h"
#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/runner.h"
#include "et_llm/session.h"
#include "et_llm/stats.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

class MultimodalRunner : public IRunner {
 public:
  // Without `io_manager`, load() uses a DefaultIOManager on text_decoder.
  explicit MultimodalRunner(std::shared_ptr<Engine> engine,
                            std::shared_ptr<IIOManager> io_manager = nullptr);

  bool is_loaded() const override { return session_ != nullptr; }
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

  void stop() override;
  Error reset() override;

  const std::vector<TokenId>& generated_tokens() const { return session_->generated_tokens(); }
  const std::string& generated_text() const { return session_->generated_text(); }
  bool last_generation_hit_eos() const { return session_->last_generation_hit_eos(); }
  int64_t position() const { return session_ ? session_->position() : 0; }
  const LlmMetadata& metadata() const { return engine_->llm_metadata(); }
  const Tokenizer& tokenizer() const { return engine_->tokenizer(); }
  std::shared_ptr<Tokenizer> tokenizer_ptr() const { return engine_->tokenizer_ptr(); }
  const Stats& stats() const { return session_->stats(); }
  IIOManager& io_manager() { return session_->io_manager(); }
  int64_t vocab_size() const { return engine_->vocab_size(); }
  bool has_vision() const;
  bool has_audio() const;
  bool accepts_raw_audio() const;

  Engine& engine() { return *engine_; }
  std::shared_ptr<Engine> engine_ptr() const { return engine_; }
  Session& session() { return *session_; }

 private:
  std::shared_ptr<Engine> engine_;
  std::shared_ptr<IIOManager> io_manager_;
  std::unique_ptr<Session> session_;
};

}  // namespace et_llm
