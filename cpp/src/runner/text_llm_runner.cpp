#include "et_llm/text_llm_runner.h"

namespace et_llm {

TextLLMRunner::TextLLMRunner(std::shared_ptr<Engine> engine, std::shared_ptr<IIOManager> io_manager)
    : engine_(std::move(engine)), io_manager_(std::move(io_manager)) {}

Error TextLLMRunner::load() {
  if (session_) {
    return Error();
  }
  ET_LLM_CHECK(engine_ != nullptr, InvalidArgument, "TextLLMRunner needs an engine");
  ET_LLM_ASSIGN_OR_RETURN(session_, engine_->create_session(io_manager_));
  return Error();
}

void TextLLMRunner::stop() {
  if (session_) {
    session_->stop();
  }
}

Error TextLLMRunner::reset() { return session_ ? session_->reset() : Error(); }

Error TextLLMRunner::rewind(int64_t position) {
  ET_LLM_CHECK_OK(load());
  return session_->rewind(position);
}

Error TextLLMRunner::prefill_tokens(const std::vector<TokenId>& tokens) {
  ET_LLM_CHECK_OK(load());
  if (tokens.empty()) {
    return Error();
  }
  return session_->prefill_tokens(tokens);
}

Error TextLLMRunner::prefill(const std::string& prompt, const GenerationConfig& config) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  return session_->prefill(prompt, config);
}

Error TextLLMRunner::generate(const std::string& prompt, const GenerationConfig& config,
                              TokenCallback token_callback, StatsCallback stats_callback) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  return session_->generate_text(prompt, config, std::move(token_callback),
                                 std::move(stats_callback));
}

Error TextLLMRunner::generate_from_tokens(const std::vector<TokenId>& prompt_tokens,
                                          const GenerationConfig& config,
                                          TokenCallback token_callback,
                                          StatsCallback stats_callback) {
  ET_LLM_CHECK_OK(load());
  ET_LLM_ASSIGN_OR_RETURN(
      auto generation,
      session_->start_tokens(prompt_tokens, config, static_cast<bool>(token_callback)));
  return session_->run(*generation, config, token_callback, stats_callback);
}

Error TextLLMRunner::warmup(const std::string& prompt, int32_t max_new_tokens) {
  GenerationConfig config;
  config.warming = true;
  config.echo = false;
  config.temperature = 0.0f;
  config.max_new_tokens = max_new_tokens;
  Error err = generate(prompt, config);
  if (err.code() == ErrorCode::InvalidState) {
    return err;  // busy: the running generation's conversation is not ours to reset
  }
  Error reset_err = reset();
  return err.ok() ? reset_err : err;
}

}  // namespace et_llm
