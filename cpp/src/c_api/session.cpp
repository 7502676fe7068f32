// et_llm_session and et_llm_generation: one conversation, stepped one token
// at a time, a turn at a time, or pulled piece by piece.
#include "c_api/handles.h"

using et_llm::Error;
using et_llm::c_api::check;
using et_llm::c_api::check_out;
using et_llm::c_api::check_string;
using et_llm::c_api::config_or_default;
using et_llm::c_api::guarded;
using et_llm::c_api::inputs_of;
using et_llm::c_api::point_out;

namespace {

// The finish reason of a session's or a generation's last turn.
template <typename Handle, typename Owner>
et_llm_status finish_reason_of(const Handle* handle, Owner Handle::* owner,
                               et_llm_finish_reason* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(handle));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = et_llm::c_api::finish_reason((handle->*owner)->finish_reason());
    return Error();
  });
}

et_llm::Result<std::vector<et_llm::TokenId>> token_vector(const uint64_t* tokens, size_t count) {
  ET_LLM_CHECK(count == 0 || tokens != nullptr, InvalidArgument, "tokens must not be NULL");
  return std::vector<et_llm::TokenId>(tokens, tokens + count);
}

Error start_generation(et_llm_session* session,
                       et_llm::Result<std::unique_ptr<et_llm::Generation>> started,
                       et_llm_generation** out) {
  if (!started.ok()) {
    return started.error();
  }
  auto handle = std::make_unique<et_llm_generation>();
  handle->generation = std::move(started).get();
  handle->session = session;
  session->live_generations++;
  *out = et_llm::c_api::adopt(std::move(handle));
  return Error();
}

}  // namespace

extern "C" {

et_llm_status et_llm_session_free(et_llm_session* session) {
  return guarded([&]() -> Error {
    if (session == nullptr) {
      return Error();
    }
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK(session->owned != nullptr, InvalidState,
                 "this session belongs to its runner: free the runner instead");
    ET_LLM_CHECK(session->live_generations.load() == 0, InvalidState,
                 "a generation of this session is still alive: free it first");
    return et_llm::c_api::destroy(session);
  });
}

et_llm_status et_llm_session_prefill_text(et_llm_session* session, const char* text,
                                          const et_llm_config* config) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_string(text, "text"));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    return session->session->prefill(std::string(text), *cfg);
  });
}

et_llm_status et_llm_session_prefill_tokens(et_llm_session* session, const uint64_t* tokens,
                                            size_t count) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_ASSIGN_OR_RETURN(auto ids, token_vector(tokens, count));
    return session->session->prefill_tokens(ids);
  });
}

et_llm_status et_llm_session_prefill_inputs(et_llm_session* session, const et_llm_inputs* inputs,
                                            const et_llm_config* config) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_ASSIGN_OR_RETURN(auto list, inputs_of(inputs));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    return session->session->prefill(*list, *cfg);
  });
}

et_llm_status et_llm_session_decode_one(et_llm_session* session, const et_llm_config* config,
                                        et_llm_step* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    ET_LLM_ASSIGN_OR_RETURN(auto step,
                            session->session->decode_one(et_llm::SamplingConfig::from(*cfg)));
    session->piece = std::move(step.text_piece);
    out->token_id = step.token_id;
    out->piece = session->piece.c_str();
    out->piece_size = session->piece.size();
    out->is_eos = step.is_eos;
    out->is_terminal = step.is_terminal;
    return Error();
  });
}

et_llm_status et_llm_session_generate(et_llm_session* session, const char* prompt,
                                      const et_llm_config* config, et_llm_token_callback callback,
                                      void* user_data) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_string(prompt, "prompt"));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    return session->session->generate_text(
        prompt, *cfg, et_llm::c_api::token_callback(callback, user_data, session->session));
  });
}

et_llm_status et_llm_session_generate_inputs(et_llm_session* session, const et_llm_inputs* inputs,
                                             const et_llm_config* config,
                                             et_llm_token_callback callback, void* user_data) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_ASSIGN_OR_RETURN(auto list, inputs_of(inputs));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    return session->session->generate(
        *list, *cfg, et_llm::c_api::token_callback(callback, user_data, session->session));
  });
}

et_llm_status et_llm_session_stop(et_llm_session* session) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    session->session->stop();
    return Error();
  });
}

et_llm_status et_llm_session_reset(et_llm_session* session) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    return session->session->reset();
  });
}

et_llm_status et_llm_session_rewind(et_llm_session* session, int64_t position) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    return session->session->rewind(position);
  });
}

et_llm_status et_llm_session_position(const et_llm_session* session, int64_t* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = session->session->position();
    return Error();
  });
}

et_llm_status et_llm_session_generated_tokens(const et_llm_session* session,
                                              const uint64_t** tokens, size_t* count) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_out(tokens, "tokens"));
    ET_LLM_CHECK_OK(check_out(count, "count"));
    const auto& generated = session->session->generated_tokens();
    *tokens = generated.data();
    *count = generated.size();
    return Error();
  });
}

et_llm_status et_llm_session_generated_text(const et_llm_session* session, const char** text,
                                            size_t* size) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_out(text, "text"));
    point_out(session->session->generated_text(), text, size);
    return Error();
  });
}

et_llm_status et_llm_session_finish_reason(const et_llm_session* session,
                                           et_llm_finish_reason* out) {
  return finish_reason_of(session, &et_llm_session::session, out);
}

et_llm_status et_llm_session_get_stats(const et_llm_session* session, et_llm_stats* stats) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check(stats));
    stats->stats = session->session->stats();
    return Error();
  });
}

et_llm_status et_llm_session_start(et_llm_session* session, const char* prompt,
                                   const et_llm_config* config, et_llm_generation** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_CHECK_OK(check_string(prompt, "prompt"));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    return start_generation(session, session->session->start_text(prompt, *cfg), out);
  });
}

et_llm_status et_llm_session_start_inputs(et_llm_session* session, const et_llm_inputs* inputs,
                                          const et_llm_config* config, et_llm_generation** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(session));
    ET_LLM_ASSIGN_OR_RETURN(auto list, inputs_of(inputs));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    ET_LLM_ASSIGN_OR_RETURN(auto cfg, config_or_default(config));
    return start_generation(session, session->session->start(*list, *cfg), out);
  });
}

et_llm_status et_llm_generation_next(et_llm_generation* generation, const char** piece,
                                     size_t* size, bool* done) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(generation));
    ET_LLM_CHECK_OK(check_out(piece, "piece"));
    ET_LLM_CHECK_OK(check_out(done, "done"));
    ET_LLM_CHECK(!generation->generation->done(), InvalidState, "the generation is done");
    ET_LLM_ASSIGN_OR_RETURN(generation->piece, generation->generation->next());
    point_out(generation->piece, piece, size);
    *done = generation->generation->done();
    return Error();
  });
}

et_llm_status et_llm_generation_finish_reason(const et_llm_generation* generation,
                                              et_llm_finish_reason* out) {
  return finish_reason_of(generation, &et_llm_generation::generation, out);
}

et_llm_status et_llm_generation_free(et_llm_generation* generation) {
  return guarded([&]() -> Error {
    if (generation == nullptr) {
      return Error();
    }
    ET_LLM_CHECK_OK(check(generation));
    generation->generation.reset();  // ends the turn, releasing the session
    generation->session->live_generations--;
    return et_llm::c_api::destroy(generation);
  });
}

}  // extern "C"
