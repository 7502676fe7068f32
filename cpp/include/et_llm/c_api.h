/* et_llm's C API (C99): a stable ABI for every language that is not C++ —
 * Swift, Kotlin, C#, Rust, Dart, Python ctypes. Library libet_llm_c.so, CMake
 * target et_llm::c.
 *
 * Conventions
 * - Handles are opaque. Every function returns an et_llm_status and writes
 *   its results through out-pointers. On failure the out-pointers are left
 *   untouched and et_llm_last_error_message() says what went wrong. No C++
 *   exception crosses this ABI and no call aborts the process.
 * - A handle that was freed, is NULL, or is of another type is refused with
 *   ET_LLM_STATUS_INVALID_ARGUMENT (so a second free is harmless). The *_free
 *   functions accept NULL, as free() does.
 * - Strings are UTF-8, NUL-terminated on input. Strings and arrays returned
 *   through `const` out-pointers belong to the handle and stay valid until the
 *   next call on that handle (or its free). Results that belong to no handle
 *   are written into the caller's buffer, as snprintf does: at most `capacity`
 *   items (text cut to capacity - 1 bytes and NUL-terminated), with the full
 *   size in `*size`; call again with a bigger buffer when it did not fit.
 * - Threads: a handle may be used from any thread, by one thread at a time,
 *   unless a function says otherwise. A session or runner called by a second
 *   thread while busy returns ET_LLM_STATUS_INVALID_STATE. Different sessions
 *   of one engine may run on different threads at the same time. The *_stop
 *   functions may be called from any thread at any time.
 * - Freeing an engine while its sessions live is allowed: they keep the model.
 *   A session must outlive its generations. */
#ifndef ET_LLM_C_API_H
#define ET_LLM_C_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "et_llm/error_codes.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ET_LLM_C_EXPORT __attribute__((visibility("default")))
#else
#define ET_LLM_C_EXPORT
#endif

/* ------------------------------------------------------------------ status */
/* Thread safety: every function in this section may be called from any
 * thread at any time. */

typedef enum et_llm_status {
#define ET_LLM_C_STATUS_ENUMERATOR(camel, upper, value, when) ET_LLM_STATUS_##upper = value,
  ET_LLM_ERROR_CODES(ET_LLM_C_STATUS_ENUMERATOR)
#undef ET_LLM_C_STATUS_ENUMERATOR
} et_llm_status;

/* "InvalidArgument" etc.; "Unknown" for a value that is not a status. */
ET_LLM_C_EXPORT const char* et_llm_status_name(et_llm_status status);

/* The message of the last call that failed on this thread, "" when the last
 * call succeeded (at most 4095 bytes). Valid until the next et_llm call on
 * this thread; usable while the thread exits. */
ET_LLM_C_EXPORT const char* et_llm_last_error_message(void);

/* The library's version, e.g. "0.1.0", and its parts. Thread-safe. */
ET_LLM_C_EXPORT const char* et_llm_version(void);
ET_LLM_C_EXPORT void et_llm_version_numbers(int* major, int* minor, int* patch);

/* Size of the process-wide thread pool the models run on; 0: one per
 * physical core. Call before creating engines. */
ET_LLM_C_EXPORT et_llm_status et_llm_set_num_threads(size_t num_threads);

/* --------------------------------------------------------- generation config */
/* Thread safety: getters, _copy, _validate and _describe may run on many
 * threads at once; a setter must not run while anything else uses the config
 * (a generation copies the config when it starts). */

/* What one generation does. Defaults are upstream's GenerationConfig's:
 * echo on, temperature 0.8, as many new tokens as the context allows, no BOS. */
typedef struct et_llm_config et_llm_config;

ET_LLM_C_EXPORT et_llm_status et_llm_config_create(et_llm_config** out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_copy(const et_llm_config* config, et_llm_config** out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_free(et_llm_config* config);
/* ET_LLM_STATUS_INVALID_ARGUMENT naming the first field out of range. */
ET_LLM_C_EXPORT et_llm_status et_llm_config_validate(const et_llm_config* config);

/* Setters accept any value; generation (or et_llm_config_validate) checks them.
 * Without a num_bos of its own (set_num_bos turns add_special_tokens off), a
 * prompt that starts a conversation gets the BOS its tokenizer config adds, as
 * Hugging Face does; set_add_special_tokens(false) gives upstream's framing. */
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_echo(et_llm_config* config, bool value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_max_new_tokens(et_llm_config* config,
                                                               int32_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_warming(et_llm_config* config, bool value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_seq_len(et_llm_config* config, int32_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_temperature(et_llm_config* config, float value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_num_bos(et_llm_config* config, int32_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_num_eos(et_llm_config* config, int32_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_ignore_eos(et_llm_config* config, bool value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_seed(et_llm_config* config, int64_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_top_k(et_llm_config* config, int32_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_top_p(et_llm_config* config, float value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_min_p(et_llm_config* config, float value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_repetition_penalty(et_llm_config* config,
                                                                   float value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_frequency_penalty(et_llm_config* config,
                                                                  float value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_presence_penalty(et_llm_config* config,
                                                                 float value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_penalty_last_n(et_llm_config* config,
                                                               int32_t value);
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_add_special_tokens(et_llm_config* config,
                                                                   bool value);

ET_LLM_C_EXPORT et_llm_status et_llm_config_get_echo(const et_llm_config* config, bool* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_max_new_tokens(const et_llm_config* config,
                                                               int32_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_warming(const et_llm_config* config, bool* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_seq_len(const et_llm_config* config, int32_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_temperature(const et_llm_config* config,
                                                            float* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_num_bos(const et_llm_config* config, int32_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_num_eos(const et_llm_config* config, int32_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_ignore_eos(const et_llm_config* config, bool* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_seed(const et_llm_config* config, int64_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_top_k(const et_llm_config* config, int32_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_top_p(const et_llm_config* config, float* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_min_p(const et_llm_config* config, float* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_repetition_penalty(const et_llm_config* config,
                                                                   float* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_frequency_penalty(const et_llm_config* config,
                                                                  float* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_presence_penalty(const et_llm_config* config,
                                                                 float* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_penalty_last_n(const et_llm_config* config,
                                                               int32_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_config_get_add_special_tokens(const et_llm_config* config,
                                                                   bool* out);

/* Text that ends generation (never passed on), and ids that end it besides
 * the EOS ids. Each call adds one; _clear_stops removes both kinds. */
ET_LLM_C_EXPORT et_llm_status et_llm_config_add_stop_string(et_llm_config* config,
                                                            const char* text);
ET_LLM_C_EXPORT et_llm_status et_llm_config_add_stop_token(et_llm_config* config,
                                                           uint64_t token_id);
ET_LLM_C_EXPORT et_llm_status et_llm_config_clear_stops(et_llm_config* config);
/* Constrained decoding: `type` is "json_schema", "regex", "lark" or "gbnf";
 * an empty grammar removes the constraint. Needs a grammar backend (the
 * Python package installs llguidance's). */
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_grammar(et_llm_config* config, const char* grammar,
                                                        const char* type);
/* Speculative decoding: `kind` "prompt_lookup" (drafts of up to
 * `num_draft_tokens` tokens from the conversation, verified in one forward:
 * greedy gives the same tokens, sampling the same distribution) or "" (off).
 * Checked by et_llm_config_validate. */
ET_LLM_C_EXPORT et_llm_status et_llm_config_set_speculative(et_llm_config* config, const char* kind,
                                                            int32_t num_draft_tokens);
/* The config as "GenerationConfig(echo=True, ...)", into the caller's buffer. */
ET_LLM_C_EXPORT et_llm_status et_llm_config_describe(const et_llm_config* config, char* text,
                                                     size_t capacity, size_t* size);

/* ---------------------------------------------------------- multimodal inputs */
/* Thread safety: as configs; generation reads the inputs only during the call. */

/* An ordered prompt of text, token ids, images, audio features and waveforms. */
typedef struct et_llm_inputs et_llm_inputs;

typedef enum et_llm_image_layout {
  ET_LLM_IMAGE_LAYOUT_CHW = 0, /* planes: all of channel 0, then channel 1, ... */
  ET_LLM_IMAGE_LAYOUT_HWC = 1, /* pixels: RGB RGB ... */
} et_llm_image_layout;

ET_LLM_C_EXPORT et_llm_status et_llm_inputs_create(et_llm_inputs** out);
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_free(et_llm_inputs* inputs);
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_clear(et_llm_inputs* inputs);
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_count(const et_llm_inputs* inputs, size_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_add_text(et_llm_inputs* inputs, const char* text);
/* Ids as they are (no BOS/EOS added). */
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_add_tokens(et_llm_inputs* inputs,
                                                       const uint64_t* tokens, size_t count);
/* `count` values (width * height * channels, checked here), copied. */
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_add_image_uint8(et_llm_inputs* inputs,
                                                            const uint8_t* data, size_t count,
                                                            int32_t width, int32_t height,
                                                            int32_t channels,
                                                            et_llm_image_layout layout);
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_add_image_float(et_llm_inputs* inputs,
                                                            const float* data, size_t count,
                                                            int32_t width, int32_t height,
                                                            int32_t channels,
                                                            et_llm_image_layout layout);
/* Preprocessed features [batch_size, bins, frames], float32, `count` values. */
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_add_audio(et_llm_inputs* inputs, const float* data,
                                                      size_t count, int32_t batch_size,
                                                      int32_t bins, int32_t frames);
/* A waveform [batch_size, channels, samples], float32, `count` values. */
ET_LLM_C_EXPORT et_llm_status et_llm_inputs_add_raw_audio(et_llm_inputs* inputs, const float* data,
                                                          size_t count, int32_t batch_size,
                                                          int32_t channels, int32_t samples);

/* -------------------------------------------------------------------- stats */
/* Thread safety: readers on many threads at once; *_get_stats writes it. */

/* Timings and counts of one generation (a copy, taken by *_get_stats). */
typedef struct et_llm_stats et_llm_stats;

ET_LLM_C_EXPORT et_llm_status et_llm_stats_create(et_llm_stats** out);
ET_LLM_C_EXPORT et_llm_status et_llm_stats_free(et_llm_stats* stats);
ET_LLM_C_EXPORT et_llm_status et_llm_stats_num_prompt_tokens(const et_llm_stats* stats,
                                                             int64_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_stats_num_generated_tokens(const et_llm_stats* stats,
                                                                int64_t* out);
/* Milliseconds from the start of inference to the first generated token. */
ET_LLM_C_EXPORT et_llm_status et_llm_stats_time_to_first_token_ms(const et_llm_stats* stats,
                                                                  int64_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_stats_prefill_tokens_per_second(const et_llm_stats* stats,
                                                                     double* out);
ET_LLM_C_EXPORT et_llm_status et_llm_stats_decode_tokens_per_second(const et_llm_stats* stats,
                                                                    double* out);
/* Every field, as upstream's stats JSON, into the caller's buffer. */
ET_LLM_C_EXPORT et_llm_status et_llm_stats_to_json(const et_llm_stats* stats, char* text,
                                                   size_t capacity, size_t* size);

/* ---------------------------------------------------------------- callbacks */

typedef enum et_llm_callback_action {
  ET_LLM_CONTINUE = 0,
  ET_LLM_STOP = 1, /* end the generation after this piece, keeping what was made */
  ET_LLM_FAIL = 2, /* end it with ET_LLM_STATUS_CALLBACK_FAILED, the turn taken back */
} et_llm_callback_action;

/* Receives each piece of text (whole UTF-8 characters, `size` bytes, also
 * NUL-terminated) on the generating thread. The piece is valid during the call. */
typedef et_llm_callback_action (*et_llm_token_callback)(const char* piece, size_t size,
                                                        void* user_data);

/* Why a generation ended. */
typedef enum et_llm_finish_reason {
  ET_LLM_FINISH_NONE = 0, /* nothing generated yet */
  ET_LLM_FINISH_EOS = 1,
  ET_LLM_FINISH_STOP_STRING = 2,
  ET_LLM_FINISH_LENGTH = 3,
  ET_LLM_FINISH_STOPPED = 4, /* a *_stop call or a callback's ET_LLM_STOP */
  ET_LLM_FINISH_GRAMMAR = 5,
} et_llm_finish_reason;

/* ------------------------------------------------------------------- engine */

/* One loaded model (program, tokenizer, metadata) shared by its sessions.
 * Every engine function is thread-safe. */
typedef struct et_llm_engine et_llm_engine;

/* Loads `model_path` (.pte) and `tokenizer_path` (any supported format, or a
 * directory holding one). `data_path` (.ptd weights) may be NULL. */
ET_LLM_C_EXPORT et_llm_status et_llm_engine_create(const char* model_path,
                                                   const char* tokenizer_path,
                                                   const char* data_path, et_llm_engine** out);
ET_LLM_C_EXPORT et_llm_status et_llm_engine_free(et_llm_engine* engine);
ET_LLM_C_EXPORT et_llm_status et_llm_engine_vocab_size(const et_llm_engine* engine, int64_t* out);
ET_LLM_C_EXPORT et_llm_status et_llm_engine_max_context_len(const et_llm_engine* engine,
                                                            int64_t* out);
/* True for a vision/audio-language program (token_embedding + text_decoder). */
ET_LLM_C_EXPORT et_llm_status et_llm_engine_is_multimodal(const et_llm_engine* engine, bool* out);
/* A constant method's value (e.g. "get_max_seq_len"); NOT_FOUND when absent. */
ET_LLM_C_EXPORT et_llm_status et_llm_engine_metadata(const et_llm_engine* engine, const char* name,
                                                     int64_t* out);
/* Text to ids (no BOS/EOS added), and back, into the caller's buffers
 * (`tokens` / `text` may be NULL when `capacity` is 0, to ask the size). */
ET_LLM_C_EXPORT et_llm_status et_llm_engine_encode(const et_llm_engine* engine, const char* text,
                                                   uint64_t* tokens, size_t capacity,
                                                   size_t* count);
ET_LLM_C_EXPORT et_llm_status et_llm_engine_decode(const et_llm_engine* engine,
                                                   const uint64_t* tokens, size_t count, char* text,
                                                   size_t capacity, size_t* size);

/* ------------------------------------------------------------------ session */
/* Thread safety: one call at a time per session (a second one while a
 * generation runs gets INVALID_STATE); et_llm_session_stop from any thread at
 * any time; sessions of one engine run on different threads at once. */

/* One conversation on an engine: its KV cache and position. */
typedef struct et_llm_session et_llm_session;

ET_LLM_C_EXPORT et_llm_status et_llm_engine_create_session(et_llm_engine* engine,
                                                           et_llm_session** out);
/* INVALID_STATE while a generation of this session is not freed. */
ET_LLM_C_EXPORT et_llm_status et_llm_session_free(et_llm_session* session);

/* Feeds text (framed with the config's num_bos / num_eos; `config` may be
 * NULL), token ids, or mixed inputs at the current position. */
ET_LLM_C_EXPORT et_llm_status et_llm_session_prefill_text(et_llm_session* session, const char* text,
                                                          const et_llm_config* config);
ET_LLM_C_EXPORT et_llm_status et_llm_session_prefill_tokens(et_llm_session* session,
                                                            const uint64_t* tokens, size_t count);
ET_LLM_C_EXPORT et_llm_status et_llm_session_prefill_inputs(et_llm_session* session,
                                                            const et_llm_inputs* inputs,
                                                            const et_llm_config* config);

/* One decoded step (upstream's decode_one): feeds the previous token, samples
 * the next one with the config's sampling fields (NULL: the defaults, which
 * sample at temperature 0.8). `piece` holds whole UTF-8 characters. `is_terminal`: stop here (an
 * EOS, or a stop() took effect: then token_id is 0 and the piece empty). */
typedef struct et_llm_step {
  uint64_t token_id;
  const char* piece; /* owned by the session */
  size_t piece_size;
  bool is_eos;
  bool is_terminal;
} et_llm_step;

ET_LLM_C_EXPORT et_llm_status et_llm_session_decode_one(et_llm_session* session,
                                                        const et_llm_config* config,
                                                        et_llm_step* out);

/* A whole turn: feeds the prompt (text framed with the config's num_bos /
 * num_eos, or inputs), then generates per `config` (NULL: defaults),
 * streaming pieces to `callback` (may be NULL). On failure nothing of this
 * call stays in the conversation. */
ET_LLM_C_EXPORT et_llm_status et_llm_session_generate(et_llm_session* session, const char* prompt,
                                                      const et_llm_config* config,
                                                      et_llm_token_callback callback,
                                                      void* user_data);
ET_LLM_C_EXPORT et_llm_status et_llm_session_generate_inputs(et_llm_session* session,
                                                             const et_llm_inputs* inputs,
                                                             const et_llm_config* config,
                                                             et_llm_token_callback callback,
                                                             void* user_data);
/* Any thread, any time: the current generation ends at its next token. */
ET_LLM_C_EXPORT et_llm_status et_llm_session_stop(et_llm_session* session);
ET_LLM_C_EXPORT et_llm_status et_llm_session_reset(et_llm_session* session);
/* Forgets positions >= `position`. */
ET_LLM_C_EXPORT et_llm_status et_llm_session_rewind(et_llm_session* session, int64_t position);
ET_LLM_C_EXPORT et_llm_status et_llm_session_position(const et_llm_session* session, int64_t* out);
/* Of the last generation: its ids (the ending EOS included), text, ending.
 * They read what a finished generation left: not while one runs. */
ET_LLM_C_EXPORT et_llm_status et_llm_session_generated_tokens(const et_llm_session* session,
                                                              const uint64_t** tokens,
                                                              size_t* count);
ET_LLM_C_EXPORT et_llm_status et_llm_session_generated_text(const et_llm_session* session,
                                                            const char** text, size_t* size);
ET_LLM_C_EXPORT et_llm_status et_llm_session_finish_reason(const et_llm_session* session,
                                                           et_llm_finish_reason* out);
ET_LLM_C_EXPORT et_llm_status et_llm_session_get_stats(const et_llm_session* session,
                                                       et_llm_stats* stats);

/* --------------------------------------------------------------- generation */
/* Thread safety: one thread at a time per generation. */

/* A turn pulled one piece at a time: start, then _next until `done`. The
 * session is busy until the generation is done or freed. */
typedef struct et_llm_generation et_llm_generation;

ET_LLM_C_EXPORT et_llm_status et_llm_session_start(et_llm_session* session, const char* prompt,
                                                   const et_llm_config* config,
                                                   et_llm_generation** out);
ET_LLM_C_EXPORT et_llm_status et_llm_session_start_inputs(et_llm_session* session,
                                                          const et_llm_inputs* inputs,
                                                          const et_llm_config* config,
                                                          et_llm_generation** out);
/* One step; `piece` may be empty (an unfinished character or stop string).
 * After the last step `*done` is true. */
ET_LLM_C_EXPORT et_llm_status et_llm_generation_next(et_llm_generation* generation,
                                                     const char** piece, size_t* size, bool* done);
ET_LLM_C_EXPORT et_llm_status et_llm_generation_finish_reason(const et_llm_generation* generation,
                                                              et_llm_finish_reason* out);
/* Ends the turn (keeping what was generated) and frees the handle. */
ET_LLM_C_EXPORT et_llm_status et_llm_generation_free(et_llm_generation* generation);

/* -------------------------------------------------------------- text runner */
/* Thread safety: as a session; _stop and _is_loaded from any thread at any
 * time; _load is serialized (a second caller waits, then returns OK). */

/* Upstream's TextLLMRunner: one engine and one session. Created unloaded;
 * et_llm_text_runner_load (or the first generate) loads it. */
typedef struct et_llm_text_runner et_llm_text_runner;

/* `special_tokens` (may be NULL when `num_special_tokens` is 0) name a
 * tiktoken file's special tokens; other tokenizer formats carry their own. */
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_create(const char* model_path,
                                                        const char* tokenizer_path,
                                                        const char* const* special_tokens,
                                                        size_t num_special_tokens,
                                                        et_llm_text_runner** out);
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_free(et_llm_text_runner* runner);
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_load(et_llm_text_runner* runner);
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_is_loaded(const et_llm_text_runner* runner,
                                                           bool* out);
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_generate(et_llm_text_runner* runner,
                                                          const char* prompt,
                                                          const et_llm_config* config,
                                                          et_llm_token_callback callback,
                                                          void* user_data);
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_stop(et_llm_text_runner* runner);
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_reset(et_llm_text_runner* runner);
/* The runner's session (owned by the runner; NULL-free): for the session
 * calls above, e.g. generated tokens and stats. INVALID_STATE before load. */
ET_LLM_C_EXPORT et_llm_status et_llm_text_runner_session(et_llm_text_runner* runner,
                                                         et_llm_session** out);

/* -------------------------------------------------------- multimodal runner */
/* Thread safety: as the text runner. */

/* Upstream's MultimodalRunner, created unloaded as the text runner. */
typedef struct et_llm_multimodal_runner et_llm_multimodal_runner;

ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_create(const char* model_path,
                                                              const char* tokenizer_path,
                                                              et_llm_multimodal_runner** out);
ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_free(et_llm_multimodal_runner* runner);
ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_load(et_llm_multimodal_runner* runner);
ET_LLM_C_EXPORT et_llm_status
et_llm_multimodal_runner_is_loaded(const et_llm_multimodal_runner* runner, bool* out);
ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_generate(et_llm_multimodal_runner* runner,
                                                                const et_llm_inputs* inputs,
                                                                const et_llm_config* config,
                                                                et_llm_token_callback callback,
                                                                void* user_data);
ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_stop(et_llm_multimodal_runner* runner);
ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_reset(et_llm_multimodal_runner* runner);
ET_LLM_C_EXPORT et_llm_status et_llm_multimodal_runner_session(et_llm_multimodal_runner* runner,
                                                               et_llm_session** out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ET_LLM_C_API_H */
