#include "et_llm/session.h"

#include <algorithm>
#include <cmath>

#include "engine/busy_guard.h"
#include "engine/method_set.h"
#include "engine/shared_program.h"
#include "et_llm/multimodal_decoder_runner.h"
#include "et_llm/multimodal_prefiller.h"
#include "et_llm/text_decoder_runner.h"
#include "et_llm/text_prefiller.h"
#include "platform/huge_pages.h"
#include "sampling/chain_settings.h"

namespace et_llm {

using detail::busy_error;
using detail::BusyGuard;

namespace {

constexpr float kDefaultTemperature = 0.8f;  // GenerationConfig's

bool same_sampling(const SamplingConfig& a, const SamplingConfig& b) {
  return a.temperature == b.temperature && a.top_p == b.top_p && a.top_k == b.top_k &&
         a.seed == b.seed && a.min_p == b.min_p && a.repetition_penalty == b.repetition_penalty &&
         a.frequency_penalty == b.frequency_penalty && a.presence_penalty == b.presence_penalty &&
         a.penalty_last_n == b.penalty_last_n;
}

// Names which input failed, unless the prompt is one text or token run (a
// text runner's), whose errors read best unprefixed.
Error about_input(const Error& err, const std::vector<MultimodalInput>& inputs, size_t i) {
  const MultimodalInput& input = inputs[i];
  if (inputs.size() == 1 && (input.is_tokens() || input.is_text())) {
    return err;
  }
  return Error(err.code(),
               "input " + std::to_string(i) + " (" + input.type_name() + "): " + err.message());
}

}  // namespace

const char* finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::Eos:
      return "eos";
    case FinishReason::StopString:
      return "stop_string";
    case FinishReason::Length:
      return "length";
    case FinishReason::Stopped:
      return "stopped";
    case FinishReason::Grammar:
      return "grammar";
    case FinishReason::None:
      break;
  }
  return "none";
}

SamplingParams SamplingConfig::to_params() const {
  SamplingParams params;
  params.temperature = temperature < 0.0f ? kDefaultTemperature : temperature;
  sampling::copy_chain_settings(*this, params);
  // Upstream's 0 is "unset"; past INT64_MAX a seed is folded into range.
  params.seed = seed == 0 ? -1 : static_cast<int64_t>(seed & 0x7fffffffffffffffULL);
  return params;
}

SamplingConfig SamplingConfig::from(const GenerationConfig& config) {
  SamplingConfig out;
  out.temperature = config.temperature;
  sampling::copy_chain_settings(config, out);
  out.seed = config.seed < 0 ? 0 : static_cast<uint64_t>(config.seed);
  out.logprobs = config.logprobs;
  out.top_logprobs = config.top_logprobs;
  return out;
}

Error SamplingConfig::validate() const {
  GenerationConfig config;
  config.temperature = temperature == -1.0f ? kDefaultTemperature : temperature;
  sampling::copy_chain_settings(*this, config);
  config.top_logprobs = top_logprobs;
  Error err = config.validate();
  if (!err.ok()) {
    std::string message = err.message();
    const std::string prefix = "GenerationConfig.";
    if (message.rfind(prefix, 0) == 0) {
      message = "SamplingConfig." + message.substr(prefix.size());
    }
    return Error(err.code(), message);
  }
  return Error();
}

Session::Session(std::shared_ptr<const Engine> engine, std::shared_ptr<IIOManager> io_manager)
    : engine_(std::move(engine)), io_manager_(std::move(io_manager)) {}

Session::~Session() = default;

Error Session::load() {
  stats_.model_load_start_ms = time_in_ms();
  const Engine::Program& program = engine_->program();
  methods_ =
      std::make_unique<detail::MethodSet>(program.program, program.named_data(),
                                          &program.backend_options, program.shared_arena_methods);
  const auto memory_before_load = huge_pages::anonymous_regions();
  if (engine_->kind() == ProgramKind::Multimodal) {
    auto decoder = std::make_unique<MultimodalDecoderRunner>(&engine_->module(), methods_.get(),
                                                             io_manager_, engine_->llm_metadata());
    ET_LLM_CHECK_OK(decoder->load());
    if (const Engine::Program* pre = engine_->audio_preprocessor()) {
      preprocessor_methods_ =
          std::make_unique<detail::MethodSet>(pre->program, nullptr, &pre->backend_options);
    }
    media_prefiller_ = std::make_unique<MultimodalPrefiller>(
        methods_.get(), preprocessor_methods_.get(), decoder.get());
    ET_LLM_CHECK_OK(media_prefiller_->load());
    decoder_ = std::move(decoder);
  } else {
    decoder_ = std::make_unique<TextDecoderRunner>(
        &engine_->module(), methods_.get(), io_manager_, engine_->llm_metadata(),
        engine_->prefill_method(), engine_->decode_method());
    ET_LLM_CHECK_OK(decoder_->load());
  }
  huge_pages::promote_new_memory(memory_before_load);
  stats_.model_load_end_ms = time_in_ms();
  return Error();
}

int64_t Session::max_context_len() const { return decoder_->max_context_len(); }

bool Session::has_method(const std::string& name) const {
  return media_prefiller_ && media_prefiller_->has_method(name);
}

bool Session::accepts_raw_audio() const {
  return media_prefiller_ && has_method(kAudioEncoderMethod) &&
         media_prefiller_->accepts_raw_audio();
}

void Session::stop() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  stop_requested_.store(true);
}

bool Session::begin_turn() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  bool expected = false;
  if (!busy_.compare_exchange_strong(expected, true)) {
    return false;
  }
  stop_requested_.store(false);
  cancel_requested_.store(false);
  std::lock_guard<std::mutex> cancel_lock(cancel_mutex_);
  cancel_reason_.reset();
  return true;
}

void Session::cancel(Error reason) {
  {
    std::lock_guard<std::mutex> lock(cancel_mutex_);
    if (!cancel_reason_) {
      cancel_reason_ = std::move(reason);
    }
  }
  cancel_requested_.store(true);
  stop_requested_.store(true, std::memory_order_relaxed);  // ends a prefill too
}

Session::Snapshot Session::take_snapshot() {
  return Snapshot{position_, pending_token_, last_logits_, history_.size(), utf8_};
}

void Session::restore(Snapshot snapshot) {
  position_ = snapshot.position;
  pending_token_ = snapshot.pending;
  last_logits_ = std::move(snapshot.logits);
  history_.resize(snapshot.history_size);
  utf8_ = std::move(snapshot.utf8);
  // Entries written past the position are dead: the next forward overwrites them.
  (void)decoder_->rewind(position_);
}

Error Session::check_inputs(const std::vector<MultimodalInput>& inputs) const {
  const TokenId vocab = static_cast<TokenId>(engine_->vocab_size());
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
      return about_input(err, inputs, i);
    }
  }
  return Error();
}

Error Session::feed_tokens(const std::vector<TokenId>& tokens, bool* stopped) {
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
  TextPrefiller prefiller(decoder_.get());
  ET_LLM_ASSIGN_OR_RETURN(
      PrefillResult result,
      prefiller.prefill(tokens, position_, stopped ? &stop_requested_ : nullptr));
  stats_.aggregate_model_execution_time_us += result.forward_us;
  position_ += static_cast<int64_t>(result.num_consumed);
  history_.insert(history_.end(), tokens.begin(),
                  tokens.begin() + static_cast<std::ptrdiff_t>(result.num_consumed));
  if (result.num_consumed > 0) {
    result.logits.copy_to(last_logits_);
  }
  if (stopped) {
    *stopped = result.stopped;
  }
  return Error();
}

Error Session::feed_media(const MultimodalInput& input, bool* stopped) {
  if (!media_prefiller_) {
    return Error(ErrorCode::NotFound,
                 std::string("this program takes text only, not ") + input.type_name() + " inputs");
  }
  ET_LLM_ASSIGN_OR_RETURN(PrefillResult result,
                          media_prefiller_->prefill(input, position_, &stop_requested_));
  stats_.aggregate_model_execution_time_us += result.forward_us;
  position_ += static_cast<int64_t>(result.num_consumed);
  // No token precedes what follows an image or audio for decode_token().
  history_.insert(history_.end(), result.num_consumed, kNoPreviousToken);
  if (result.num_consumed > 0) {
    result.logits.copy_to(last_logits_);
  }
  *stopped = result.stopped;
  return Error();
}

Error Session::feed(const std::vector<MultimodalInput>& inputs, size_t num_bos, bool* stopped,
                    std::vector<TokenId>* prompt_tokens) {
  *stopped = false;
  std::vector<TokenId> run;
  if (pending_token_) {
    run.push_back(*pending_token_);
  }
  if (num_bos > 0) {
    const std::optional<TokenId> bos = engine_->bos_id();
    ET_LLM_CHECK(bos.has_value(), InvalidArgument,
                 "num_bos > 0 but neither the model nor the tokenizer names a BOS id");
    run.insert(run.end(), num_bos, *bos);
  }
  auto flush = [&]() -> Error {
    Error err = feed_tokens(run, stopped);
    if (err.ok() && !run.empty()) {
      pending_token_.reset();
    }
    run.clear();
    return err;
  };
  for (size_t i = 0; i < inputs.size() && !*stopped; ++i) {
    const MultimodalInput& input = inputs[i];
    Error err;
    if (const auto* text = input.try_get_text()) {
      // Encoded here, once, so the ids also serve decode_token() and the penalties.
      auto ids = engine_->tokenizer().encode(*text, 0, 0);
      if (!ids.ok()) {
        err = ids.error();
      } else {
        run.insert(run.end(), ids->begin(), ids->end());
        if (prompt_tokens) {
          prompt_tokens->insert(prompt_tokens->end(), ids->begin(), ids->end());
        }
      }
    } else if (const auto* tokens = input.try_get_tokens()) {
      run.insert(run.end(), tokens->begin(), tokens->end());
      if (prompt_tokens) {
        prompt_tokens->insert(prompt_tokens->end(), tokens->begin(), tokens->end());
      }
    } else {
      err = flush();
      if (err.ok() && !*stopped) {
        err = feed_media(input, stopped);
      }
    }
    if (!err.ok()) {
      return about_input(err, inputs, i);
    }
  }
  if (*stopped) {
    return Error();
  }
  return flush();
}

Error Session::prefill_inputs(const std::vector<MultimodalInput>& inputs, size_t num_bos) {
  if (!begin_turn()) {
    return busy_error();
  }
  BusyGuard guard(busy_, BusyGuard::kAdopt);
  ET_LLM_CHECK_OK(check_inputs(inputs));
  Snapshot snapshot = take_snapshot();
  bool stopped = false;
  Error err = feed(inputs, num_bos, &stopped, nullptr);
  if (!err.ok() || stopped) {
    restore(std::move(snapshot));
  }
  return err;
}

Error Session::prefill_tokens(const std::vector<TokenId>& tokens, const SamplingConfig*) {
  ET_LLM_CHECK(!tokens.empty(), InvalidArgument, "prefill_tokens() needs at least one token");
  return prefill_inputs({make_token_input(tokens)}, 0);
}

bool Session::starts_with_text(const std::vector<MultimodalInput>& inputs) {
  const std::string* text = inputs.empty() ? nullptr : inputs.front().try_get_text();
  return text != nullptr && !text->empty();
}

size_t Session::bos_count(const GenerationConfig& config, bool starts_with_text) const {
  const bool starts_conversation = position_ == 0 && !pending_token_;
  if (config.num_bos > 0 || !config.add_special_tokens || !starts_conversation ||
      !starts_with_text) {
    return static_cast<size_t>(config.num_bos);
  }
  return engine_->tokenizer().default_bos_count();
}

Error Session::prefill(const std::string& text, const GenerationConfig& config) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_ASSIGN_OR_RETURN(auto tokens,
                          engine_->tokenizer().encode(text, bos_count(config, !text.empty()),
                                                      static_cast<size_t>(config.num_eos)));
  ET_LLM_CHECK(!tokens.empty(), InvalidArgument, "prefill() needs a non-empty prompt");
  return prefill_inputs({make_token_input(std::move(tokens))}, 0);
}

Error Session::prefill(const std::vector<MultimodalInput>& inputs, const GenerationConfig& config) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK(!inputs.empty(), InvalidArgument, "prefill() needs at least one input");
  return prefill_inputs(inputs, bos_count(config, starts_with_text(inputs)));
}

Result<TokenId> Session::advance(Sampler& sampler, const std::vector<TokenId>& recent,
                                 const std::vector<std::shared_ptr<LogitsProcessor>>& processors,
                                 bool want_logprobs, size_t top_logprobs, TokenLogprobs* logprobs) {
  last_step_forward_us_ = 0;
  Logits logits;
  bool fed = false;
  if (pending_token_) {
    ET_LLM_CHECK(position_ < decoder_->max_context_len(), ContextOverflow,
                 "the context is full (" + std::to_string(position_) +
                     " positions); call reset() or rewind()");
    const TokenId token = *pending_token_;
    ET_LLM_ASSIGN_OR_RETURN(logits, decoder_->step(&token, 1, position_));
    last_step_forward_us_ = decoder_->last_forward_us();
    fed = true;
  } else {
    ET_LLM_CHECK(!last_logits_.empty(), InvalidState,
                 "nothing to decode from: prefill a prompt first");
    logits = Logits{last_logits_.data(), ScalarType::Float, last_logits_.size()};
  }
  if (fed) {
    history_.push_back(*pending_token_);  // the processors see it
  }
  // Until the token is picked nothing is committed: on failure the pending
  // token is fed again at the same position.
  auto uncommitted = [&](Error err) {
    if (fed) {
      history_.pop_back();
      (void)decoder_->rewind(position_);
    }
    return err;
  };
  const Logits raw = logits;
  if (!processors.empty()) {
    float* values = nullptr;
    if (fed && logits.is_float32() && !want_logprobs) {
      // The output buffer is ours until the next forward: edit it in place.
      values = const_cast<float*>(logits.float_data());
    } else {
      // fp16/bf16, the prefill's kept logits, or raw logits kept for logprobs.
      logits.copy_to(work_logits_);
      values = work_logits_.data();
    }
    for (const auto& processor : processors) {
      Error err = processor->process(history_, values, logits.vocab_size);
      if (!err.ok()) {
        return uncommitted(err);
      }
    }
    logits = Logits{values, ScalarType::Float, logits.vocab_size};
  }
  stats_.on_sampling_begin();
  const TokenId token = sampler.sample(logits, recent);
  stats_.on_sampling_end();
  if (std::isnan(logits.at(token))) {  // NaN logits: no token can be told apart
    return uncommitted(Error(ErrorCode::ExecutionFailed, "the model's logits are NaN at position " +
                                                             std::to_string(position_) +
                                                             ": no token to sample"));
  }
  if (want_logprobs) {
    *logprobs = compute_logprobs(raw, token, top_logprobs);
  }
  if (fed) {
    ++position_;
  }
  pending_token_ = token;
  last_logits_.clear();
  return token;
}

Result<std::string> Session::token_text(TokenId token) {
  return token_text(history_.empty() ? kNoPreviousToken : history_.back(), token);
}

Result<std::string> Session::token_text(TokenId prev, TokenId token) {
  ET_LLM_ASSIGN_OR_RETURN(std::string bytes, engine_->tokenizer().decode_token(prev, token));
  return utf8_.push(bytes);
}

Error Session::advance_forced(const std::vector<TokenId>& forced) {
  if (forced.empty()) {
    return Error();
  }
  std::vector<TokenId> run;
  if (pending_token_) {
    run.push_back(*pending_token_);
  }
  run.insert(run.end(), forced.begin(), forced.end() - 1);
  ET_LLM_CHECK_OK(feed_tokens(run, nullptr));
  pending_token_ = forced.back();
  last_logits_.clear();  // the prefill predicted the last forced token: not needed
  return Error();
}

Result<std::shared_ptr<GrammarMatcher>> Session::compile_grammar(
    const GenerationConfig& config) const {
  if (config.grammar.empty()) {
    return std::shared_ptr<GrammarMatcher>();
  }
  std::shared_ptr<GrammarBackend> backend = grammar_backend();
  ET_LLM_CHECK(backend != nullptr, NotSupported,
               "GenerationConfig.grammar needs a grammar backend: install llguidance (pip "
               "install llguidance) for et_llm's Python package, or set_grammar_backend() in C++");
  GrammarRequest request;
  request.grammar_type = config.grammar_type;
  request.grammar = config.grammar;
  request.tokenizer = engine_->tokenizer_ptr();
  request.eos_ids.assign(engine_->eos_ids().begin(), engine_->eos_ids().end());
  std::sort(request.eos_ids.begin(), request.eos_ids.end());
  request.vocab_size = static_cast<size_t>(engine_->vocab_size());
  ET_LLM_ASSIGN_OR_RETURN(std::unique_ptr<GrammarMatcher> matcher, backend->compile(request));
  ET_LLM_CHECK(matcher != nullptr, Internal, "the grammar backend returned no matcher");
  return std::shared_ptr<GrammarMatcher>(std::move(matcher));
}

Result<DecodeResult> Session::decode_one(const SamplingConfig& sampling) {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  ET_LLM_CHECK_OK(sampling.validate());
  DecodeResult result;
  if (stop_requested_.load()) {
    // Upstream's cooperative stop: a terminal step, nothing fed.
    result.is_terminal = true;
    return result;
  }
  if (!step_sampler_ || !same_sampling(sampling, step_sampling_)) {
    step_sampler_ = std::make_unique<Sampler>(sampling.to_params());
    step_sampling_ = sampling;
  }
  const bool want_logprobs = sampling.logprobs || sampling.top_logprobs > 0;
  TokenLogprobs logprobs;
  // Only the text decode can fail after the step is committed; undoing it
  // then needs the state before (no logits are kept once a token is pending).
  Snapshot before = take_snapshot();
  ET_LLM_ASSIGN_OR_RETURN(TokenId token,
                          advance(*step_sampler_, history_, {}, want_logprobs,
                                  static_cast<size_t>(sampling.top_logprobs), &logprobs));
  result.token_id = token;
  result.is_eos = engine_->eos_ids().count(token) > 0;
  result.is_terminal = result.is_eos;
  if (result.is_eos) {
    result.text_piece = utf8_.flush();
  } else {
    auto text = token_text(token);
    if (!text.ok()) {
      restore(std::move(before));
      return text.error();
    }
    result.text_piece = std::move(*text);
  }
  if (want_logprobs) {
    result.logprob = logprobs.logprob;
    result.top_logprobs = std::move(logprobs.top);
  }
  return result;
}

Error Session::reset() {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    return busy_error();
  }
  position_ = 0;
  pending_token_.reset();
  last_logits_.clear();
  history_.clear();
  utf8_.reset();
  generated_.clear();
  generated_text_.clear();
  generated_logprobs_.clear();
  finish_reason_ = FinishReason::None;
  stop_requested_.store(false);
  stats_.reset();
  return decoder_->reset();
}

Error Session::rewind(int64_t position) {
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
  last_logits_.clear();
  history_.resize(static_cast<size_t>(position));
  utf8_.reset();
  return decoder_->rewind(position);
}

}  // namespace et_llm
