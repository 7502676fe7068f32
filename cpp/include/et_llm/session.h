// Session: one conversation on an Engine — its KV cache (planned memory and
// IIOManager state), position, pending token, stats and stop flag — driven one
// token at a time (prefill_tokens, decode_one) or a whole turn at a time
// (generate, start). Upstream's LLMSession names as a superset.
//
// One thread at a time per session: a second concurrent call gets
// InvalidState (busy), never corrupt state. Sessions of one engine may run on
// different threads at once. Error contract, stronger than upstream's
// "poisoned session": a call that fails (or is stopped during its prefill)
// leaves the session exactly as it was before the call.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "et_llm/callbacks.h"
#include "et_llm/engine.h"
#include "et_llm/error.h"
#include "et_llm/generation_config.h"
#include "et_llm/grammar.h"
#include "et_llm/logits.h"
#include "et_llm/logprobs.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/sampler.h"
#include "et_llm/stats.h"

namespace et_llm {

namespace detail {
class MethodSet;
class StopStringFilter;
class GrammarMask;
}  // namespace detail
class TextDecoderRunner;
class MultimodalPrefiller;
class Generation;

// Per-step sampling (upstream's fields first). Neutral values switch a step off.
struct SamplingConfig {
  float temperature = -1.0f;  // -1: GenerationConfig's default (0.8); 0: greedy
  float top_p = 1.0f;
  int32_t top_k = 0;  // 0: off
  uint64_t seed = 0;  // 0: unset (nondeterministic)
  float min_p = 0.0f;
  float repetition_penalty = 1.0f;
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  int32_t penalty_last_n = 64;
  bool logprobs = false;     // fill DecodeResult::logprob
  int32_t top_logprobs = 0;  // and the N most likely tokens

  SamplingParams to_params() const;
  Error validate() const;
  // A generation config's sampling fields (its seed 0, like -1, reads as unset:
  // SamplingConfig's 0 is upstream's "no seed").
  static SamplingConfig from(const GenerationConfig& config);
};

// One decoded step. `text_piece` holds whole UTF-8 characters only (bytes of
// an unfinished character wait for the next step). `is_eos`: the token is an
// end-of-sequence id; `is_terminal`: the loop should end (EOS, or a stop()
// that took effect: then token_id is 0, the piece empty, nothing was fed).
struct DecodeResult {
  uint64_t token_id = 0;
  std::string text_piece;
  bool is_eos = false;
  bool is_terminal = false;
  float logprob = 0.0f;  // log_softmax of the model's logits (if requested)
  std::vector<TokenLogprob> top_logprobs;
};

// Why a generation ended.
// Grammar: the grammar of GenerationConfig::grammar was complete.
enum class FinishReason { None, Eos, StopString, Length, Stopped, Grammar };
const char* finish_reason_name(FinishReason reason);

class Session {
 public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- one token at a time -----------------------------------------------
  // Feeds `tokens` (after the pending token, if any) at the current position.
  // `initial_sampling` is accepted for upstream's signature; sampling happens
  // in decode_one.
  Error prefill_tokens(const std::vector<TokenId>& tokens,
                       const SamplingConfig* initial_sampling = nullptr);
  // Text (encoded with config.num_bos / num_eos) or mixed inputs.
  Error prefill(const std::string& text, const GenerationConfig& config = GenerationConfig());
  Error prefill(const std::vector<MultimodalInput>& inputs,
                const GenerationConfig& config = GenerationConfig());
  // Samples the next token (feeding the previous one first: one forward).
  Result<DecodeResult> decode_one(const SamplingConfig& sampling = SamplingConfig());

  // --- a whole turn --------------------------------------------------------
  // Feeds `inputs` then generates per `config`, streaming text to
  // `token_callback`. On failure nothing of this call stays.
  // `echo` replaces the text echoed first (default: the text inputs).
  Error generate(const std::vector<MultimodalInput>& inputs, const GenerationConfig& config,
                 TokenCallback token_callback = {}, StatsCallback stats_callback = {},
                 const std::optional<std::string>& echo = std::nullopt);
  // The same as a pull iterator: feed now, then Generation::next() per piece.
  // The session is busy until the Generation is done or destroyed, and must
  // outlive it.
  Result<std::unique_ptr<Generation>> start(const std::vector<MultimodalInput>& inputs,
                                            const GenerationConfig& config,
                                            const std::optional<std::string>& echo = std::nullopt);
  // A text prompt framed as upstream's text runner does: encoded with the
  // tokenizer's config.num_bos / num_eos BOS and EOS ids, echoed as given.
  Error generate_text(const std::string& prompt, const GenerationConfig& config,
                      TokenCallback token_callback = {}, StatsCallback stats_callback = {});
  Result<std::unique_ptr<Generation>> start_text(const std::string& prompt,
                                                 const GenerationConfig& config);
  // Token ids as they are (no BOS/EOS added); with `echo_decoded` (and
  // config.echo) their decoded text is echoed first.
  Result<std::unique_ptr<Generation>> start_tokens(const std::vector<TokenId>& tokens,
                                                   const GenerationConfig& config,
                                                   bool echo_decoded);
  // Drives `generation` to its end, streaming its pieces to the callbacks
  // (not while config.warming).
  Error run(Generation& generation, const GenerationConfig& config,
            const TokenCallback& token_callback, const StatsCallback& stats_callback);
  // Generation::next() ends at the next token, keeping what was generated
  // (stop()), or rolls the whole turn back with `reason` (a callback failed).
  // A stop() from the moment a generate()/prefill() call begins (its grammar
  // compiling, its prompt being checked) ends that turn; one while idle ends
  // only a decode_one() loop and is forgotten by the next generate()/prefill().
  void stop();
  void cancel(Error reason);
  // A turn in progress (a Generation not yet done) holds the session.
  bool is_busy() const { return busy_.load(); }

  // --- conversation ------------------------------------------------------
  int64_t position() const { return position_; }
  Error reset();
  // Forgets positions >= `position` (<= position()).
  Error rewind(int64_t position);

  // Of the last generate()/start(): the continuation (the ending EOS
  // included), its text, per-token log-probabilities (when config.logprobs).
  const std::vector<TokenId>& generated_tokens() const { return generated_; }
  const std::string& generated_text() const { return generated_text_; }
  const std::vector<TokenLogprobs>& generated_logprobs() const { return generated_logprobs_; }
  FinishReason finish_reason() const { return finish_reason_; }
  bool last_generation_hit_eos() const { return finish_reason_ == FinishReason::Eos; }
  const Stats& stats() const { return stats_; }
  // Every token id of the conversation, one per position (kNoPreviousToken at
  // positions filled by an image or audio).
  const std::vector<TokenId>& tokens() const { return history_; }

  const Engine& engine() const { return *engine_; }
  IIOManager& io_manager() { return *io_manager_; }
  int64_t max_context_len() const;
  bool has_method(const std::string& name) const;
  bool accepts_raw_audio() const;

 private:
  friend class Engine;
  friend class Generation;
  Session(std::shared_ptr<const Engine> engine, std::shared_ptr<IIOManager> io_manager);
  Error load();

  struct Snapshot {
    int64_t position = 0;
    std::optional<TokenId> pending;
    std::vector<float> logits;
    size_t history_size = 0;
    Utf8StreamDecoder utf8;
  };
  Snapshot take_snapshot();
  void restore(Snapshot snapshot);
  // Feeds the pending token, `num_bos` BOS ids and `inputs` (adjacent token
  // runs in one prefill). The caller restores a snapshot on failure.
  Error feed(const std::vector<MultimodalInput>& inputs, size_t num_bos, bool* stopped,
             std::vector<TokenId>* prompt_tokens);
  // `stopped` null: stop() does not cut this prefill short.
  Error feed_tokens(const std::vector<TokenId>& tokens, bool* stopped);
  Error feed_media(const MultimodalInput& input, bool* stopped);
  // Prefill under the busy flag, all or nothing.
  Error prefill_inputs(const std::vector<MultimodalInput>& inputs, size_t num_bos);
  // One step: feed the pending token (if any), run `processors` on the
  // logits, pick the next token with `sampler` (penalties see `recent`); the
  // token becomes pending. On failure the session is as before.
  Result<TokenId> advance(Sampler& sampler, const std::vector<TokenId>& recent,
                          const std::vector<std::shared_ptr<LogitsProcessor>>& processors,
                          bool want_logprobs, size_t top_logprobs, TokenLogprobs* logprobs);
  // advance() with prompt-lookup drafts of up to `max_draft` tokens
  // (speculative_step.cpp): one forward feeds the pending token and a draft
  // and verifies it; the tokens it confirms are returned by the calls that
  // follow without a forward. Greedy: advance()'s tokens; sampling: tokens
  // distributed as advance()'s (the draws differ). No processors.
  Result<TokenId> advance_speculative(size_t max_draft, Sampler& sampler,
                                      const std::vector<TokenId>& recent, bool want_logprobs,
                                      size_t top_logprobs, TokenLogprobs* logprobs);
  // Forgets confirmed tokens not returned yet (the turn ended before them):
  // their positions are dead, and the pending token is fed again next turn.
  void drop_confirmed();
  // Feeds the pending token and all but the last of `forced` in one prefill;
  // the last becomes pending. Tokens a grammar forces, taken without sampling.
  Error advance_forced(const std::vector<TokenId>& forced);
  // The text `token` adds after `prev` (default: the conversation so far),
  // whole UTF-8 characters only.
  Result<std::string> token_text(TokenId token);
  Result<std::string> token_text(TokenId prev, TokenId token);
  // config.grammar compiled by the installed backend (null without a grammar).
  Result<std::shared_ptr<GrammarMatcher>> compile_grammar(const GenerationConfig& config) const;
  Error check_inputs(const std::vector<MultimodalInput>& inputs) const;
  // The BOS ids a prompt framed by `config` starts with here: num_bos, or the
  // tokenizer's default for text that starts a conversation
  // (add_special_tokens; token ids and media get none, as in HF).
  size_t bos_count(const GenerationConfig& config, bool starts_with_text) const;
  static bool starts_with_text(const std::vector<MultimodalInput>& inputs);

  std::shared_ptr<const Engine> engine_;
  std::shared_ptr<IIOManager> io_manager_;
  std::unique_ptr<detail::MethodSet> methods_;
  std::unique_ptr<detail::MethodSet> preprocessor_methods_;
  std::unique_ptr<TextDecoderRunner> decoder_;
  std::unique_ptr<MultimodalPrefiller> media_prefiller_;

  // Marks the session busy and clears stop()/cancel() for the new turn under
  // stop_mutex_, so a stop() that sees the turn begun is never cleared by it.
  // False (nothing changed) when another turn holds the session.
  bool begin_turn();

  std::atomic<bool> busy_{false};
  std::mutex stop_mutex_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> cancel_requested_{false};
  std::mutex cancel_mutex_;
  std::optional<Error> cancel_reason_;
  int64_t last_step_forward_us_ = 0;  // of advance()'s forward, 0 when none ran

  int64_t position_ = 0;                  // positions in the KV cache
  std::optional<TokenId> pending_token_;  // sampled last, not yet fed
  std::vector<float> last_logits_;        // after a prefill: logits of its last position
  std::vector<TokenId> history_;          // one id per position
  // advance_speculative's confirmed tokens not returned yet: each one's
  // predecessor (the pending token when it is returned) is already fed.
  std::vector<TokenId> confirmed_;
  std::vector<TokenLogprobs> confirmed_logprobs_;  // theirs, when logprobs are wanted
  size_t next_confirmed_ = 0;
  Utf8StreamDecoder utf8_;                 // decode_one's pieces
  std::unique_ptr<Sampler> step_sampler_;  // decode_one's, kept while its config is
  SamplingConfig step_sampling_;
  std::vector<float> work_logits_;  // fp32 logits for processors (fp16/bf16 models)

  std::vector<TokenId> generated_;
  std::string generated_text_;
  std::vector<TokenLogprobs> generated_logprobs_;
  FinishReason finish_reason_ = FinishReason::None;
  Stats stats_;
};

// A generation in progress (Session::start): next() runs one decode step and
// returns the text it made visible (often one token's worth; empty while a
// character or a possible stop string is incomplete) until done().
class Generation {
 public:
  ~Generation();
  // One step. After the last one done() is true and the session's
  // generated_*() describe the turn.
  Result<std::string> next();
  bool done() const { return done_; }
  // Ends the turn now, keeping what was generated (as stop()).
  void close();
  FinishReason finish_reason() const { return session_.finish_reason_; }

 private:
  friend class Session;
  Generation(Session& session, GenerationConfig config, std::vector<TokenId> penalty_context,
             std::string echo, Session::Snapshot snapshot, int32_t max_new_tokens,
             std::shared_ptr<GrammarMatcher> grammar = nullptr);
  Result<std::string> finish(FinishReason reason);
  // The tokens the grammar forces, fed without sampling; empty when it forces none.
  Result<std::string> take_forced(const std::vector<TokenId>& forced);
  // What one generated token does: ends the turn (EOS, a stop string, a
  // complete grammar) or adds text. `prev` is the token before it.
  Result<std::string> emit(TokenId prev, TokenId token, FinishReason* end);
  void fail();
  void release();

  Session& session_;
  GenerationConfig config_;
  Sampler sampler_;
  std::vector<TokenId> recent_;
  bool penalize_;
  std::string echo_;
  Session::Snapshot snapshot_;
  int32_t max_new_tokens_;
  int32_t produced_ = 0;
  bool done_ = false;
  std::unique_ptr<detail::StopStringFilter> stop_strings_;
  std::shared_ptr<GrammarMatcher> grammar_;
  std::shared_ptr<detail::GrammarMask> mask_;
  // config_.logits_processors, then the grammar's mask.
  std::vector<std::shared_ptr<LogitsProcessor>> processors_;
  bool echoed_ = false;
  int64_t begin_ms_ = 0;
  int64_t loop_begin_us_ = 0;
  int64_t forward_us_ = 0;
};

// Upstream's names (extension/llm/runner/llm_session.h).
using LLMEngine = Engine;
using LLMSession = Session;
using LLMServingCapacity = ServingCapacity;

}  // namespace et_llm
