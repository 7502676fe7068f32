#include "et_llm/decoder_llm_runner.h"

#include "et_llm/llm_runner_helpers.h"

namespace et_llm {

Result<std::unique_ptr<DecoderLLMRunner>> DecoderLLMRunner::load(
    const std::string& model_path, std::shared_ptr<Tokenizer> tokenizer,
    std::shared_ptr<IIOManager> io_manager, const std::optional<std::string>& data_path) {
  ET_LLM_ASSIGN_OR_RETURN(auto runner, create_text_llm_runner(model_path, std::move(tokenizer),
                                                              data_path, std::move(io_manager)));
  return std::unique_ptr<DecoderLLMRunner>(new DecoderLLMRunner(std::move(runner)));
}

Result<std::unique_ptr<DecoderLLMRunner>> DecoderLLMRunner::load(
    const std::string& model_path, const std::string& tokenizer_path,
    std::shared_ptr<IIOManager> io_manager, const std::optional<std::string>& data_path) {
  ET_LLM_ASSIGN_OR_RETURN(std::shared_ptr<Tokenizer> tokenizer, load_tokenizer(tokenizer_path));
  return load(model_path, std::move(tokenizer), std::move(io_manager), data_path);
}

Result<DecoderGenerateOutput> DecoderLLMRunner::generate(
    const std::variant<std::vector<TokenId>, std::string>& input,
    const DecoderGenerateOptions& options) {
  ET_LLM_CHECK(options.max_new_tokens >= 0, InvalidArgument, "max_new_tokens must be >= 0");
  DecoderGenerateOutput output;
  if (const auto* ids = std::get_if<std::vector<TokenId>>(&input)) {
    output.sequences = *ids;
  } else {
    ET_LLM_ASSIGN_OR_RETURN(output.sequences,
                            runner_->tokenizer().encode(std::get<std::string>(input)));
  }
  ET_LLM_CHECK(!output.sequences.empty(), InvalidArgument, "generate() needs input ids");

  GenerationConfig config;
  config.echo = false;
  config.max_new_tokens = options.max_new_tokens;
  config.temperature = options.do_sample ? options.temperature : 0.0f;
  config.seed = options.seed;
  if (options.eos_token_id) {
    config.ignore_eos = true;
    config.stop_token_ids = *options.eos_token_id;
  }
  ET_LLM_CHECK_OK(runner_->reset());
  ET_LLM_CHECK_OK(runner_->generate_from_tokens(output.sequences, config, options.streamer));
  output.new_tokens = runner_->generated_tokens();
  output.sequences.insert(output.sequences.end(), output.new_tokens.begin(),
                          output.new_tokens.end());
  output.text = runner_->generated_text();
  return output;
}

}  // namespace et_llm
