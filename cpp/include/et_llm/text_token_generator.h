// The decode loop: sample a token, stream its text, feed it back, until
// max_new_tokens, an EOS id or a stop request.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/generation_config.h"
#include "et_llm/sampler.h"
#include "et_llm/stats.h"
#include "et_llm/text_decoder_runner.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

using TokenCallback = std::function<void(const std::string&)>;
using StatsCallback = std::function<void(const Stats&)>;

struct TokenGenerationResult {
  std::vector<TokenId> tokens;  // every sampled token; the last one is not in the cache yet
  std::string text;             // everything passed to the callback, in order
  bool hit_eos = false;         // ended on an EOS id or a stop token id
  bool hit_stop_string = false;
  bool stopped = false;
};

// The ids that end generation: the model's (metadata) and the tokenizer's
// together; upstream lets the model's replace the tokenizer's.
std::unordered_set<TokenId> merged_eos_ids(const std::vector<int64_t>& model_eos_ids,
                                           const Tokenizer& tokenizer);

class TextTokenGenerator {
 public:
  TextTokenGenerator(TextDecoderRunner* decoder, const Tokenizer* tokenizer,
                     std::unordered_set<TokenId> eos_ids);

  // Samples the first token from `first_logits` (the prompt's last position,
  // `prev_token` being the prompt's last token), then decodes from `start_pos`.
  // `token_callback` receives whole UTF-8 characters only; the EOS (or stop
  // token) that ends generation is not passed to it.
  // `context` (the prompt) is what the sampler's penalties see before the
  // generated tokens. Generation also ends on config.stop_token_ids and on the
  // config.stop strings (never passed on, not even in part).
  Result<TokenGenerationResult> generate(const Logits& first_logits,
                                         const std::vector<TokenId>& context, TokenId prev_token,
                                         int64_t start_pos, int32_t max_new_tokens,
                                         Sampler& sampler, const GenerationConfig& config,
                                         const TokenCallback& token_callback,
                                         const std::atomic<bool>* stop, Stats* stats);

  const std::unordered_set<TokenId>& eos_ids() const { return eos_ids_; }

 private:
  TextDecoderRunner* decoder_;
  const Tokenizer* tokenizer_;
  std::unordered_set<TokenId> eos_ids_;
};

}  // namespace et_llm
