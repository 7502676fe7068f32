// What the C API's opaque handles hold, and the checks every entry point
// makes: the handle is live and of the right type, no exception escapes, the
// status's message is kept for et_llm_last_error_message().
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "et_llm/c_api.h"
#include "et_llm/engine.h"
#include "et_llm/error.h"
#include "et_llm/generation_config.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/multimodal_runner.h"
#include "et_llm/session.h"
#include "et_llm/stats.h"
#include "et_llm/text_llm_runner.h"

struct et_llm_config {
  et_llm::GenerationConfig config;
};

struct et_llm_inputs {
  std::vector<et_llm::MultimodalInput> inputs;
};

struct et_llm_stats {
  et_llm::Stats stats;
};

struct et_llm_engine {
  std::shared_ptr<et_llm::Engine> engine;
};

struct et_llm_session {
  std::unique_ptr<et_llm::Session> owned;  // null when a runner owns the session
  et_llm::Session* session = nullptr;
  std::string piece;  // et_llm_session_decode_one's
  std::atomic<int> live_generations{0};
};

struct et_llm_generation {
  std::unique_ptr<et_llm::Generation> generation;
  et_llm_session* session = nullptr;
  std::string piece;
};

// Upstream's runners are created unloaded: the paths wait for load().
struct et_llm_text_runner {
  std::string model_path;
  std::string tokenizer_path;
  std::vector<std::string> special_tokens;
  std::mutex load_mutex;
  std::unique_ptr<et_llm::TextLLMRunner> runner;
  std::unique_ptr<et_llm_session> session;           // the runner's, borrowed
  std::atomic<et_llm::Session*> stoppable{nullptr};  // for *_stop from other threads
};

struct et_llm_multimodal_runner {
  std::string model_path;
  std::string tokenizer_path;
  std::mutex load_mutex;
  std::unique_ptr<et_llm::MultimodalRunner> runner;
  std::unique_ptr<et_llm_session> session;
  std::atomic<et_llm::Session*> stoppable{nullptr};
};

namespace et_llm::c_api {

enum class HandleKind {
  Config,
  Inputs,
  Stats,
  Engine,
  Session,
  Generation,
  TextRunner,
  MultimodalRunner
};

template <typename T>
struct KindOf;
#define ET_LLM_C_KIND(type, kind, label)                  \
  template <>                                             \
  struct KindOf<type> {                                   \
    static constexpr HandleKind value = HandleKind::kind; \
    static constexpr const char* name = label;            \
  };
ET_LLM_C_KIND(et_llm_config, Config, "et_llm_config")
ET_LLM_C_KIND(et_llm_inputs, Inputs, "et_llm_inputs")
ET_LLM_C_KIND(et_llm_stats, Stats, "et_llm_stats")
ET_LLM_C_KIND(et_llm_engine, Engine, "et_llm_engine")
ET_LLM_C_KIND(et_llm_session, Session, "et_llm_session")
ET_LLM_C_KIND(et_llm_generation, Generation, "et_llm_generation")
ET_LLM_C_KIND(et_llm_text_runner, TextRunner, "et_llm_text_runner")
ET_LLM_C_KIND(et_llm_multimodal_runner, MultimodalRunner, "et_llm_multimodal_runner")
#undef ET_LLM_C_KIND

// The live handles: a freed, foreign or mistyped pointer is refused by lookup
// instead of being dereferenced.
void register_handle(const void* handle, HandleKind kind);
void unregister_handle(const void* handle);
Error check_handle(const void* handle, HandleKind kind, const char* name);

template <typename T>
Error check(const T* handle) {
  return check_handle(handle, KindOf<T>::value, KindOf<T>::name);
}

// A new handle, registered; its ownership passes to the caller through `out`.
template <typename T>
T* adopt(std::unique_ptr<T> handle) {
  register_handle(handle.get(), KindOf<T>::value);
  return handle.release();
}

// Unregisters and deletes `handle`; NULL is a no-op, as for free().
template <typename T>
Error destroy(T* handle) {
  if (handle == nullptr) {
    return Error();
  }
  ET_LLM_CHECK_OK(check(handle));
  unregister_handle(handle);
  delete handle;
  return Error();
}

Error check_out(const void* out, const char* name);
// `text` into the caller's buffer, as snprintf does; `*size` = its full length.
Error copy_out(const std::string& text, char* buffer, size_t capacity, size_t* size);
Error check_string(const char* text, const char* name);
// Points `*text` at a string the handle owns; `*size` (optional) = its length.
void point_out(const std::string& value, const char** text, size_t* size);

// Keeps `error`'s message for et_llm_last_error_message() and returns its code.
et_llm_status finish(const Error& error);

// Runs `body` (returning Error), turning any exception into a status.
template <typename Body>
et_llm_status guarded(Body&& body) noexcept {
  try {
    return finish(body());
  } catch (const std::bad_alloc&) {
    return finish(Error(ErrorCode::Internal, "out of memory"));
  } catch (const std::exception& e) {
    return finish(Error(ErrorCode::Internal, std::string("unexpected exception: ") + e.what()));
  } catch (...) {
    return finish(Error(ErrorCode::Internal, "unexpected exception"));
  }
}

// A C token callback as et_llm's TokenCallback: ET_LLM_STOP stops `session`.
TokenCallback token_callback(et_llm_token_callback callback, void* user_data, Session* session);

et_llm_finish_reason finish_reason(FinishReason reason);

}  // namespace et_llm::c_api

namespace et_llm::c_api {

// `config`'s GenerationConfig, or the defaults when it is NULL; an error for
// a pointer that is not a live config.
Result<const GenerationConfig*> config_or_default(const et_llm_config* config);
// EngineOptions with the pool size et_llm_set_num_threads asked for.
EngineOptions engine_options();
// `inputs`' list; an error for a NULL or dead handle.
Result<const std::vector<MultimodalInput>*> inputs_of(const et_llm_inputs* inputs);

}  // namespace et_llm::c_api
