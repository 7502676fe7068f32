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
#include "et_llm/sampler.h"
#include "et_llm/stats.h"
#include "et_llm/text_decoder_runner.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

using TokenCallback = std::function<void(const std::string&)>;
using StatsCallback = std::function<void(const Stats&)>;

struct TokenGenerationResult {
  std::vector<TokenId> tokens;  // every sampled token; the last one is not in the cache yet
  bool hit_eos = false;
  bool stopped = false;
};

class TextTokenGenerator {
 public:
  TextTokenGenerator(TextDecoderRunner* decoder, const Tokenizer* tokenizer,
                     std::unordered_set<TokenId> eos_ids);

  // Samples the first token from `first_logits` (the prompt's last position,
  // `prev_token` being the prompt's last token), then decodes from `start_pos`.
  // `token_callback` receives whole UTF-8 characters only; the EOS (or stop
  // token) that ends generation is not passed to it.
  Result<TokenGenerationResult> generate(const Logits& first_logits, TokenId prev_token,
                                         int64_t start_pos, int32_t max_new_tokens,
                                         Sampler& sampler, bool ignore_eos,
                                         const std::vector<int64_t>& stop_token_ids,
                                         const TokenCallback& token_callback,
                                         const std::atomic<bool>* stop, Stats* stats);

  const std::unordered_set<TokenId>& eos_ids() const { return eos_ids_; }

 private:
  TextDecoderRunner* decoder_;
  const Tokenizer* tokenizer_;
  std::unordered_set<TokenId> eos_ids_;
};

}  // namespace et_llm
