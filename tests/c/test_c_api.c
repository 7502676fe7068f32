/* The C API from a C program (C99, not C++), against the eager-PyTorch
 * reference passed by check_c_api.py:
 *   test_c_api MODEL TOKENIZER PROMPT_TEXT PROMPT_IDS OUTPUT_IDS
 * (ids comma-separated; PROMPT_IDS start with BOS, so PROMPT_TEXT is
 * generated with one BOS). Prints each check; exits 1 when any failed. */
#define _POSIX_C_SOURCE 200809L /* pthreads under -std=c99 */

#include <et_llm/c_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define EXPECT(cond, what)                                           \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); \
      failures++;                                                    \
    }                                                                \
  } while (0)

/* `call` must return `want` with a non-empty message naming `needle`. */
static void expect_status(et_llm_status got, et_llm_status want, const char* needle,
                          const char* what) {
  const char* message = et_llm_last_error_message();
  if (got != want) {
    fprintf(stderr, "FAIL %s: got %s (%s), want %s\n", what, et_llm_status_name(got), message,
            et_llm_status_name(want));
    failures++;
    return;
  }
  if (want != ET_LLM_STATUS_OK && (message[0] == '\0' || strstr(message, needle) == NULL)) {
    fprintf(stderr, "FAIL %s: message '%s' lacks '%s'\n", what, message, needle);
    failures++;
    return;
  }
  fprintf(stderr, "ok   %s: %s %s\n", what, et_llm_status_name(got), message);
}

static size_t parse_ids(const char* text, uint64_t* ids, size_t capacity) {
  size_t count = 0;
  while (*text != '\0' && count < capacity) {
    char* end = NULL;
    ids[count++] = strtoull(text, &end, 10);
    text = (*end == ',') ? end + 1 : end;
  }
  return count;
}

typedef struct {
  char text[4096];
  size_t size;
  int pieces;
  int stop_after; /* ask to stop after this many pieces; 0: never */
} collected;

static et_llm_callback_action collect(const char* piece, size_t size, void* user_data) {
  collected* out = (collected*)user_data;
  if (out->size + size < sizeof(out->text)) {
    memcpy(out->text + out->size, piece, size);
    out->size += size;
    out->text[out->size] = '\0';
  }
  out->pieces++;
  return (out->stop_after > 0 && out->pieces >= out->stop_after) ? ET_LLM_STOP : ET_LLM_CONTINUE;
}

/* Calls from a thread's exit (a pthread key destructor, as Foundation's
 * threads make), after that thread's last call failed. */
static pthread_key_t exit_key;

static void at_thread_exit(void* config) {
  et_llm_config_validate((et_llm_config*)config); /* fails again: writes the message */
  et_llm_config_free((et_llm_config*)config);
}

static void* failing_worker(void* unused) {
  (void)unused;
  et_llm_config* config = NULL;
  et_llm_config_create(&config);
  et_llm_config_set_temperature(config, -1.0f);
  et_llm_config_validate(config);
  pthread_setspecific(exit_key, config);
  return NULL;
}

static void calls_during_thread_exit(void) {
  pthread_key_create(&exit_key, at_thread_exit);
  for (int i = 0; i < 20; ++i) {
    pthread_t thread;
    pthread_create(&thread, NULL, failing_worker, NULL);
    pthread_join(thread, NULL);
  }
  pthread_key_delete(exit_key);
  fprintf(stderr, "ok   calls during thread exit\n");
}

static et_llm_callback_action fail_at_second(const char* piece, size_t size, void* user_data) {
  (void)piece;
  (void)size;
  int* pieces = (int*)user_data;
  return ++*pieces >= 2 ? ET_LLM_FAIL : ET_LLM_CONTINUE;
}

static int same_ids(const uint64_t* got, size_t got_count, const uint64_t* want,
                    size_t want_count) {
  if (got_count != want_count) return 0;
  for (size_t i = 0; i < got_count; ++i) {
    if (got[i] != want[i]) return 0;
  }
  return 1;
}

static et_llm_config* greedy(int32_t max_new_tokens, int32_t num_bos) {
  et_llm_config* config = NULL;
  et_llm_config_create(&config);
  et_llm_config_set_temperature(config, 0.0f);
  et_llm_config_set_echo(config, false);
  et_llm_config_set_max_new_tokens(config, max_new_tokens);
  et_llm_config_set_num_bos(config, num_bos);
  return config;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s MODEL TOKENIZER PROMPT_TEXT PROMPT_IDS OUTPUT_IDS\n", argv[0]);
    return 2;
  }
  const char* model = argv[1];
  const char* tokenizer = argv[2];
  const char* prompt = argv[3];
  uint64_t prompt_ids[1024];
  uint64_t want[1024];
  const size_t prompt_count = parse_ids(argv[4], prompt_ids, 1024);
  const size_t want_count = parse_ids(argv[5], want, 1024);
  et_llm_config* config = greedy((int32_t)want_count, 1);

  /* The text runner, as upstream's: created unloaded, loaded, generating. */
  et_llm_text_runner* runner = NULL;
  expect_status(et_llm_text_runner_create(model, tokenizer, NULL, 0, &runner), ET_LLM_STATUS_OK, "",
                "text_runner_create");
  bool loaded = true;
  et_llm_text_runner_is_loaded(runner, &loaded);
  EXPECT(!loaded, "a new runner is not loaded");
  expect_status(et_llm_text_runner_load(runner), ET_LLM_STATUS_OK, "", "text_runner_load");
  collected streamed = {{0}, 0, 0, 0};
  expect_status(et_llm_text_runner_generate(runner, prompt, config, collect, &streamed),
                ET_LLM_STATUS_OK, "", "text_runner_generate");
  et_llm_session* runner_session = NULL;
  expect_status(et_llm_text_runner_session(runner, &runner_session), ET_LLM_STATUS_OK, "",
                "text_runner_session");
  const uint64_t* got = NULL;
  size_t got_count = 0;
  et_llm_session_generated_tokens(runner_session, &got, &got_count);
  EXPECT(same_ids(got, got_count, want, want_count), "text runner ids equal the eager oracle");
  EXPECT(streamed.pieces > 0 && streamed.size > 0, "the callback received the text");

  /* Bad input: each returns its status and message, the runner stays usable. */
  et_llm_config* bad = greedy(4, 1);
  et_llm_config_set_temperature(bad, -1.0f);
  expect_status(et_llm_text_runner_generate(runner, prompt, bad, NULL, NULL),
                ET_LLM_STATUS_INVALID_ARGUMENT, "temperature", "negative temperature");
  expect_status(et_llm_config_validate(bad), ET_LLM_STATUS_INVALID_ARGUMENT, "temperature",
                "config_validate");
  expect_status(et_llm_text_runner_generate(NULL, prompt, config, NULL, NULL),
                ET_LLM_STATUS_INVALID_ARGUMENT, "NULL", "NULL runner");
  expect_status(et_llm_text_runner_generate(runner, NULL, config, NULL, NULL),
                ET_LLM_STATUS_INVALID_ARGUMENT, "prompt", "NULL prompt");
  expect_status(
      et_llm_text_runner_generate((et_llm_text_runner*)config, prompt, config, NULL, NULL),
      ET_LLM_STATUS_INVALID_ARGUMENT, "not an et_llm_text_runner", "wrong handle type");
  expect_status(et_llm_text_runner_generate(runner, prompt, (et_llm_config*)runner, NULL, NULL),
                ET_LLM_STATUS_INVALID_ARGUMENT, "et_llm_config", "runner passed as config");

  et_llm_engine* engine = NULL;
  expect_status(et_llm_engine_create("/nonexistent/model.pte", tokenizer, NULL, &engine),
                ET_LLM_STATUS_NOT_FOUND, "/nonexistent/model.pte", "missing model file");
  EXPECT(engine == NULL, "a failed create leaves out untouched");
  expect_status(et_llm_engine_create(model, "/nonexistent/tokenizer.json", NULL, &engine),
                ET_LLM_STATUS_NOT_FOUND, "/nonexistent/tokenizer.json", "missing tokenizer");
  et_llm_text_runner* missing = NULL;
  et_llm_text_runner_create("/nonexistent/model.pte", tokenizer, NULL, 0, &missing);
  expect_status(et_llm_text_runner_load(missing), ET_LLM_STATUS_NOT_FOUND, "model.pte",
                "runner load of a missing file");
  et_llm_text_runner_free(missing);

  expect_status(et_llm_engine_create(model, tokenizer, NULL, &engine), ET_LLM_STATUS_OK, "",
                "engine_create");
  int64_t context = 0;
  et_llm_engine_max_context_len(engine, &context);
  EXPECT(context > 0 && context < 100000, "max_context_len");
  uint64_t* long_prompt = calloc((size_t)context + 1, sizeof(uint64_t));
  for (int64_t i = 0; i <= context; ++i) long_prompt[i] = prompt_ids[(size_t)i % prompt_count];
  et_llm_session* session = NULL;
  expect_status(et_llm_engine_create_session(engine, &session), ET_LLM_STATUS_OK, "",
                "create_session");
  expect_status(et_llm_session_prefill_tokens(session, long_prompt, (size_t)context + 1),
                ET_LLM_STATUS_CONTEXT_OVERFLOW, "", "over-long prompt");
  free(long_prompt);
  int64_t position = -1;
  et_llm_session_position(session, &position);
  EXPECT(position == 0, "a failed prefill leaves the session as it was");

  /* decode_one stepping from the reference ids equals the oracle. */
  expect_status(et_llm_session_prefill_tokens(session, prompt_ids, prompt_count), ET_LLM_STATUS_OK,
                "", "prefill_tokens");
  uint64_t stepped[1024];
  size_t stepped_count = 0;
  while (stepped_count < want_count) {
    et_llm_step step;
    if (et_llm_session_decode_one(session, config, &step) != ET_LLM_STATUS_OK) {
      EXPECT(0, et_llm_last_error_message());
      break;
    }
    stepped[stepped_count++] = step.token_id;
    if (step.is_eos) break;
  }
  EXPECT(same_ids(stepped, stepped_count, want, want_count), "decode_one ids equal the oracle");

  /* A generation pulled piece by piece, then a stop asked for by the callback. */
  et_llm_session_reset(session);
  et_llm_generation* generation = NULL;
  expect_status(et_llm_session_start(session, prompt, config, &generation), ET_LLM_STATUS_OK, "",
                "session_start");
  expect_status(et_llm_session_free(session), ET_LLM_STATUS_INVALID_STATE, "generation",
                "free a session with a live generation");
  bool done = false;
  while (!done) {
    const char* piece = NULL;
    if (et_llm_generation_next(generation, &piece, NULL, &done) != ET_LLM_STATUS_OK) {
      EXPECT(0, et_llm_last_error_message());
      break;
    }
  }
  et_llm_generation_free(generation);
  et_llm_session_generated_tokens(session, &got, &got_count);
  EXPECT(same_ids(got, got_count, want, want_count), "pulled generation equals the oracle");

  et_llm_session_reset(session);
  collected stopped = {{0}, 0, 0, 2};
  expect_status(et_llm_session_generate(session, prompt, config, collect, &stopped),
                ET_LLM_STATUS_OK, "", "generate with a stopping callback");
  et_llm_finish_reason reason = ET_LLM_FINISH_NONE;
  et_llm_session_finish_reason(session, &reason);
  EXPECT(stopped.pieces == 2 && reason == ET_LLM_FINISH_STOPPED, "ET_LLM_STOP ends the turn");

  /* A callback that fails the call: CALLBACK_FAILED, and the turn is taken back. */
  et_llm_session_reset(session);
  int pieces = 0;
  expect_status(et_llm_session_generate(session, prompt, config, fail_at_second, &pieces),
                ET_LLM_STATUS_CALLBACK_FAILED, "ET_LLM_FAIL", "callback returns ET_LLM_FAIL");
  et_llm_session_position(session, &position);
  EXPECT(pieces == 2 && position == 0, "a failed callback rolls the turn back");

  /* Freed handles are refused, twice-freeing included; the runner still works. */
  expect_status(et_llm_session_free(session), ET_LLM_STATUS_OK, "", "session_free");
  expect_status(et_llm_session_free(session), ET_LLM_STATUS_INVALID_ARGUMENT, "not a live",
                "double free");
  expect_status(et_llm_session_reset(session), ET_LLM_STATUS_INVALID_ARGUMENT, "not a live",
                "use after free");
  expect_status(et_llm_session_free(runner_session), ET_LLM_STATUS_INVALID_STATE, "runner",
                "free a runner's session");
  et_llm_engine_free(engine);

  et_llm_text_runner_reset(runner);
  expect_status(et_llm_text_runner_generate(runner, prompt, config, NULL, NULL), ET_LLM_STATUS_OK,
                "", "generate after the errors");
  et_llm_session_generated_tokens(runner_session, &got, &got_count);
  EXPECT(same_ids(got, got_count, want, want_count), "ids after the errors equal the oracle");

  calls_during_thread_exit();
  et_llm_config_free(bad);
  et_llm_config_free(config);
  expect_status(et_llm_text_runner_free(runner), ET_LLM_STATUS_OK, "", "text_runner_free");
  expect_status(et_llm_text_runner_free(runner), ET_LLM_STATUS_INVALID_ARGUMENT, "not a live",
                "text runner double free");
  fprintf(stderr, failures == 0 ? "all C API checks passed\n" : "%d C API check(s) failed\n",
          failures);
  return failures == 0 ? 0 : 1;
}
