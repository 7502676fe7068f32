// MultimodalRunner for Python: upstream's constructor and methods (generate,
// generate_text, prefill, stop, reset, get_vocab_size) plus et_llm's
// (generate_tokens, position, stats, io_manager=, audio_preprocessor_path=).
// Inputs arrive as MultimodalInput objects; et_llm.multimodal converts plain
// lists of str / numpy / PIL first. The GIL is released while C++ runs.
#include "et_llm/multimodal_runner.h"

#include <pybind11/stl.h>

#include <optional>

#include "bindings.h"
#include "et_llm/llm_runner_helpers.h"
#include "runner_bindings.h"

namespace et_llm::python {

void bind_multimodal_runner(py::module_& m) {
  py::class_<MultimodalRunner> runner(m, "MultimodalRunner",
                                      "Runner for vision/audio-language models (.pte with "
                                      "token_embedding, text_decoder and encoder methods).");
  runner
      .def(py::init([](const typed::Path& model_path, const typed::TokenizerSource& tokenizer_path,
                       const typed::OptionalPath& data_path,
                       std::optional<std::shared_ptr<IIOManager>> io_manager,
                       const typed::OptionalPath& audio_preprocessor_path,
                       std::optional<size_t> num_threads) {
             const RunnerFiles files = runner_files(model_path, tokenizer_path, data_path);
             const std::optional<std::string> preprocessor =
                 optional_path_from(audio_preprocessor_path);
             return call_without_gil([&] {
               return create_multimodal_runner(files.model, files.tokenizer, files.data,
                                               io_manager.value_or(nullptr), preprocessor,
                                               num_threads.value_or(0));
             });
           }),
           py::arg("model_path"), py::arg("tokenizer_path"), py::arg("data_path") = py::none(),
           py::kw_only(), py::arg("io_manager") = py::none(),
           py::arg("audio_preprocessor_path") = py::none(), py::arg("num_threads") = py::none())
      .def(
          "generate_text",
          [](MultimodalRunner& self, const typed::Inputs& inputs,
             std::optional<GenerationConfig> config) {
            run_generate(self, inputs_from(inputs), config.value_or(GenerationConfig()), py::none(),
                         py::none());
            return self.generated_text();
          },
          py::arg("inputs"), py::arg("config") = py::none(), "generate() without callbacks.")
      .def(
          "prefill",
          [](MultimodalRunner& self, const typed::Inputs& inputs,
             std::optional<GenerationConfig> config) {
            const std::vector<MultimodalInput> items = inputs_from(inputs);
            const GenerationConfig cfg = config.value_or(GenerationConfig());
            call_without_gil([&] { return self.prefill(items, cfg); });
          },
          py::arg("inputs"), py::arg("config") = py::none(),
          "Puts the inputs into the KV cache without generating.")
      .def_property_readonly("has_vision", &MultimodalRunner::has_vision)
      .def_property_readonly("has_audio", &MultimodalRunner::has_audio)
      .def_property_readonly("accepts_raw_audio", &MultimodalRunner::accepts_raw_audio)
      .def("__repr__", [](const MultimodalRunner& self) {
        return "MultimodalRunner(max_context_len=" +
               std::to_string(self.metadata().max_context_len) +
               ", vision=" + (self.has_vision() ? "True" : "False") +
               ", audio=" + (self.has_audio() ? "True" : "False") +
               ", position=" + std::to_string(self.position()) + ")";
      });
  def_runner_generate<typed::Inputs>(
      runner, "inputs", [](const typed::Inputs& inputs) { return inputs_from(inputs); },
      "Feeds the inputs in order and generates; returns the generated text.");
  def_turn(
      runner, "generate_tokens", "inputs",
      [](MultimodalRunner& self, const typed::Inputs& inputs,
         std::optional<GenerationConfig> config, typed::TokenCallback token_callback,
         typed::StatsCallback stats_callback, bool return_logprobs) {
        GenerationConfig cfg = config.value_or(GenerationConfig());
        cfg.logprobs = cfg.logprobs || return_logprobs;
        run_generate(self, inputs_from(inputs), cfg, std::move(token_callback),
                     std::move(stats_callback));
        return tokens_or_result(self.session(), return_logprobs);
      },
      py::kw_only(), py::arg("return_logprobs") = false,
      "Like generate(); returns the generated token ids (the ending EOS included), or a "
      "GenerationResult with return_logprobs=True.");
  bind_runner_state(runner);
}

}  // namespace et_llm::python
