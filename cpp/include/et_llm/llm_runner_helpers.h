// One-call constructors: a runner from a .pte and a tokenizer, and the
// metadata of a .pte without building a runner. load_tokenizer() lives in
// tokenizer_loader.h and the thread-pool functions in threads.h, both
// included here.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "et_llm/error.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/multimodal_runner.h"
#include "et_llm/text_llm_runner.h"
#include "et_llm/threads.h"
#include "et_llm/tokenizer.h"
#include "et_llm/tokenizer_loader.h"  // load_tokenizer

namespace et_llm {

// Opens the .pte (and its .ptd weights when `data_path` is given); NotFound or
// InvalidProgram when it cannot be read.
Result<std::unique_ptr<executorch::extension::Module>> load_module(
    const std::string& model_path, const std::optional<std::string>& data_path = std::nullopt);

// A loaded runner, ready to generate. `io_manager` as in TextLLMRunner.
// `num_threads` sizes the process-wide thread pool (see set_num_threads);
// 0 means one thread per physical core.
Result<std::unique_ptr<TextLLMRunner>> create_text_llm_runner(
    const std::string& model_path, std::shared_ptr<Tokenizer> tokenizer,
    const std::optional<std::string>& data_path = std::nullopt,
    std::shared_ptr<IIOManager> io_manager = nullptr, size_t num_threads = 0);
Result<std::unique_ptr<TextLLMRunner>> create_text_llm_runner(
    const std::string& model_path, const std::string& tokenizer_path,
    const std::optional<std::string>& data_path = std::nullopt,
    std::shared_ptr<IIOManager> io_manager = nullptr, size_t num_threads = 0);

// A loaded MultimodalRunner. `audio_preprocessor_path`: a .pte whose
// `forward` turns waveforms into the audio_encoder's features, for programs
// without an audio_preprocessor method.
Result<std::unique_ptr<MultimodalRunner>> create_multimodal_runner(
    const std::string& model_path, std::shared_ptr<Tokenizer> tokenizer,
    const std::optional<std::string>& data_path = std::nullopt,
    std::shared_ptr<IIOManager> io_manager = nullptr,
    const std::optional<std::string>& audio_preprocessor_path = std::nullopt,
    size_t num_threads = 0);
Result<std::unique_ptr<MultimodalRunner>> create_multimodal_runner(
    const std::string& model_path, const std::string& tokenizer_path,
    const std::optional<std::string>& data_path = std::nullopt,
    std::shared_ptr<IIOManager> io_manager = nullptr,
    const std::optional<std::string>& audio_preprocessor_path = std::nullopt,
    size_t num_threads = 0);

Result<LlmMetadata> get_llm_metadata(const std::string& model_path);

}  // namespace et_llm
