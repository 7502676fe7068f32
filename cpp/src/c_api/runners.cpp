// et_llm_text_runner and et_llm_multimodal_runner: upstream's runners,
// created unloaded (as upstream's Swift classes are) and loaded on demand.
#include "c_api/handles.h"
#include "et_llm/tokenizer_loader.h"

using et_llm::Error;
using et_llm::c_api::check;
using et_llm::c_api::check_out;
using et_llm::c_api::check_string;
using et_llm::c_api::config_or_default;
using et_llm::c_api::guarded;

namespace {

et_llm::Result<std::shared_ptr<et_llm::Tokenizer>> tokenizer_of(const et_llm_text_runner& handle) {
  et_llm::TiktokenOptions tiktoken;
  if (!handle.special_tokens.empty()) {
    tiktoken.special_tokens = handle.special_tokens;
  }
  ET_LLM_ASSIGN_OR_RETURN(auto tokenizer, et_llm::load_tokenizer(handle.tokenizer_path, tiktoken));
  return std::shared_ptr<et_llm::Tokenizer>(std::move(tokenizer));
}

et_llm::Result<std::shared_ptr<et_llm::Tokenizer>> tokenizer_of(
    const et_llm_multimodal_runner& handle) {
  ET_LLM_ASSIGN_OR_RETURN(auto tokenizer, et_llm::load_tokenizer(handle.tokenizer_path));
  return std::shared_ptr<et_llm::Tokenizer>(std::move(tokenizer));
}

// Loads `handle`'s engine and runner once; later calls return at once.
template <typename Runner, typename Handle>
Error load(Handle* handle) {
  std::lock_guard<std::mutex> lock(handle->load_mutex);
  if (handle->runner != nullptr) {
    return Error();
  }
  ET_LLM_ASSIGN_OR_RETURN(auto tokenizer, tokenizer_of(*handle));
  ET_LLM_ASSIGN_OR_RETURN(auto engine, et_llm::Engine::create(handle->model_path, tokenizer,
                                                              et_llm::c_api::engine_options()));
  auto runner = std::make_unique<Runner>(std::move(engine));
  ET_LLM_CHECK_OK(runner->load());
  auto session = std::make_unique<et_llm_session>();
  session->session = &runner->session();
  et_llm::c_api::register_handle(session.get(), et_llm::c_api::HandleKind::Session);
  handle->stoppable = session->session;
  handle->session = std::move(session);
  handle->runner = std::move(runner);
  return Error();
}

template <typename Handle>
et_llm_status free_runner(Handle* handle) {
  return guarded([&]() -> Error {
    if (handle == nullptr) {
      return Error();
    }
    ET_LLM_CHECK_OK(check(handle));
    if (handle->session != nullptr) {
      et_llm::c_api::unregister_handle(handle->session.get());
    }
    return et_llm::c_api::destroy(handle);
  });
}

template <typename Handle>
et_llm_status is_loaded(const Handle* handle, bool* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(handle));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = handle->stoppable.load() != nullptr;
    return Error();
  });
}

template <typename Handle>
et_llm_status stop(Handle* handle) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(handle));
    if (auto* session = handle->stoppable.load()) {
      session->stop();
    }
    return Error();
  });
}

template <typename Handle>
et_llm_status reset(Handle* handle) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(handle));
    auto* session = handle->stoppable.load();
    return session != nullptr ? session->reset() : Error();
  });
}

template <typename Handle>
et_llm_status session_of(Handle* handle, et_llm_session** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(handle));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    ET_LLM_CHECK(handle->stoppable.load() != nullptr, InvalidState,
                 "the runner is not loaded (call load first)");
    *out = handle->session.get();
    return Error();
  });
}

}  // namespace

extern "C" {

et_llm_status et_llm_text_runner_create(const char* model_path, const char* tokenizer_path,
                                        const char* const* special_tokens,
                                        size_t num_special_tokens, et_llm_text_runner** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check_string(model_path, "model_path"));
    ET_LLM_CHECK_OK(check_string(tokenizer_path, "tokenizer_path"));
    ET_LLM_CHECK(num_special_tokens == 0 || special_tokens != nullptr, InvalidArgument,
                 "special_tokens must not be NULL when num_special_tokens > 0");
    ET_LLM_CHECK_OK(check_out(out, "out"));
    auto handle = std::make_unique<et_llm_text_runner>();
    handle->model_path = model_path;
    handle->tokenizer_path = tokenizer_path;
    for (size_t i = 0; i < num_special_tokens; ++i) {
      ET_LLM_CHECK(special_tokens[i] != nullptr, InvalidArgument,
                   "special_tokens[" + std::to_string(i) + "] is NULL");
      handle->special_tokens.emplace_back(special_tokens[i]);
    }
    *out = et_llm::c_api::adopt(std::move(handle));
    return Error();
  });
}

et_llm_status et_llm_text_runner_free(et_llm_text_runner* runner) { return free_runner(runner); }

et_llm_status et_llm_text_runner_load(et_llm_text_runner* runner) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(runner));
    return load<et_llm::TextLLMRunner>(runner);
  });
}

et_llm_status et_llm_text_runner_is_loaded(const et_llm_text_runner* runner, bool* out) {
  return is_loaded(runner, out);
}

et_llm_status et_llm_text_runner_generate(et_llm_text_runner* runner, const char* prompt,
                                          const et_llm_config* config,
                                          et_llm_token_callback callback, void* user_data) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(runner));
    ET_LLM_CHECK_OK(check_string(prompt, "prompt"));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    ET_LLM_CHECK_OK(load<et_llm::TextLLMRunner>(runner));
    return runner->runner->generate(
        prompt, *cfg, et_llm::c_api::token_callback(callback, user_data, runner->stoppable));
  });
}

et_llm_status et_llm_text_runner_stop(et_llm_text_runner* runner) { return stop(runner); }

et_llm_status et_llm_text_runner_reset(et_llm_text_runner* runner) { return reset(runner); }

et_llm_status et_llm_text_runner_session(et_llm_text_runner* runner, et_llm_session** out) {
  return session_of(runner, out);
}

et_llm_status et_llm_multimodal_runner_create(const char* model_path, const char* tokenizer_path,
                                              et_llm_multimodal_runner** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check_string(model_path, "model_path"));
    ET_LLM_CHECK_OK(check_string(tokenizer_path, "tokenizer_path"));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    auto handle = std::make_unique<et_llm_multimodal_runner>();
    handle->model_path = model_path;
    handle->tokenizer_path = tokenizer_path;
    *out = et_llm::c_api::adopt(std::move(handle));
    return Error();
  });
}

et_llm_status et_llm_multimodal_runner_free(et_llm_multimodal_runner* runner) {
  return free_runner(runner);
}

et_llm_status et_llm_multimodal_runner_load(et_llm_multimodal_runner* runner) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(runner));
    return load<et_llm::MultimodalRunner>(runner);
  });
}

et_llm_status et_llm_multimodal_runner_is_loaded(const et_llm_multimodal_runner* runner,
                                                 bool* out) {
  return is_loaded(runner, out);
}

et_llm_status et_llm_multimodal_runner_generate(et_llm_multimodal_runner* runner,
                                                const et_llm_inputs* inputs,
                                                const et_llm_config* config,
                                                et_llm_token_callback callback, void* user_data) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(runner));
    ET_LLM_ASSIGN_OR_RETURN(auto list, et_llm::c_api::inputs_of(inputs));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    ET_LLM_CHECK_OK(load<et_llm::MultimodalRunner>(runner));
    return runner->runner->generate(
        *list, *cfg, et_llm::c_api::token_callback(callback, user_data, runner->stoppable));
  });
}

et_llm_status et_llm_multimodal_runner_stop(et_llm_multimodal_runner* runner) {
  return stop(runner);
}

et_llm_status et_llm_multimodal_runner_reset(et_llm_multimodal_runner* runner) {
  return reset(runner);
}

et_llm_status et_llm_multimodal_runner_session(et_llm_multimodal_runner* runner,
                                               et_llm_session** out) {
  return session_of(runner, out);
}

}  // extern "C"
