#include "et_llm/multimodal_runner.h"

#include <algorithm>
#include <unordered_set>

#include "busy_guard.h"
#include "et_llm/default_io_manager.h"
#include "et_llm/sampler.h"
#include "executorch_error.h"
#include "huge_pages.h"

namespace et_llm {

using detail::busy_error;
using detail::BusyGuard;

MultimodalRunner::MultimodalRunner(std::unique_ptr<executorch::extension::Module> module,
                                   std::shared_ptr<Tokenizer> tokenizer,
                                   std::shared_ptr<IIOManager> io_manager)
    : module_(std::move(module)),
      tokenizer_(std::move(tokenizer)),
      io_manager_(std::move(io_manager)) {}

Error MultimodalRunner::load() {
  if (loaded_) {
    return Error();
  }
  ET_LLM_CHECK(module_ != nullptr, InvalidArgument, "MultimodalRunner needs a module");
  ET_LLM_CHECK(tokenizer_ != nullptr, InvalidArgument, "MultimodalRunner needs a tokenizer");
  stats_.model_load_start_ms = time_in_ms();
  const auto memory_before_load = huge_pages::anonymous_regions();
  auto err = module_->load();
  if (err != executorch::runtime::Error::Ok) {
    return detail::from_executorch(err, ErrorCode::InvalidProgram, "cannot load the program");
  }
  ET_LLM_ASSIGN_OR_RETURN(metadata_, read_llm_metadata(*module_));
  if (!io_manager_) {
    io_manager_ = std::make_shared<DefaultIOManager>();
  }
  decoder_ = std::make_unique<MultimodalDecoderRunner>(module_.get(), io_manager_, metadata_);
  ET_LLM_CHECK_OK(decoder_->load());
  prefiller_ =
      std::make_unique<MultimodalPrefiller>(module_.get(), decoder_.get(), tokenizer_.get());
  ET_LLM_CHECK_OK(prefiller_->load());
  huge_pages::promote_new_memory(memory_before_load);
  if (preprocessor_module_) {
    prefiller_->set_audio_preprocessor(preprocessor_module_.get(), "forward");
  }
  generator_ = std::make_unique<TextTokenGenerator>(
      decoder_.get(), tokenizer_.get(), merged_eos_ids(metadata_.eos_ids, *tokenizer_));
  stats_.model_load_end_ms = time_in_ms();
  loaded_ = true;
  return Error();
}

Error MultimodalRunner::set_audio_preprocessor(
    std::unique_ptr<executorch::extension::Module> module, const std::string& method) {
  ET_LLM_CHECK(module != nullptr, InvalidArgument, "the audio preprocessor module is null");
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  auto names = module->method_names();
  ET_LLM_CHECK(names.ok() && names->count(method), NotFound,
               "the audio preprocessor program has no '" + method + "' method");
  auto err = module->load_method(method);
  if (err != executorch::runtime::Error::Ok) {
    return detail::from_executorch(err, ErrorCode::InvalidProgram,
                                   "cannot load the audio preprocessor's '" + method + "'");
  }
  preprocessor_module_ = std::move(module);
  if (prefiller_) {
    prefiller_->set_audio_preprocessor(preprocessor_module_.get(), method);
  }
  return Error();
}

int64_t MultimodalRunner::vocab_size() const {
  if (metadata_.vocab_size) {
    return *metadata_.vocab_size;
  }
  return tokenizer_ ? static_cast<int64_t>(tokenizer_->vocab_size()) : -1;
}

bool MultimodalRunner::has_vision() const {
  return prefiller_ && prefiller_->has_method(kVisionEncoderMethod);
}
bool MultimodalRunner::has_audio() const {
  return prefiller_ && prefiller_->has_method(kAudioEncoderMethod);
}
bool MultimodalRunner::accepts_raw_audio() const {
  return has_audio() && prefiller_->accepts_raw_audio();
}

Error MultimodalRunner::reset() {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  position_ = 0;
  pending_token_.reset();
  last_fed_token_.reset();
  last_logits_.clear();
  generated_.clear();
  stats_.reset();
  return decoder_ ? decoder_->reset() : Error();
}

Error MultimodalRunner::check_inputs(const std::vector<MultimodalInput>& inputs) const {
  const size_t vocab = static_cast<size_t>(vocab_size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const MultimodalInput& input = inputs[i];
    Error err;
    if (const auto* tokens = input.try_get_tokens()) {
      for (TokenId id : *tokens) {
        if (id >= vocab) {
          err = Error(ErrorCode::InvalidArgument, "token id " + std::to_string(id) +
                                                      " is outside the vocabulary (" +
                                                      std::to_string(vocab) + ")");
          break;
        }
      }
    } else if (const auto* image = input.try_get_image()) {
      err = image->validate();
    } else if (const auto* audio = input.try_get_audio()) {
      err = audio->validate();
    } else if (const auto* raw = input.try_get_raw_audio()) {
      err = raw->validate();
    }
    if (!err.ok()) {
      return Error(err.code(), "input " + std::to_string(i) + " (" + input.type_name() +
                                   "): " + err.message());
    }
  }
  return Error();
}

Error MultimodalRunner::feed_one(const MultimodalInput& input,
                                 std::vector<TokenId>* prompt_tokens, bool* stopped) {
  // Text is encoded here, once, so its ids also serve decode_token() and the penalties.
  std::optional<MultimodalInput> encoded;
  if (const auto* text = input.try_get_text()) {
    ET_LLM_ASSIGN_OR_RETURN(auto ids, tokenizer_->encode(*text, 0, 0));
    encoded.emplace(std::move(ids));
  }
  const MultimodalInput& fed = encoded ? *encoded : input;
  ET_LLM_ASSIGN_OR_RETURN(PrefillResult result,
                          prefiller_->prefill(fed, position_, &stop_requested_));
  stats_.aggregate_model_execution_time_us += result.forward_us;
  position_ += static_cast<int64_t>(result.num_consumed);
  *stopped = result.stopped;
  if (result.num_consumed == 0) {
    return Error();
  }
  result.logits.copy_to(last_logits_);
  if (const auto* tokens = fed.try_get_tokens()) {
    last_fed_token_ = (*tokens)[result.num_consumed - 1];
    if (prompt_tokens != nullptr) {
      prompt_tokens->insert(prompt_tokens->end(), tokens->begin(),
                            tokens->begin() + static_cast<std::ptrdiff_t>(result.num_consumed));
    }
  } else {
    // After an image or audio there is no previous piece for decode_token() to join.
    last_fed_token_.reset();
  }
  return Error();
}

Error MultimodalRunner::feed(const std::vector<MultimodalInput>& inputs,
                             const GenerationConfig& config, std::vector<TokenId>* prompt_tokens,
                             bool* stopped) {
  *stopped = false;
  ET_LLM_CHECK_OK(check_inputs(inputs));
  const int64_t begin_position = position_;
  const std::optional<TokenId> begin_pending = pending_token_;
  const std::optional<TokenId> begin_last_fed = last_fed_token_;
  const std::vector<float> begin_logits = last_logits_;

  std::vector<TokenId> leading;
  if (pending_token_) {
    leading.push_back(*pending_token_);
  }
  if (config.num_bos > 0) {
    std::optional<TokenId> bos = tokenizer_->bos_id();
    if (metadata_.bos_id) {
      bos = static_cast<TokenId>(*metadata_.bos_id);
    }
    ET_LLM_CHECK(bos.has_value(), InvalidArgument,
                 "num_bos > 0 but neither the model nor the tokenizer names a BOS id");
    leading.insert(leading.end(), static_cast<size_t>(config.num_bos), *bos);
  }
  Error err;
  if (!leading.empty()) {
    err = feed_one(make_token_input(leading), nullptr, stopped);
    if (err.ok()) {
      pending_token_.reset();
    }
  }
  for (size_t i = 0; err.ok() && !*stopped && i < inputs.size(); ++i) {
    err = feed_one(inputs[i], prompt_tokens, stopped);
    if (!err.ok()) {
      err = Error(err.code(), "input " + std::to_string(i) + " (" + inputs[i].type_name() +
                                  "): " + err.message());
    }
  }
  if (!err.ok()) {
    // Forget every position this call took: the conversation is as before.
    position_ = begin_position;
    pending_token_ = begin_pending;
    last_fed_token_ = begin_last_fed;
    last_logits_ = begin_logits;
    (void)decoder_->rewind(position_);
  }
  return err;
}

Error MultimodalRunner::prefill(const std::vector<MultimodalInput>& inputs,
                                const GenerationConfig& config) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  ET_LLM_CHECK(!inputs.empty(), InvalidArgument, "prefill() needs at least one input");
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  stop_requested_.store(false);
  bool stopped = false;
  return feed(inputs, config, nullptr, &stopped);
}

Error MultimodalRunner::prefill(const std::string& prompt, const GenerationConfig& config) {
  return prefill(std::vector<MultimodalInput>{make_text_input(prompt)}, config);
}

Error MultimodalRunner::generate(const std::string& prompt, const GenerationConfig& config,
                                 TokenCallback token_callback, StatsCallback stats_callback) {
  return generate(std::vector<MultimodalInput>{make_text_input(prompt)}, config,
                  std::move(token_callback), std::move(stats_callback));
}

Error MultimodalRunner::generate(const std::vector<MultimodalInput>& inputs,
                                 const GenerationConfig& config, TokenCallback token_callback,
                                 StatsCallback stats_callback) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  ET_LLM_CHECK(!inputs.empty() || pending_token_ || !last_logits_.empty(), InvalidArgument,
               "the input list is empty and nothing was prefilled to continue from");
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  stats_.reset();
  stats_.inference_start_ms = time_in_ms();
  stop_requested_.store(false);
  generated_.clear();
  generated_text_.clear();
  hit_eos_ = false;
  const TokenCallback callback = config.warming ? TokenCallback() : token_callback;
  if (config.echo && callback) {
    for (const MultimodalInput& input : inputs) {
      if (const auto* text = input.try_get_text()) {
        callback(*text);
      }
    }
  }
  stats_.token_encode_end_ms = time_in_ms();
  const int64_t prefill_begin = time_in_us();
  stats_.model_execution_start_ms = time_in_ms();
  // The token sampled last turn is fed first but is not part of this prompt.
  const int64_t position_before = position_ + (pending_token_ ? 1 : 0);
  std::vector<TokenId> prompt_tokens;
  const SamplingParams sampling = SamplingParams::from(config);
  bool stopped = false;
  Error err = feed(inputs, config, sampling.has_penalties() ? &prompt_tokens : nullptr, &stopped);
  stats_.num_prompt_tokens = std::max<int64_t>(position_ - position_before, 0);
  if (!err.ok() || stopped) {
    stats_.inference_end_ms = time_in_ms();
    return err;
  }
  stats_.prefill_time_us = time_in_us() - prefill_begin;
  stats_.prompt_eval_end_ms = time_in_ms();
  ET_LLM_CHECK(!last_logits_.empty(), InvalidArgument,
               "the inputs produced no positions (empty text?) and nothing was prefilled before");

  const int64_t context = decoder_->max_context_len();
  const int32_t max_new_tokens = config.resolve_max_new_tokens(context + 1, position_);
  Sampler sampler(sampling);
  const Logits first{last_logits_.data(), ScalarType::Float, last_logits_.size()};
  auto result = generator_->generate(first, prompt_tokens,
                                     last_fed_token_.value_or(kNoPreviousToken), position_,
                                     max_new_tokens, sampler, config, callback, &stop_requested_,
                                     &stats_);
  last_logits_.clear();
  if (!result.ok()) {
    // The cache holds an unknown number of the new tokens: start over cleanly.
    position_ = 0;
    pending_token_.reset();
    last_fed_token_.reset();
    (void)decoder_->reset();
    return result.error();
  }
  generated_ = std::move(result->tokens);
  generated_text_ = std::move(result->text);
  hit_eos_ = result->hit_eos;
  if (!generated_.empty()) {
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

}  // namespace et_llm
