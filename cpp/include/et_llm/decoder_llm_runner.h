// DecoderLLMRunner: a HF-transformers-like face on the same core. Each
// generate() is independent (it starts from an empty cache), takes ids or a
// prompt, and returns the whole sequence, the new ids and their text.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "et_llm/io_manager.h"
#include "et_llm/text_llm_runner.h"

namespace et_llm {

struct DecoderGenerateOptions {
  int32_t max_new_tokens = 20;  // HF's default
  float temperature = 1.0f;
  bool do_sample = false;  // false: greedy whatever the temperature
  // Replaces the model's EOS ids when given (HF's eos_token_id).
  std::optional<std::vector<int64_t>> eos_token_id;
  int64_t seed = -1;
  TokenCallback streamer;  // receives the new text as it is produced
};

struct DecoderGenerateOutput {
  std::vector<TokenId> sequences;   // input ids followed by the new ids
  std::vector<TokenId> new_tokens;  // the new ids (the ending EOS included)
  std::string text;                 // text of the new ids (ending EOS excluded)
};

class DecoderLLMRunner {
 public:
  static Result<std::unique_ptr<DecoderLLMRunner>> load(
      const std::string& model_path, std::shared_ptr<Tokenizer> tokenizer,
      std::shared_ptr<IIOManager> io_manager = nullptr,
      const std::optional<std::string>& data_path = std::nullopt);
  static Result<std::unique_ptr<DecoderLLMRunner>> load(
      const std::string& model_path, const std::string& tokenizer_path,
      std::shared_ptr<IIOManager> io_manager = nullptr,
      const std::optional<std::string>& data_path = std::nullopt);

  // `input` is token ids (used as they are) or a prompt (encoded without BOS/EOS).
  Result<DecoderGenerateOutput> generate(
      const std::variant<std::vector<TokenId>, std::string>& input,
      const DecoderGenerateOptions& options = {});

  void stop() { runner_->stop(); }
  TextLLMRunner& runner() { return *runner_; }
  const Tokenizer& tokenizer() const { return runner_->tokenizer(); }

 private:
  explicit DecoderLLMRunner(std::unique_ptr<TextLLMRunner> runner) : runner_(std::move(runner)) {}
  std::unique_ptr<TextLLMRunner> runner_;
};

}  // namespace et_llm
