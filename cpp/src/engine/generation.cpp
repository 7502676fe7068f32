// A turn of generation, one decode step per next(): Session::start feeds the
// prompt, then each step samples a token, streams its text (whole characters,
// held back while it may be the start of a stop string) and ends on EOS, a stop
// token id or string, the length limit, or stop().
#include <algorithm>

#include "decode/stop_string_filter.h"
#include "engine/busy_guard.h"
#include "et_llm/session.h"
#include "et_llm/text_decoder_runner.h"
#include "grammar/grammar_mask.h"

namespace et_llm {

Result<std::unique_ptr<Generation>> Session::start(const std::vector<MultimodalInput>& inputs,
                                                   const GenerationConfig& config,
                                                   const std::optional<std::string>& echo) {
  // The turn begins before anything else, so a stop() while the grammar
  // compiles or the prompt is checked is kept.
  if (!begin_turn()) {
    return detail::busy_error();
  }
  auto fail = [this](Error err) {
    busy_.store(false);
    return err;
  };
  Error err = config.validate();
  if (!err.ok()) {
    return fail(err);
  }
  // Before anything runs: a grammar that does not compile is the caller's error.
  Result<std::shared_ptr<GrammarMatcher>> compiled = compile_grammar(config);
  if (!compiled.ok()) {
    return fail(compiled.error());
  }
  std::shared_ptr<GrammarMatcher> grammar = std::move(compiled).get();
  err = check_inputs(inputs);
  if (!err.ok()) {
    return fail(err);
  }
  if (inputs.empty() && !pending_token_ && last_logits_.empty()) {
    return fail(Error(ErrorCode::InvalidArgument,
                      "the prompt is empty and nothing was prefilled to continue from"));
  }
  generated_.clear();
  generated_text_.clear();
  generated_logprobs_.clear();
  finish_reason_ = FinishReason::None;
  stats_.reset();
  stats_.inference_start_ms = time_in_ms();
  std::string echo_text;
  if (echo) {
    echo_text = *echo;
  } else {
    for (const MultimodalInput& input : inputs) {
      if (const auto* text = input.try_get_text()) {
        echo_text += *text;
      }
    }
  }
  stats_.token_encode_end_ms = time_in_ms();

  Snapshot snapshot = take_snapshot();
  const int64_t prefill_begin = time_in_us();
  stats_.model_execution_start_ms = time_in_ms();
  // The token sampled last turn is fed first but is not part of this prompt.
  const int64_t position_before = position_ + (pending_token_ ? 1 : 0);
  const bool penalize = SamplingParams::from(config).has_penalties();
  std::vector<TokenId> prompt_tokens;
  bool stopped = false;
  err = feed(inputs, bos_count(config, starts_with_text(inputs)), &stopped,
             penalize ? &prompt_tokens : nullptr);
  stats_.num_prompt_tokens = std::max<int64_t>(position_ - position_before, 0);
  if (err.ok() && !stopped && last_logits_.empty() && !pending_token_) {
    err = Error(ErrorCode::InvalidArgument,
                "the inputs produced no positions (empty text?) and nothing was prefilled before");
  }
  if (!err.ok() || stopped) {
    // All or nothing: a prompt cut short by stop() or an error is not kept.
    restore(std::move(snapshot));
    stats_.inference_end_ms = time_in_ms();
    if (!err.ok()) {
      return fail(err);
    }
    finish_reason_ = FinishReason::Stopped;
    auto generation =
        std::unique_ptr<Generation>(new Generation(*this, config, {}, "", Snapshot{}, 0));
    generation->done_ = true;
    busy_.store(false);
    return generation;
  }
  stats_.prefill_time_us = time_in_us() - prefill_begin;
  stats_.prompt_eval_end_ms = time_in_ms();
  // The first new token takes no position until it is fed, hence the +1.
  const int32_t max_new_tokens =
      config.resolve_max_new_tokens(decoder_->max_context_len() + 1, position_);
  return std::unique_ptr<Generation>(new Generation(*this, config, std::move(prompt_tokens),
                                                    std::move(echo_text), std::move(snapshot),
                                                    max_new_tokens, std::move(grammar)));
}

Error Session::generate(const std::vector<MultimodalInput>& inputs, const GenerationConfig& config,
                        TokenCallback token_callback, StatsCallback stats_callback,
                        const std::optional<std::string>& echo) {
  ET_LLM_ASSIGN_OR_RETURN(std::unique_ptr<Generation> generation, start(inputs, config, echo));
  return run(*generation, config, token_callback, stats_callback);
}

Result<std::unique_ptr<Generation>> Session::start_text(const std::string& prompt,
                                                        const GenerationConfig& config) {
  ET_LLM_CHECK_OK(config.validate());
  std::vector<MultimodalInput> inputs;
  const size_t num_bos = bos_count(config, !prompt.empty());
  if (!prompt.empty() || num_bos > 0 || config.num_eos > 0) {
    ET_LLM_ASSIGN_OR_RETURN(auto tokens, engine_->tokenizer().encode(
                                             prompt, num_bos, static_cast<size_t>(config.num_eos)));
    inputs.push_back(make_token_input(std::move(tokens)));
  }
  GenerationConfig encoded = config;  // framed above
  encoded.num_bos = 0;
  encoded.num_eos = 0;
  encoded.add_special_tokens = false;
  return start(inputs, encoded, prompt);
}

Result<std::unique_ptr<Generation>> Session::start_tokens(const std::vector<TokenId>& tokens,
                                                          const GenerationConfig& config,
                                                          bool echo_decoded) {
  ET_LLM_CHECK_OK(config.validate());
  std::vector<MultimodalInput> inputs;
  if (!tokens.empty()) {
    inputs.push_back(make_token_input(tokens));
  }
  // Checked before the echo is decoded: an id outside the vocabulary is the
  // caller's error, not the tokenizer's.
  ET_LLM_CHECK_OK(check_inputs(inputs));
  std::string echo;
  if (echo_decoded && config.echo && !tokens.empty()) {
    ET_LLM_ASSIGN_OR_RETURN(echo, engine_->tokenizer().decode(tokens));
  }
  GenerationConfig raw = config;  // ids as they are
  raw.num_bos = 0;
  raw.num_eos = 0;
  raw.add_special_tokens = false;
  return start(inputs, raw, echo);
}

Error Session::generate_text(const std::string& prompt, const GenerationConfig& config,
                             TokenCallback token_callback, StatsCallback stats_callback) {
  ET_LLM_ASSIGN_OR_RETURN(std::unique_ptr<Generation> generation, start_text(prompt, config));
  return run(*generation, config, token_callback, stats_callback);
}

Error Session::run(Generation& generation, const GenerationConfig& config,
                   const TokenCallback& token_callback, const StatsCallback& stats_callback) {
  const bool report = !config.warming;
  while (!generation.done()) {
    ET_LLM_ASSIGN_OR_RETURN(std::string piece, generation.next());
    if (!piece.empty() && token_callback && report) {
      token_callback(piece);
    }
  }
  if (stats_callback && report) {
    stats_callback(stats_);
  }
  return Error();
}

Generation::Generation(Session& session, GenerationConfig config,
                       std::vector<TokenId> penalty_context, std::string echo,
                       Session::Snapshot snapshot, int32_t max_new_tokens,
                       std::shared_ptr<GrammarMatcher> grammar)
    : session_(session),
      config_(std::move(config)),
      sampler_(SamplingParams::from(config_)),
      recent_(std::move(penalty_context)),
      penalize_(sampler_.params().has_penalties()),
      echo_(config_.echo ? std::move(echo) : std::string()),
      snapshot_(std::move(snapshot)),
      max_new_tokens_(max_new_tokens),
      stop_strings_(std::make_unique<detail::StopStringFilter>(config_.stop)),
      grammar_(std::move(grammar)),
      processors_(config_.logits_processors) {
  if (grammar_) {
    mask_ = std::make_shared<detail::GrammarMask>(
        grammar_, static_cast<size_t>(session_.engine_->vocab_size()),
        &session_.stats_.grammar_time_us);
    processors_.push_back(mask_);
  }
  session_.generated_.reserve(static_cast<size_t>(max_new_tokens_));
  loop_begin_us_ = time_in_us();
}

Generation::~Generation() { close(); }

void Generation::release() { session_.busy_.store(false); }

void Generation::close() {
  if (!done_) {
    (void)finish(FinishReason::Stopped);
  }
}

void Generation::fail() {
  session_.drop_confirmed();
  session_.restore(std::move(snapshot_));
  session_.generated_.clear();
  session_.generated_text_.clear();
  session_.generated_logprobs_.clear();
  session_.finish_reason_ = FinishReason::None;
  session_.stats_.inference_end_ms = time_in_ms();
  done_ = true;
  release();
}

Result<std::string> Generation::next() {
  if (done_) {
    return std::string();
  }
  if (!echoed_) {
    echoed_ = true;
    if (!echo_.empty()) {
      return std::move(echo_);
    }
  }
  Session& s = session_;
  if (s.cancel_requested_.load()) {
    std::optional<Error> reason;
    {
      std::lock_guard<std::mutex> lock(s.cancel_mutex_);
      reason = s.cancel_reason_;
    }
    fail();
    return reason ? *reason : Error(ErrorCode::CallbackFailed, "the generation was cancelled");
  }
  if (s.stop_requested_.load(std::memory_order_relaxed)) {
    return finish(FinishReason::Stopped);
  }
  if (produced_ >= max_new_tokens_) {
    return finish(FinishReason::Length);
  }
  const bool want_logprobs = config_.logprobs || config_.top_logprobs > 0;
  if (grammar_ && !want_logprobs) {
    // Forced tokens have no sampling step, so no log-probabilities: with
    // logprobs wanted they are sampled under a one-token mask instead.
    const int64_t begin = time_in_us();
    Result<std::vector<TokenId>> forced = grammar_->forced_tokens();
    s.stats_.grammar_time_us += time_in_us() - begin;
    if (!forced.ok()) {
      fail();
      return forced.error();
    }
    if (!forced->empty()) {
      return take_forced(*forced);
    }
  }
  TokenLogprobs logprobs;
  if (mask_) {
    mask_->prefetch();  // the mask needs only the tokens so far: computed during the forward
  }
  auto token = config_.speculative.empty()
                   ? s.advance(sampler_, recent_, processors_, want_logprobs,
                               static_cast<size_t>(config_.top_logprobs), &logprobs)
                   : s.advance_speculative(static_cast<size_t>(config_.num_draft_tokens), sampler_,
                                           recent_, want_logprobs,
                                           static_cast<size_t>(config_.top_logprobs), &logprobs);
  if (mask_) {
    (void)mask_->join();  // when advance() failed before the mask was applied
  }
  if (!token.ok()) {
    fail();
    return token.error();
  }
  forward_us_ += s.last_step_forward_us_;
  if (produced_ == 0) {
    s.stats_.first_token_ms = time_in_ms();
  }
  ++produced_;
  s.generated_.push_back(*token);
  if (want_logprobs) {
    s.generated_logprobs_.push_back(std::move(logprobs));
  }
  if (penalize_) {
    recent_.push_back(*token);
  }
  // advance() fed the previous token, so it ends the history.
  const TokenId prev = s.history_.empty() ? kNoPreviousToken : s.history_.back();
  FinishReason end = FinishReason::None;
  Result<std::string> text = emit(prev, *token, &end);
  if (!text.ok() || end == FinishReason::None) {
    return text;
  }
  Result<std::string> rest = finish(end);
  return rest.ok() ? *text + *rest : rest;
}

Result<std::string> Generation::emit(TokenId prev, TokenId token, FinishReason* end) {
  Session& s = session_;
  const bool is_eos = s.engine_->eos_ids().count(token) > 0;
  const bool is_stop_id = std::find(config_.stop_token_ids.begin(), config_.stop_token_ids.end(),
                                    static_cast<int64_t>(token)) != config_.stop_token_ids.end();
  if ((is_eos && !config_.ignore_eos) || is_stop_id) {
    *end = FinishReason::Eos;
    return std::string();
  }
  if (grammar_) {
    const int64_t begin = time_in_us();
    Error err = grammar_->accept(token);
    s.stats_.grammar_time_us += time_in_us() - begin;
    if (!err.ok()) {
      fail();
      return err;
    }
  }
  auto bytes = s.token_text(prev, token);
  if (!bytes.ok()) {
    fail();
    return bytes.error();
  }
  bool matched = false;
  std::string text = stop_strings_->push(*bytes, &matched);
  s.generated_text_ += text;
  if (matched) {
    *end = FinishReason::StopString;
  } else if (grammar_ && grammar_->is_stopped()) {
    *end = FinishReason::Grammar;
  }
  return text;
}

Result<std::string> Generation::take_forced(const std::vector<TokenId>& forced) {
  Session& s = session_;
  const size_t room = static_cast<size_t>(max_new_tokens_ - produced_);
  std::vector<TokenId> tokens(forced.begin(), forced.begin() + std::min(forced.size(), room));
  TokenId prev = s.pending_token_     ? *s.pending_token_
                 : s.history_.empty() ? kNoPreviousToken
                                      : s.history_.back();
  if (produced_ == 0) {
    s.stats_.first_token_ms = time_in_ms();
  }
  // Each token's effect first (the turn may end at one of them), then one
  // prefill of those taken.
  std::string text;
  FinishReason end = FinishReason::None;
  size_t taken = 0;
  while (taken < tokens.size() && end == FinishReason::None) {
    const TokenId token = tokens[taken++];
    ++produced_;
    s.generated_.push_back(token);
    if (penalize_) {
      recent_.push_back(token);
    }
    Result<std::string> piece = emit(prev, token, &end);
    if (!piece.ok()) {
      return piece;
    }
    text += *piece;
    prev = token;
  }
  tokens.resize(taken);
  s.stats_.num_forced_tokens += static_cast<int64_t>(taken);
  const int64_t forward_begin = time_in_us();
  Error err = s.advance_forced(tokens);
  forward_us_ += time_in_us() - forward_begin;
  if (!err.ok()) {
    fail();
    return err;
  }
  if (end == FinishReason::None) {
    return text;
  }
  Result<std::string> rest = finish(end);
  return rest.ok() ? text + *rest : rest;
}

Result<std::string> Generation::finish(FinishReason reason) {
  Session& s = session_;
  s.drop_confirmed();
  std::string text;
  if (reason != FinishReason::StopString) {
    bool matched = false;
    text = stop_strings_->push(s.utf8_.flush(), &matched);
    if (matched) {
      reason = FinishReason::StopString;
    } else {
      text += stop_strings_->flush();
    }
  } else {
    s.utf8_.reset();
  }
  s.generated_text_ += text;
  s.finish_reason_ = reason;
  Stats& stats = s.stats_;
  stats.decode_time_us += time_in_us() - loop_begin_us_;
  stats.decode_forward_time_us += forward_us_;
  stats.aggregate_model_execution_time_us += forward_us_;
  stats.num_generated_tokens += produced_;
  stats.model_execution_end_ms = time_in_ms();
  stats.inference_end_ms = time_in_ms();
  stats.aggregate_model_execution_time_ms = stats.aggregate_model_execution_time_us / 1000;
  done_ = true;
  release();
  return text;
}

}  // namespace et_llm
