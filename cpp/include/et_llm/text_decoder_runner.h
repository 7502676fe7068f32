// Runs the model's forward for a span of tokens and hands back the logits of
// the last position. Runs one session's instances of the methods (one
// `forward`, or a `prefill` + `decode` pair), lets the IIOManager build the
// inputs and consume the outputs, and reads logits [1,V] or [1,T,V] in
// fp32/fp16/bf16 in place.
#pragma once

#include <executorch/extension/module/module.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/io_manager.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/logits.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

namespace detail {
class MethodSet;
}  // namespace detail

class TextDecoderRunner {
 public:
  // `module` describes the program (signatures, for the IIOManager);
  // `methods` are the session's own instances that run.
  TextDecoderRunner(executorch::extension::Module* module, detail::MethodSet* methods,
                    std::shared_ptr<IIOManager> io_manager, const LlmMetadata& metadata,
                    std::string prefill_method = "forward", std::string decode_method = "forward");
  virtual ~TextDecoderRunner() = default;

  // Loads the compute method(s) and the IIOManager.
  virtual Error load();
  bool is_loaded() const { return loaded_; }

  // Runs tokens[0..n) at positions start_pos..start_pos+n-1 and returns the
  // last position's logits (valid until the next step). n must not exceed
  // max_tokens_per_step().
  virtual Result<Logits> step(const TokenId* tokens, size_t n, int64_t start_pos);

  // The logits of each position of the last step: [1, T, V] programs give one
  // row per token, [1, V] ones the last position only (positions() == 1).
  // Valid until the next step.
  size_t positions() const { return positions_; }
  // Whether a step of several tokens gave one row per token; unknown until
  // one ran.
  std::optional<bool> returns_every_position() const { return every_position_; }
  Logits logits_at(size_t position) const;

  // The model's argmax of `logits`, upstream's logits_to_token.
  static TokenId logits_to_token(const Logits& logits);

  Error reset() { return io_manager_->reset(); }
  Error rewind(int64_t position) { return io_manager_->rewind(position); }

  size_t max_tokens_per_step() const { return io_manager_->max_tokens_per_call(); }
  int64_t max_context_len() const { return io_manager_->max_context_len(); }
  IIOManager& io_manager() { return *io_manager_; }
  const std::string& prefill_method() const { return prefill_method_; }
  const std::string& decode_method() const { return decode_method_; }
  // Microseconds spent inside the last forward call.
  int64_t last_forward_us() const { return last_forward_us_; }

 protected:
  // One forward of `method` on `input` through the IIOManager; the last
  // position's logits.
  Result<Logits> forward(const std::string& method, const ForwardInput& input, bool is_decode);

  executorch::extension::Module* module_;
  detail::MethodSet* methods_;
  std::shared_ptr<IIOManager> io_manager_;
  LlmMetadata metadata_;
  bool loaded_ = false;
  std::string prefill_method_;
  std::string decode_method_;
  int64_t last_forward_us_ = 0;
  // The last step's logits rows (see logits_at).
  Logits first_row_;
  size_t positions_ = 0;
  std::optional<bool> every_position_;

 private:
  std::vector<int64_t> token_buffer_;  // int64 copy of the tokens of one call
};

}  // namespace et_llm
