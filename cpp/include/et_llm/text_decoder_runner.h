// Runs the model's forward for a span of tokens and hands back the logits of
// the last position. Knows the program's calling convention: start position
// [1] or cache positions [T], logits [1,V] or [1,T,V], one `forward` or a
// `prefill` + `decode` pair, or no KV cache at all (whole history each call).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <executorch/extension/module/module.h>
#include <executorch/extension/tensor/tensor.h>

#include "et_llm/error.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/logits.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

enum class PositionInput {
  None,           // single-input program without KV cache
  StartPosition,  // int64 [1]: position of the first token
  CachePosition,  // int64 [T]: one position per token
};

class TextDecoderRunner {
 public:
  TextDecoderRunner(executorch::extension::Module* module, const LlmMetadata& metadata);

  // Loads the compute method(s) and reads their signatures.
  Error load();
  bool is_loaded() const { return loaded_; }

  // Runs tokens[0..n) at positions start_pos..start_pos+n-1 and returns the
  // last position's logits (valid until the next step). n must not exceed
  // max_tokens_per_step().
  Result<Logits> step(const TokenId* tokens, size_t n, int64_t start_pos);

  // The model's argmax of `logits`, upstream's logits_to_token.
  static TokenId logits_to_token(const Logits& logits);

  // Forgets the token history of no-KV programs (the KV cache of others is
  // simply overwritten from position 0).
  void reset();

  size_t max_tokens_per_step() const { return max_tokens_per_step_; }
  bool has_kv_cache() const { return position_input_ != PositionInput::None; }
  PositionInput position_input() const { return position_input_; }
  // Microseconds spent inside the last forward call.
  int64_t last_forward_us() const { return last_forward_us_; }

 private:
  Error inspect_method(const std::string& name, size_t* max_tokens);
  Result<Logits> run(const std::string& method, const int64_t* tokens, size_t n,
                     int64_t start_pos);

  executorch::extension::Module* module_;
  LlmMetadata metadata_;
  bool loaded_ = false;
  std::string prefill_method_ = "forward";
  std::string decode_method_ = "forward";
  PositionInput position_input_ = PositionInput::StartPosition;
  size_t max_tokens_per_step_ = 1;
  int64_t last_forward_us_ = 0;

  std::vector<int64_t> token_buffer_;     // int64 copy of the tokens of one call
  std::vector<int64_t> position_buffer_;  // start position or cache positions
  std::vector<int64_t> history_;          // no-KV programs: every token so far
};

}  // namespace et_llm
