#include "et_llm/multimodal_runner.h"

#include "et_llm/multimodal_prefiller.h"

namespace et_llm {

MultimodalRunner::MultimodalRunner(std::shared_ptr<Engine> engine,
                                   std::shared_ptr<IIOManager> io_manager)
    : engine_(std::move(engine)), io_manager_(std::move(io_manager)) {}

Error MultimodalRunner::load() {
  if (session_) {
    return Error();
  }
  ET_LLM_CHECK(engine_ != nullptr, InvalidArgument, "MultimodalRunner needs an engine");
  ET_LLM_CHECK(engine_->kind() == ProgramKind::Multimodal, InvalidProgram,
               std::string("not a multimodal program: it has no '") + kTokenEmbeddingMethod +
                   "' and '" + kTextDecoderMethod + "' methods (token_embedding + text_decoder)");
  ET_LLM_ASSIGN_OR_RETURN(session_, engine_->create_session(io_manager_));
  return Error();
}

bool MultimodalRunner::has_vision() const {
  return session_ && session_->has_method(kVisionEncoderMethod);
}
bool MultimodalRunner::has_audio() const {
  return session_ && session_->has_method(kAudioEncoderMethod);
}
bool MultimodalRunner::accepts_raw_audio() const {
  return session_ && session_->accepts_raw_audio();
}

void MultimodalRunner::stop() {
  if (session_) {
    session_->stop();
  }
}

Error MultimodalRunner::reset() { return session_ ? session_->reset() : Error(); }

Error MultimodalRunner::prefill(const std::vector<MultimodalInput>& inputs,
                                const GenerationConfig& config) {
  ET_LLM_CHECK_OK(load());
  return session_->prefill(inputs, config);
}

Error MultimodalRunner::prefill(const std::string& prompt, const GenerationConfig& config) {
  return prefill(std::vector<MultimodalInput>{make_text_input(prompt)}, config);
}

Error MultimodalRunner::generate(const std::string& prompt, const GenerationConfig& config,
                                 TokenCallback token_callback, StatsCallback stats_callback) {
  return generate(std::vector<MultimodalInput>{make_text_input(prompt)}, config,
                  std::move(token_callback), std::move(stats_callback));
}

Error MultimodalRunner::generate(const std::vector<MultimodalInput>& inputs,
                                 const GenerationConfig& config, TokenCallback token_callback,
                                 StatsCallback stats_callback) {
  ET_LLM_CHECK_OK(config.validate());
  ET_LLM_CHECK_OK(load());
  return session_->generate(inputs, config, std::move(token_callback), std::move(stats_callback));
}

}  // namespace et_llm
