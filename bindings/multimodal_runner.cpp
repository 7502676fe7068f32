// MultimodalRunner for Python: upstream's constructor and methods (generate,
// generate_text, prefill, stop, reset, get_vocab_size) plus et_llm's
// (generate_tokens, position, stats, io_manager=, audio_preprocessor_path=).
// Inputs arrive as MultimodalInput objects; et_llm.multimodal converts plain
// lists of str / numpy / PIL first. The GIL is released while C++ runs.
#include "et_llm/multimodal_runner.h"

#include <pybind11/stl.h>

#include <optional>

#include "bindings.h"
#include "callback_bridge.h"
#include "et_llm/llm_runner_helpers.h"
#include "session_prompt.h"

namespace et_llm::python {

namespace {

Error run_generate(MultimodalRunner& self, const py::object& inputs,
                   const std::optional<GenerationConfig>& config, py::object token_callback,
                   py::object stats_callback) {
  const std::vector<MultimodalInput> items = inputs_from(inputs);
  CallbackBridge bridge(self.session(), std::move(token_callback), std::move(stats_callback));
  const GenerationConfig cfg = config.value_or(GenerationConfig());
  Error err;
  {
    py::gil_scoped_release release;
    err = self.generate(items, cfg, bridge.token(), bridge.stats());
  }
  bridge.rethrow();
  return err;
}

}  // namespace

void bind_multimodal_runner(py::module_& m) {
  py::class_<MultimodalRunner>(m, "MultimodalRunner",
                               "Runner for vision/audio-language models (.pte with "
                               "token_embedding, text_decoder and encoder methods).")
      .def(py::init([](const py::object& model_path, const py::object& tokenizer_path,
                       std::optional<py::object> data_path, std::shared_ptr<IIOManager> io_manager,
                       std::optional<py::object> audio_preprocessor_path,
                       std::optional<size_t> num_threads) {
             auto tokenizer = tokenizer_from(tokenizer_path);
             std::optional<std::string> data, preprocessor;
             if (data_path && !data_path->is_none()) {
               data = path_from(*data_path);
             }
             if (audio_preprocessor_path && !audio_preprocessor_path->is_none()) {
               preprocessor = path_from(*audio_preprocessor_path);
             }
             const std::string model = path_from(model_path);
             Result<std::unique_ptr<MultimodalRunner>> runner = Error();
             {
               py::gil_scoped_release release;
               runner = create_multimodal_runner(model, tokenizer, data, io_manager, preprocessor,
                                                 num_threads.value_or(0));
             }
             return unwrap(std::move(runner));
           }),
           py::arg("model_path"), py::arg("tokenizer_path"), py::arg("data_path") = py::none(),
           py::kw_only(), py::arg("io_manager") = nullptr,
           py::arg("audio_preprocessor_path") = py::none(), py::arg("num_threads") = py::none())
      .def(
          "generate",
          [](MultimodalRunner& self, const py::object& inputs,
             std::optional<GenerationConfig> config, py::object token_callback,
             py::object stats_callback) {
            check(run_generate(self, inputs, config, std::move(token_callback),
                               std::move(stats_callback)));
            return self.generated_text();
          },
          py::arg("inputs"), py::arg("config") = py::none(), py::arg("token_callback") = py::none(),
          py::arg("stats_callback") = py::none(),
          "Feeds the inputs in order and generates; returns the generated text.")
      .def(
          "generate_text",
          [](MultimodalRunner& self, const py::object& inputs,
             std::optional<GenerationConfig> config) {
            check(run_generate(self, inputs, config, py::none(), py::none()));
            return self.generated_text();
          },
          py::arg("inputs"), py::arg("config") = py::none(), "generate() without callbacks.")
      .def(
          "generate_tokens",
          [](MultimodalRunner& self, const py::object& inputs,
             std::optional<GenerationConfig> config, py::object token_callback,
             py::object stats_callback, bool return_logprobs) -> py::object {
            GenerationConfig cfg = config.value_or(GenerationConfig());
            cfg.logprobs = cfg.logprobs || return_logprobs;
            check(run_generate(self, inputs, cfg, std::move(token_callback),
                               std::move(stats_callback)));
            if (return_logprobs) {
              return generation_result(self.session());
            }
            return py::cast(self.generated_tokens());
          },
          py::arg("inputs"), py::arg("config") = py::none(), py::arg("token_callback") = py::none(),
          py::arg("stats_callback") = py::none(), py::kw_only(), py::arg("return_logprobs") = false,
          "Like generate(); returns the generated token ids (the ending EOS included), or a "
          "GenerationResult with return_logprobs=True.")
      .def(
          "prefill",
          [](MultimodalRunner& self, const py::object& inputs,
             std::optional<GenerationConfig> config) {
            const std::vector<MultimodalInput> items = inputs_from(inputs);
            const GenerationConfig cfg = config.value_or(GenerationConfig());
            Error err;
            {
              py::gil_scoped_release release;
              err = self.prefill(items, cfg);
            }
            check(err);
          },
          py::arg("inputs"), py::arg("config") = py::none(),
          "Puts the inputs into the KV cache without generating.")
      .def("stop", &MultimodalRunner::stop, "Ends a running generate() before its next token.")
      .def(
          "reset",
          [](MultimodalRunner& self) {
            Error err;
            {
              py::gil_scoped_release release;
              err = self.reset();
            }
            check(err);
          },
          "Forgets the conversation (KV cache position 0).")
      .def_property_readonly(
          "session", [](MultimodalRunner& self) -> Session& { return self.session(); },
          py::return_value_policy::reference_internal, "The runner's one Session.")
      .def("get_vocab_size", &MultimodalRunner::vocab_size)
      .def("is_loaded", &MultimodalRunner::is_loaded)
      .def_property_readonly("has_vision", &MultimodalRunner::has_vision)
      .def_property_readonly("has_audio", &MultimodalRunner::has_audio)
      .def_property_readonly("accepts_raw_audio", &MultimodalRunner::accepts_raw_audio)
      .def_property_readonly("generated_tokens", &MultimodalRunner::generated_tokens)
      .def_property_readonly("position", &MultimodalRunner::position)
      .def_property_readonly(
          "metadata", [](const MultimodalRunner& self) { return metadata_dict(self.metadata()); })
      .def_property_readonly("stats", [](const MultimodalRunner& self) { return self.stats(); })
      .def_property_readonly("tokenizer",
                             [](const MultimodalRunner& self) { return self.tokenizer_ptr(); })
      .def("__repr__", [](const MultimodalRunner& self) {
        return "MultimodalRunner(max_context_len=" +
               std::to_string(self.metadata().max_context_len) +
               ", vision=" + (self.has_vision() ? "True" : "False") +
               ", audio=" + (self.has_audio() ? "True" : "False") +
               ", position=" + std::to_string(self.position()) + ")";
      });
}

}  // namespace et_llm::python
