#include "et_llm/text_token_generator.h"

#include <algorithm>

#include "stop_string_filter.h"

namespace et_llm {

TextTokenGenerator::TextTokenGenerator(TextDecoderRunner* decoder, const Tokenizer* tokenizer,
                                       std::unordered_set<TokenId> eos_ids)
    : decoder_(decoder), tokenizer_(tokenizer), eos_ids_(std::move(eos_ids)) {}

std::unordered_set<TokenId> merged_eos_ids(const std::vector<int64_t>& model_eos_ids,
                                           const Tokenizer& tokenizer) {
  const std::vector<TokenId> tokenizer_eos = tokenizer.eos_ids();
  std::unordered_set<TokenId> eos_ids(tokenizer_eos.begin(), tokenizer_eos.end());
  for (int64_t id : model_eos_ids) {
    eos_ids.insert(static_cast<TokenId>(id));
  }
  return eos_ids;
}

Result<TokenGenerationResult> TextTokenGenerator::generate(
    const Logits& first_logits, const std::vector<TokenId>& context, TokenId prev_token,
    int64_t start_pos, int32_t max_new_tokens, Sampler& sampler, const GenerationConfig& config,
    const TokenCallback& token_callback, const std::atomic<bool>* stop, Stats* stats) {
  TokenGenerationResult result;
  result.tokens.reserve(static_cast<size_t>(max_new_tokens));
  Utf8StreamDecoder utf8;
  detail::StopStringFilter stop_strings(config.stop);
  auto emit = [&](const std::string& piece) {
    if (!piece.empty()) {
      result.text += piece;
      if (token_callback) {
        token_callback(piece);
      }
    }
  };
  // What the penalties look at: the prompt, then each generated token.
  const bool penalize = sampler.params().has_penalties();
  std::vector<TokenId> recent;
  if (penalize) {
    recent.reserve(context.size() + static_cast<size_t>(max_new_tokens));
    recent = context;
  }

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
    const TokenId token = sampler.sample(logits, recent);
    if (stats != nullptr) {
      stats->on_sampling_end();
      if (i == 0) {
        stats->first_token_ms = time_in_ms();
      }
    }
    result.tokens.push_back(token);
    if (penalize) {
      recent.push_back(token);
    }
    const bool is_eos = eos_ids_.count(token) > 0;
    const bool is_stop_id =
        std::find(config.stop_token_ids.begin(), config.stop_token_ids.end(),
                  static_cast<int64_t>(token)) != config.stop_token_ids.end();
    if ((is_eos && !config.ignore_eos) || is_stop_id) {
      result.hit_eos = true;
      break;
    }
    ET_LLM_ASSIGN_OR_RETURN(std::string bytes, tokenizer_->decode_token(prev_token, token));
    bool matched = false;
    emit(stop_strings.push(utf8.push(bytes), &matched));
    if (matched) {
      result.hit_stop_string = true;
      break;
    }
    prev_token = token;
  }
  if (!result.hit_stop_string) {
    bool matched = false;
    emit(stop_strings.push(utf8.flush(), &matched));
    result.hit_stop_string = matched;
    if (!matched) {
      emit(stop_strings.flush());
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
