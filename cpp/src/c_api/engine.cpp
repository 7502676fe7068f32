// et_llm_engine: one loaded model, shared by its sessions.
#include <algorithm>
#include <atomic>

#include "c_api/handles.h"

using et_llm::Error;
using et_llm::c_api::check;
using et_llm::c_api::check_out;
using et_llm::c_api::check_string;
using et_llm::c_api::guarded;

extern "C" {

et_llm_status et_llm_engine_create(const char* model_path, const char* tokenizer_path,
                                   const char* data_path, et_llm_engine** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check_string(model_path, "model_path"));
    ET_LLM_CHECK_OK(check_string(tokenizer_path, "tokenizer_path"));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    et_llm::EngineOptions options = et_llm::c_api::engine_options();
    if (data_path != nullptr) {
      options.data_path = data_path;
    }
    ET_LLM_ASSIGN_OR_RETURN(auto engine,
                            et_llm::Engine::create(model_path, tokenizer_path, options));
    auto handle = std::make_unique<et_llm_engine>();
    handle->engine = std::move(engine);
    *out = et_llm::c_api::adopt(std::move(handle));
    return Error();
  });
}

et_llm_status et_llm_engine_free(et_llm_engine* engine) {
  return guarded([&] { return et_llm::c_api::destroy(engine); });
}

et_llm_status et_llm_engine_vocab_size(const et_llm_engine* engine, int64_t* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = engine->engine->vocab_size();
    return Error();
  });
}

et_llm_status et_llm_engine_max_context_len(const et_llm_engine* engine, int64_t* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = engine->engine->llm_metadata().max_context_len;
    return Error();
  });
}

et_llm_status et_llm_engine_is_multimodal(const et_llm_engine* engine, bool* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = engine->engine->kind() == et_llm::ProgramKind::Multimodal;
    return Error();
  });
}

et_llm_status et_llm_engine_metadata(const et_llm_engine* engine, const char* name, int64_t* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK_OK(check_string(name, "name"));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    const auto& metadata = engine->engine->metadata();
    auto it = metadata.find(name);
    ET_LLM_CHECK(it != metadata.end(), NotFound,
                 std::string("the program has no constant method '") + name + "'");
    *out = it->second;
    return Error();
  });
}

et_llm_status et_llm_engine_encode(const et_llm_engine* engine, const char* text, uint64_t* tokens,
                                   size_t capacity, size_t* count) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK_OK(check_string(text, "text"));
    ET_LLM_CHECK(capacity == 0 || tokens != nullptr, InvalidArgument,
                 "tokens must not be NULL when capacity > 0");
    ET_LLM_CHECK_OK(check_out(count, "count"));
    ET_LLM_ASSIGN_OR_RETURN(auto ids, engine->engine->tokenizer().encode(text));
    std::copy_n(ids.begin(), std::min(capacity, ids.size()), tokens);
    *count = ids.size();
    return Error();
  });
}

et_llm_status et_llm_engine_decode(const et_llm_engine* engine, const uint64_t* tokens,
                                   size_t count, char* text, size_t capacity, size_t* size) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK(count == 0 || tokens != nullptr, InvalidArgument, "tokens must not be NULL");
    ET_LLM_ASSIGN_OR_RETURN(
        auto decoded,
        engine->engine->tokenizer().decode(std::vector<et_llm::TokenId>(tokens, tokens + count)));
    return et_llm::c_api::copy_out(decoded, text, capacity, size);
  });
}

et_llm_status et_llm_engine_create_session(et_llm_engine* engine, et_llm_session** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(engine));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    auto handle = std::make_unique<et_llm_session>();
    ET_LLM_ASSIGN_OR_RETURN(handle->owned, engine->engine->create_session());
    handle->session = handle->owned.get();
    *out = et_llm::c_api::adopt(std::move(handle));
    return Error();
  });
}

}  // extern "C"
