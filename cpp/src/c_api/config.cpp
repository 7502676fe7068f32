// et_llm_config: a GenerationConfig behind a handle, one setter and getter
// per field.
#include "c_api/handles.h"

using et_llm::Error;
using et_llm::c_api::check;
using et_llm::c_api::check_out;
using et_llm::c_api::guarded;

namespace et_llm::c_api {

Result<const GenerationConfig*> config_or_default(const et_llm_config* config) {
  static const GenerationConfig defaults;
  if (config == nullptr) {
    return &defaults;
  }
  ET_LLM_CHECK_OK(check(config));
  return &config->config;
}

}  // namespace et_llm::c_api

extern "C" {

et_llm_status et_llm_config_create(et_llm_config** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = et_llm::c_api::adopt(std::make_unique<et_llm_config>());
    return Error();
  });
}

et_llm_status et_llm_config_copy(const et_llm_config* config, et_llm_config** out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    auto copy = std::make_unique<et_llm_config>();
    copy->config = config->config;
    *out = et_llm::c_api::adopt(std::move(copy));
    return Error();
  });
}

et_llm_status et_llm_config_free(et_llm_config* config) {
  return guarded([&] { return et_llm::c_api::destroy(config); });
}

et_llm_status et_llm_config_validate(const et_llm_config* config) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    return config->config.validate();
  });
}

#define ET_LLM_C_CONFIG_FIELD(field, type)                                          \
  et_llm_status et_llm_config_set_##field(et_llm_config* config, type value) {      \
    return guarded([&]() -> Error {                                                 \
      ET_LLM_CHECK_OK(check(config));                                               \
      config->config.field = value;                                                 \
      return Error();                                                               \
    });                                                                             \
  }                                                                                 \
  et_llm_status et_llm_config_get_##field(const et_llm_config* config, type* out) { \
    return guarded([&]() -> Error {                                                 \
      ET_LLM_CHECK_OK(check(config));                                               \
      ET_LLM_CHECK_OK(check_out(out, "out"));                                       \
      *out = config->config.field;                                                  \
      return Error();                                                               \
    });                                                                             \
  }
ET_LLM_C_CONFIG_FIELD(echo, bool)
ET_LLM_C_CONFIG_FIELD(max_new_tokens, int32_t)
ET_LLM_C_CONFIG_FIELD(warming, bool)
ET_LLM_C_CONFIG_FIELD(seq_len, int32_t)
ET_LLM_C_CONFIG_FIELD(temperature, float)
ET_LLM_C_CONFIG_FIELD(num_eos, int32_t)
ET_LLM_C_CONFIG_FIELD(ignore_eos, bool)
ET_LLM_C_CONFIG_FIELD(seed, int64_t)
ET_LLM_C_CONFIG_FIELD(top_k, int32_t)
ET_LLM_C_CONFIG_FIELD(top_p, float)
ET_LLM_C_CONFIG_FIELD(min_p, float)
ET_LLM_C_CONFIG_FIELD(repetition_penalty, float)
ET_LLM_C_CONFIG_FIELD(frequency_penalty, float)
ET_LLM_C_CONFIG_FIELD(presence_penalty, float)
ET_LLM_C_CONFIG_FIELD(penalty_last_n, int32_t)
ET_LLM_C_CONFIG_FIELD(add_special_tokens, bool)
#undef ET_LLM_C_CONFIG_FIELD

// A num_bos the caller sets is the framing (as upstream's), not the tokenizer's default.
et_llm_status et_llm_config_set_num_bos(et_llm_config* config, int32_t value) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    config->config.num_bos = value;
    config->config.add_special_tokens = false;
    return Error();
  });
}

et_llm_status et_llm_config_get_num_bos(const et_llm_config* config, int32_t* out) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    ET_LLM_CHECK_OK(check_out(out, "out"));
    *out = config->config.num_bos;
    return Error();
  });
}

et_llm_status et_llm_config_add_stop_string(et_llm_config* config, const char* text) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    ET_LLM_CHECK_OK(et_llm::c_api::check_string(text, "text"));
    config->config.stop.emplace_back(text);
    return Error();
  });
}

et_llm_status et_llm_config_add_stop_token(et_llm_config* config, uint64_t token_id) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    config->config.stop_token_ids.push_back(static_cast<int64_t>(token_id));
    return Error();
  });
}

et_llm_status et_llm_config_clear_stops(et_llm_config* config) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    config->config.stop.clear();
    config->config.stop_token_ids.clear();
    return Error();
  });
}

et_llm_status et_llm_config_set_grammar(et_llm_config* config, const char* grammar,
                                        const char* type) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    ET_LLM_CHECK_OK(et_llm::c_api::check_string(grammar, "grammar"));
    ET_LLM_CHECK_OK(et_llm::c_api::check_string(type, "type"));
    ET_LLM_CHECK(
        grammar[0] == '\0' || et_llm::is_grammar_type(type), InvalidArgument,
        std::string("unknown grammar type '") + type + "' (json_schema, regex, lark or gbnf)");
    config->config.grammar = grammar;
    config->config.grammar_type = grammar[0] == '\0' ? "" : type;
    return Error();
  });
}

et_llm_status et_llm_config_set_speculative(et_llm_config* config, const char* kind,
                                            int32_t num_draft_tokens) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    ET_LLM_CHECK_OK(et_llm::c_api::check_string(kind, "kind"));
    config->config.speculative = kind;
    config->config.num_draft_tokens = num_draft_tokens;
    return Error();
  });
}

et_llm_status et_llm_config_describe(const et_llm_config* config, char* text, size_t capacity,
                                     size_t* size) {
  return guarded([&]() -> Error {
    ET_LLM_CHECK_OK(check(config));
    return et_llm::c_api::copy_out(config->config.to_string(), text, capacity, size);
  });
}

}  // extern "C"
