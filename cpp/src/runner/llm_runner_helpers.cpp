#include "et_llm/llm_runner_helpers.h"

#include <executorch/extension/data_loader/mmap_data_loader.h>

#include <cstdio>
#include <filesystem>

#include "et_llm/custom_kernels.h"
#include "et_llm/engine.h"
#include "et_llm/log_level.h"
#include "platform/executorch_error.h"
#include "platform/runtime_checks.h"
#include "program_rewrite/rewriting_data_loader.h"

namespace et_llm {

using executorch::extension::Module;

namespace {

Error check_readable_file(const std::string& path, const char* what) {
  std::error_code ec;
  ET_LLM_CHECK(!path.empty(), InvalidArgument, std::string(what) + " path is empty");
  ET_LLM_CHECK(std::filesystem::exists(path, ec), NotFound,
               std::string(what) + " not found: " + path);
  ET_LLM_CHECK(std::filesystem::is_regular_file(path, ec), InvalidArgument,
               std::string(what) + " is not a file: " + path);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  ET_LLM_CHECK(file != nullptr, NotFound, std::string(what) + " cannot be opened: " + path);
  std::fclose(file);
  return Error();
}

}  // namespace

namespace {

Result<std::unique_ptr<executorch::runtime::DataLoader>> map_file(const std::string& path) {
  auto loader = executorch::extension::MmapDataLoader::from(
      path.c_str(), executorch::extension::MmapDataLoader::MlockConfig::NoMlock);
  if (!loader.ok()) {
    return detail::from_executorch(loader.error(), ErrorCode::NotFound, "cannot map " + path);
  }
  return std::unique_ptr<executorch::runtime::DataLoader>(
      std::make_unique<executorch::extension::MmapDataLoader>(std::move(*loader)));
}

// The program is read through a RewritingDataLoader, which checks it and makes
// in-place KV-cache updates (no rewrites when ET_LLM_NO_PROGRAM_REWRITE is set);
// weights stay memory-mapped.
Result<std::unique_ptr<Module>> make_module(const std::string& model_path,
                                            const std::optional<std::string>& data_path) {
  ET_LLM_ASSIGN_OR_RETURN(auto program_loader, map_file(model_path));
  program_loader = std::make_unique<program_rewrite::RewritingDataLoader>(
      std::move(program_loader), program_rewrite::rewriting_enabled());
  std::unique_ptr<executorch::runtime::DataLoader> data_loader;
  if (data_path) {
    ET_LLM_ASSIGN_OR_RETURN(data_loader, map_file(*data_path));
  }
  return std::make_unique<Module>(std::move(program_loader), nullptr, nullptr, nullptr,
                                  std::move(data_loader));
}

}  // namespace

Result<std::unique_ptr<Module>> load_module(const std::string& model_path,
                                            const std::optional<std::string>& data_path) {
  install_runtime_log_filter();
  ET_LLM_CHECK_OK(register_custom_kernels());
  ET_LLM_CHECK_OK(check_readable_file(model_path, "model"));
  if (data_path) {
    ET_LLM_CHECK_OK(check_readable_file(*data_path, "data file"));
  }
  ET_LLM_ASSIGN_OR_RETURN(auto module, make_module(model_path, data_path));
  // InternalConsistency checks the flatbuffer's offsets and sizes before the
  // runtime follows them: a corrupt file is an error, not a crash (upstream's
  // Python runtime does the same).
  auto err = detail::guard_runtime_checks([&] {
    return module->load(executorch::runtime::Program::Verification::InternalConsistency);
  });
  if (err != executorch::runtime::Error::Ok) {
    return detail::from_executorch(err, ErrorCode::InvalidProgram,
                                   "cannot load " + model_path + " as an ExecuTorch program");
  }
  return module;
}

Result<std::unique_ptr<TextLLMRunner>> create_text_llm_runner(
    const std::string& model_path, std::shared_ptr<Tokenizer> tokenizer,
    const std::optional<std::string>& data_path, std::shared_ptr<IIOManager> io_manager,
    size_t num_threads) {
  EngineOptions options;
  options.data_path = data_path;
  options.num_threads = num_threads;
  ET_LLM_ASSIGN_OR_RETURN(auto engine, Engine::create(model_path, std::move(tokenizer), options));
  auto runner = std::make_unique<TextLLMRunner>(std::move(engine), std::move(io_manager));
  ET_LLM_CHECK_OK(runner->load());
  return runner;
}

Result<std::unique_ptr<TextLLMRunner>> create_text_llm_runner(
    const std::string& model_path, const std::string& tokenizer_path,
    const std::optional<std::string>& data_path, std::shared_ptr<IIOManager> io_manager,
    size_t num_threads) {
  ET_LLM_ASSIGN_OR_RETURN(std::shared_ptr<Tokenizer> tokenizer, load_tokenizer(tokenizer_path));
  return create_text_llm_runner(model_path, std::move(tokenizer), data_path, std::move(io_manager),
                                num_threads);
}

Result<std::unique_ptr<MultimodalRunner>> create_multimodal_runner(
    const std::string& model_path, std::shared_ptr<Tokenizer> tokenizer,
    const std::optional<std::string>& data_path, std::shared_ptr<IIOManager> io_manager,
    const std::optional<std::string>& audio_preprocessor_path, size_t num_threads) {
  EngineOptions options;
  options.data_path = data_path;
  options.audio_preprocessor_path = audio_preprocessor_path;
  options.num_threads = num_threads;
  ET_LLM_ASSIGN_OR_RETURN(auto engine, Engine::create(model_path, std::move(tokenizer), options));
  auto runner = std::make_unique<MultimodalRunner>(std::move(engine), std::move(io_manager));
  ET_LLM_CHECK_OK(runner->load());
  return runner;
}

Result<std::unique_ptr<MultimodalRunner>> create_multimodal_runner(
    const std::string& model_path, const std::string& tokenizer_path,
    const std::optional<std::string>& data_path, std::shared_ptr<IIOManager> io_manager,
    const std::optional<std::string>& audio_preprocessor_path, size_t num_threads) {
  ET_LLM_ASSIGN_OR_RETURN(std::shared_ptr<Tokenizer> tokenizer, load_tokenizer(tokenizer_path));
  return create_multimodal_runner(model_path, std::move(tokenizer), data_path,
                                  std::move(io_manager), audio_preprocessor_path, num_threads);
}

Result<LlmMetadata> get_llm_metadata(const std::string& model_path) {
  ET_LLM_ASSIGN_OR_RETURN(auto module, load_module(model_path));
  return read_llm_metadata(*module);
}

}  // namespace et_llm
