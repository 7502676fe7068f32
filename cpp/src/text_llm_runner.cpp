#include "et_llm/text_llm_runner.h"

#include <unordered_set>

#include "busy_guard.h"
#include "et_llm/default_io_manager.h"
#include "et_llm/sampler.h"
#include "et_llm/static_kv_cache_io_manager.h"
#include "executorch_error.h"
#include "huge_pages.h"

namespace et_llm {

using detail::busy_error;
using detail::BusyGuard;

TextLLMRunner::TextLLMRunner(std::unique_ptr<executorch::extension::Module> module,
                             std::shared_ptr<Tokenizer> tokenizer,
                             std::shared_ptr<IIOManager> io_manager)
    : module_(std::move(module)),
      tokenizer_(std::move(tokenizer)),
      io_manager_(std::move(io_manager)) {}

Error TextLLMRunner::load() {
  if (loaded_) {
    return Error();
  }
  ET_LLM_CHECK(module_ != nullptr, InvalidArgument, "TextLLMRunner needs a module");
  ET_LLM_CHECK(tokenizer_ != nullptr, InvalidArgument, "TextLLMRunner needs a tokenizer");
  stats_.model_load_start_ms = time_in_ms();
  const auto memory_before_load = huge_pages::anonymous_regions();
  auto err = module_->load();
  if (err != executorch::runtime::Error::Ok) {
    return detail::from_executorch(err, ErrorCode::InvalidProgram, "cannot load the program");
  }
  ET_LLM_ASSIGN_OR_RETURN(metadata_, read_llm_metadata(*module_));
  if (!io_manager_) {
    // The program's signature says where its KV cache lives.
    io_manager_ = StaticKVCacheIOManager::matches(*module_, "forward")
                      ? std::shared_ptr<IIOManager>(std::make_shared<StaticKVCacheIOManager>())
                      : std::make_shared<DefaultIOManager>();
  }
  decoder_ = std::make_unique<TextDecoderRunner>(module_.get(), io_manager_, metadata_);
  ET_LLM_CHECK_OK(decoder_->load());
  huge_pages::promote_new_memory(memory_before_load);
  prefiller_ = std::make_unique<TextPrefiller>(decoder_.get());

  generator_ = std::make_unique<TextTokenGenerator>(
      decoder_.get(), tokenizer_.get(), merged_eos_ids(metadata_.eos_ids, *tokenizer_));
  stats_.model_load_end_ms = time_in_ms();
  loaded_ = true;
  return Error();
}

int64_t TextLLMRunner::vocab_size() const {
  if (metadata_.vocab_size) {
    return *metadata_.vocab_size;
  }
  return tokenizer_ ? static_cast<int64_t>(tokenizer_->vocab_size()) : -1;
}

Error TextLLMRunner::reset() {
  position_ = 0;
  pending_token_.reset();
  last_fed_token_.reset();
  last_logits_.clear();
  generated_.clear();
  stats_.reset();
  return decoder_ ? decoder_->reset() : Error();
}

Error TextLLMRunner::rewind(int64_t position) {
  ET_LLM_CHECK(position >= 0 && position <= position_, InvalidArgument,
               "rewind position " + std::to_string(position) + " is outside 0.." +
                   std::to_string(position_));
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  position_ = position;
  // What was sampled or prefilled after `position` is forgotten too.
  pending_token_.reset();
  last_fed_token_.reset();
  last_logits_.clear();
  return decoder_ ? decoder_->rewind(position) : Error();
}

Result<std::vector<TokenId>> TextLLMRunner::encode_prompt(const std::string& prompt,
                                                          const GenerationConfig& config) const {
  if (prompt.empty() && config.num_bos == 0 && config.num_eos == 0) {
    return std::vector<TokenId>{};
  }
  return tokenizer_->encode(prompt, static_cast<size_t>(config.num_bos),
                            static_cast<size_t>(config.num_eos));
}

Error TextLLMRunner::feed(std::vector<TokenId> tokens, bool* stopped) {
  *stopped = false;
  if (pending_token_) {
    tokens.insert(tokens.begin(), *pending_token_);
  }
  if (tokens.empty()) {
    return Error();
  }
  const int64_t context = decoder_->max_context_len();
  const int64_t needed = position_ + static_cast<int64_t>(tokens.size());
  ET_LLM_CHECK(needed <= context, ContextOverflow,
               "the prompt needs " + std::to_string(tokens.size()) + " positions but only " +
                   std::to_string(std::max<int64_t>(context - position_, 0)) + " of the " +
                   std::to_string(context) + "-token context are left (" +
                   std::to_string(position_) + " used); call reset() or shorten the prompt");

  auto result = prefiller_->prefill(tokens, position_, &stop_requested_);
  if (!result.ok()) {
    // Chunks fed before the failure are dropped so the cache matches position_.
    (void)decoder_->rewind(position_);
    return result.error();
  }
  pending_token_.reset();
  position_ += static_cast<int64_t>(result->num_consumed);
  stats_.aggregate_model_execution_time_us += result->forward_us;
  if (result->num_consumed > 0) {
    last_fed_token_ = tokens[result->num_consumed - 1];
    result->logits.copy_to(last_logits_);
  }
  *stopped = result->stopped;
  return Error();
}

Error TextLLMRunner::prefill_tokens(const std::vector<TokenId>& tokens) {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  ET_LLM_CHECK_OK(load());
  stop_requested_.store(false);
  bool stopped = false;
  return feed(tokens, &stopped);
}

Error TextLLMRunner::prefill(const std::string& prompt, const GenerationConfig& config) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  ET_LLM_ASSIGN_OR_RETURN(auto tokens, encode_prompt(prompt, config));
  ET_LLM_CHECK(!tokens.empty(), InvalidArgument, "prefill() needs a non-empty prompt");
  return prefill_tokens(tokens);
}

Error TextLLMRunner::generate(const std::string& prompt, const GenerationConfig& config,
                              TokenCallback token_callback, StatsCallback stats_callback) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  const int64_t start_ms = time_in_ms();
  ET_LLM_ASSIGN_OR_RETURN(auto tokens, encode_prompt(prompt, config));
  stats_.reset();
  stats_.inference_start_ms = start_ms;
  return run_generation(std::move(tokens), prompt, config, token_callback, stats_callback);
}

Error TextLLMRunner::generate_from_tokens(const std::vector<TokenId>& prompt_tokens,
                                          const GenerationConfig& config,
                                          TokenCallback token_callback,
                                          StatsCallback stats_callback) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  const size_t vocab = static_cast<size_t>(vocab_size());
  for (TokenId id : prompt_tokens) {
    ET_LLM_CHECK(id < vocab, InvalidArgument,
                 "token id " + std::to_string(id) + " is outside the vocabulary (" +
                     std::to_string(vocab) + ")");
  }
  std::string echo_text;
  if (config.echo && token_callback && !prompt_tokens.empty()) {
    ET_LLM_ASSIGN_OR_RETURN(echo_text, tokenizer_->decode(prompt_tokens));
  }
  stats_.reset();
  stats_.inference_start_ms = time_in_ms();
  return run_generation(prompt_tokens, echo_text, config, token_callback, stats_callback);
}

Error TextLLMRunner::run_generation(std::vector<TokenId> prompt_tokens,
                                    const std::string& echo_text, const GenerationConfig& config,
                                    const TokenCallback& token_callback,
                                    const StatsCallback& stats_callback) {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  stop_requested_.store(false);
  generated_.clear();
  generated_text_.clear();
  hit_eos_ = false;
  const TokenCallback callback = config.warming ? TokenCallback() : token_callback;
  stats_.token_encode_end_ms = time_in_ms();
  stats_.num_prompt_tokens = static_cast<int64_t>(prompt_tokens.size());

  const bool have_new_input = !prompt_tokens.empty() || pending_token_.has_value();
  ET_LLM_CHECK(have_new_input || !last_logits_.empty(), InvalidArgument,
               "the prompt is empty and nothing was prefilled to continue from");
  if (config.echo && callback && !echo_text.empty()) {
    callback(echo_text);
  }

  const SamplingParams sampling = SamplingParams::from(config);
  // The penalties see this turn's prompt before the generated tokens.
  const std::vector<TokenId> penalty_context =
      sampling.has_penalties() ? prompt_tokens : std::vector<TokenId>();
  const int64_t prefill_begin = time_in_us();
  stats_.model_execution_start_ms = time_in_ms();
  if (have_new_input) {
    bool stopped = false;
    Error err = feed(std::move(prompt_tokens), &stopped);
    if (!err.ok() || stopped) {
      stats_.inference_end_ms = time_in_ms();
      return err;
    }
  }
  stats_.prefill_time_us = time_in_us() - prefill_begin;
  stats_.prompt_eval_end_ms = time_in_ms();

  const int64_t context = decoder_->max_context_len();
  // The first new token takes no position until it is fed, hence the +1.
  const int32_t max_new_tokens = config.resolve_max_new_tokens(context + 1, position_);
  Sampler sampler(sampling);
  const Logits first{last_logits_.data(), ScalarType::Float, last_logits_.size()};
  auto result = generator_->generate(first, penalty_context, last_fed_token_.value_or(0),
                                     position_, max_new_tokens, sampler, config, callback,
                                     &stop_requested_, &stats_);
  last_logits_.clear();
  if (!result.ok()) {
    // The cache holds an unknown number of the new tokens: start over cleanly.
    (void)reset();
    return result.error();
  }
  generated_ = std::move(result->tokens);
  generated_text_ = std::move(result->text);
  hit_eos_ = result->hit_eos;
  if (!generated_.empty()) {
    // All but the last sampled token were fed at position_, position_+1, ...
    position_ += static_cast<int64_t>(generated_.size()) - 1;
    if (generated_.size() > 1) {
      last_fed_token_ = generated_[generated_.size() - 2];
    }
    pending_token_ = generated_.back();
  }
  stats_.model_execution_end_ms = time_in_ms();
  stats_.inference_end_ms = time_in_ms();
  stats_.aggregate_model_execution_time_ms = stats_.aggregate_model_execution_time_us / 1000;
  if (stats_callback && !config.warming) {
    stats_callback(stats_);
  }
  return Error();
}

Error TextLLMRunner::warmup(const std::string& prompt, int32_t max_new_tokens) {
  GenerationConfig config;
  config.warming = true;
  config.echo = false;
  config.temperature = 0.0f;
  config.max_new_tokens = max_new_tokens;
  Error err = generate(prompt, config);
  Error reset_err = reset();
  return err.ok() ? reset_err : err;
}

}  // namespace et_llm
