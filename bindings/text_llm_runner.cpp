// TextLLMRunner for Python: upstream's constructor and methods, the GIL
// released while C++ runs, and callbacks that re-acquire it. An exception in
// a callback stops generation and is re-raised to the caller of generate().
#include "et_llm/text_llm_runner.h"

#include <pybind11/stl.h>

#include <map>
#include <optional>

#include "bindings.h"
#include "et_llm/llm_runner_helpers.h"
#include "et_llm/log_level.h"
#include "runner_bindings.h"

namespace et_llm::python {

void bind_text_llm_runner(py::module_& m) {
  py::class_<TextLLMRunner> runner(m, "TextLLMRunner", "Runner for text language models (.pte).");
  runner
      .def(py::init([](const typed::Path& model_path, const typed::TokenizerSource& tokenizer_path,
                       const typed::OptionalPath& data_path,
                       std::optional<std::shared_ptr<IIOManager>> io_manager,
                       std::optional<size_t> num_threads) {
             const RunnerFiles files = runner_files(model_path, tokenizer_path, data_path);
             return call_without_gil([&] {
               return create_text_llm_runner(files.model, files.tokenizer, files.data,
                                             io_manager.value_or(nullptr), num_threads.value_or(0));
             });
           }),
           py::arg("model_path"), py::arg("tokenizer_path"), py::arg("data_path") = py::none(),
           py::kw_only(), py::arg("io_manager") = py::none(), py::arg("num_threads") = py::none())
      .def(
          "prefill",
          [](TextLLMRunner& self, const typed::TextPrompt& prompt,
             std::optional<GenerationConfig> config) {
            if (py::isinstance<py::str>(prompt)) {
              const std::string text = prompt.cast<std::string>();
              const GenerationConfig cfg = config.value_or(GenerationConfig());
              call_without_gil([&] { return self.prefill(text, cfg); });
            } else {
              const std::vector<TokenId> ids = token_ids_from(prompt);
              call_without_gil([&] { return self.prefill_tokens(ids); });
            }
          },
          py::arg("prompt"), py::arg("config") = py::none(),
          "Puts text or token ids into the KV cache without generating.")
      .def(
          "warmup",
          [](TextLLMRunner& self, const std::string& prompt, const typed::Int& max_new_tokens) {
            const int32_t count = int32_from(max_new_tokens, "max_new_tokens");
            call_without_gil([&] { return self.warmup(prompt, count); });
          },
          py::arg("prompt") = "Hello", py::arg("max_new_tokens") = 8)
      .def(
          "rewind",
          [](TextLLMRunner& self, int64_t position) {
            call_without_gil([&] { return self.rewind(position); });
          },
          py::arg("position"), "Drops the conversation from `position` on.")
      .def("__repr__", [](const TextLLMRunner& self) {
        return "TextLLMRunner(max_context_len=" + std::to_string(self.metadata().max_context_len) +
               ", vocab_size=" + std::to_string(self.vocab_size()) +
               ", position=" + std::to_string(self.position()) + ")";
      });
  def_runner_generate<std::string>(
      runner, "prompt", [](const std::string& prompt) { return prompt; },
      "Continues the conversation with `prompt`; returns the generated text.");
  def_generate_tokens<typed::TextPrompt>(
      runner,
      "Like generate(), from text or token ids; returns the generated token ids (the EOS that "
      "ended generation included), or a GenerationResult with return_logprobs=True.");
  bind_runner_state(runner);

  m.def(
      "get_llm_metadata",
      [](const typed::Path& model_path) {
        return metadata_dict(unwrap(get_llm_metadata(path_from(model_path))));
      },
      py::arg("model_path"), "The constant (metadata) methods of a .pte, by name.");
  m.def("set_num_threads", [](size_t n) { check(set_num_threads(n)); }, py::arg("num_threads"));
  m.def("get_num_threads", &get_num_threads);
  m.def("physical_core_count", &physical_core_count,
        "Physical cores this process may use: the default thread count of a runner.");
  m.def(
      "set_log_level",
      [](const std::string& level) {
        static const std::map<std::string, LogLevel> levels = {{"debug", LogLevel::Debug},
                                                               {"info", LogLevel::Info},
                                                               {"error", LogLevel::Error},
                                                               {"off", LogLevel::Off}};
        auto it = levels.find(level);
        if (it == levels.end()) {
          throw_error(Error(ErrorCode::InvalidArgument,
                            "log level must be debug, info, error or off, got '" + level + "'"));
        }
        set_log_level(it->second);
      },
      py::arg("level"), "How much of the ExecuTorch runtime's log reaches stderr.");
}

}  // namespace et_llm::python
