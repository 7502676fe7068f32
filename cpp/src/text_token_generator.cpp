#include "et_llm/text_token_generator.h"

#include <algorithm>

namespace et_llm {

TextTokenGenerator::TextTokenGenerator(TextDecoderRunner* decoder, const Tokenizer* tokenizer,
                                       std::unordered_set<TokenId> eos_ids)
    : decoder_(decoder), tokenizer_(tokenizer), eos_ids_(std::move(eos_ids)) {}

Result<TokenGenerationResult> TextTokenGenerator::generate(
    const Logits& first_logits, TokenId prev_token, int64_t start_pos, int32_t max_new_tokens,
    Sampler& sampler, bool ignore_eos, const std::vector<int64_t>& stop_token_ids,
    const TokenCallback& token_callback,
    const std::atomic<bool>* stop, Stats* stats) {
  TokenGenerationResult result;
  result.tokens.reserve(static_cast<size_t>(max_new_tokens));
  Utf8StreamDecoder text;
  Logits logits = first_logits;
  int64_t pos = start_pos;
  const int64_t loop_begin = time_in_us();
  int64_t forward_us = 0;

  for (int32_t i = 0; i < max_new_tokens; ++i) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      result.stopped = true;
      break;
    }
    if (i > 0) {
      // Feed the previous token to get the logits for this one.
      ET_LLM_ASSIGN_OR_RETURN(logits, decoder_->step(&prev_token, 1, pos));
      forward_us += decoder_->last_forward_us();
      ++pos;
    }
    if (stats != nullptr) {
      stats->on_sampling_begin();
    }
    const TokenId token = sampler.sample(logits);
    if (stats != nullptr) {
      stats->on_sampling_end();
      if (i == 0) {
        stats->first_token_ms = time_in_ms();
      }
    }
    result.tokens.push_back(token);
    const bool is_eos = eos_ids_.count(token) > 0;
    const bool is_stop = std::find(stop_token_ids.begin(), stop_token_ids.end(),
                                   static_cast<int64_t>(token)) != stop_token_ids.end();
    if ((is_eos && !ignore_eos) || is_stop) {
      result.hit_eos = true;
      break;
    }
    if (token_callback) {
      ET_LLM_ASSIGN_OR_RETURN(std::string bytes, tokenizer_->decode_token(prev_token, token));
      std::string piece = text.push(bytes);
      if (!piece.empty()) {
        token_callback(piece);
      }
    }
    prev_token = token;
  }
  if (token_callback) {
    std::string rest = text.flush();
    if (!rest.empty()) {
      token_callback(rest);
    }
  }
  if (stats != nullptr) {
    stats->decode_time_us += time_in_us() - loop_begin;
    stats->decode_forward_time_us += forward_us;
    stats->aggregate_model_execution_time_us += forward_us;
    stats->num_generated_tokens += static_cast<int64_t>(result.tokens.size());
  }
  return result;
}

}  // namespace et_llm
