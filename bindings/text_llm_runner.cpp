// TextLLMRunner for Python: upstream's constructor and methods, the GIL
// released while C++ runs, and callbacks that re-acquire it. An exception in
// a callback stops generation and is re-raised to the caller of generate().
#include "et_llm/text_llm_runner.h"

#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <variant>

#include "bindings.h"
#include "callback_bridge.h"
#include "et_llm/llm_runner_helpers.h"
#include "et_llm/log_level.h"
#include "session_prompt.h"

namespace et_llm::python {

std::shared_ptr<Tokenizer> tokenizer_from(const py::object& tokenizer) {
  const bool is_path = py::isinstance<py::str>(tokenizer) || py::isinstance<py::bytes>(tokenizer) ||
                       py::hasattr(tokenizer, "__fspath__");
  if (!is_path) {
    return tokenizer_from_python(tokenizer);  // et_llm.Tokenizer, or wrapped encode()/decode()
  }
  return std::shared_ptr<Tokenizer>(unwrap(load_tokenizer(path_from(tokenizer))));
}

// The path's bytes as the OS sees them (os.fsencode): str, bytes and PathLike
// alike, non-UTF-8 names included.
std::string path_from(const py::object& path) {
  return py::module_::import("os").attr("fsencode")(path).cast<std::string>();
}

namespace {

std::vector<TokenId> tokens_from(const py::object& prompt) { return token_ids_from(prompt); }

}  // namespace

void bind_text_llm_runner(py::module_& m) {
  py::class_<TextLLMRunner>(m, "TextLLMRunner", "Runner for text language models (.pte).")
      .def(py::init([](const py::object& model_path, const py::object& tokenizer_path,
                       std::optional<py::object> data_path, std::shared_ptr<IIOManager> io_manager,
                       std::optional<size_t> num_threads) {
             auto tokenizer = tokenizer_from(tokenizer_path);
             std::optional<std::string> data;
             if (data_path && !data_path->is_none()) {
               data = path_from(*data_path);
             }
             const std::string model = path_from(model_path);
             Result<std::unique_ptr<TextLLMRunner>> runner = Error();
             {
               py::gil_scoped_release release;
               runner = create_text_llm_runner(model, tokenizer, data, io_manager,
                                               num_threads.value_or(0));
             }
             return unwrap(std::move(runner));
           }),
           py::arg("model_path"), py::arg("tokenizer_path"), py::arg("data_path") = py::none(),
           py::kw_only(), py::arg("io_manager") = nullptr, py::arg("num_threads") = py::none())
      .def(
          "generate",
          [](TextLLMRunner& self, const std::string& prompt, std::optional<GenerationConfig> config,
             py::object token_callback, py::object stats_callback) {
            CallbackBridge bridge(self.session(), std::move(token_callback),
                                  std::move(stats_callback));
            Error err;
            {
              py::gil_scoped_release release;
              err = self.generate(prompt, config.value_or(GenerationConfig()), bridge.token(),
                                  bridge.stats());
            }
            bridge.rethrow();
            check(err);
            return self.generated_text();
          },
          py::arg("prompt"), py::arg("config") = py::none(), py::arg("token_callback") = py::none(),
          py::arg("stats_callback") = py::none(),
          "Continues the conversation with `prompt`; returns the generated text.")
      .def(
          "generate_tokens",
          [](TextLLMRunner& self, const py::object& prompt, std::optional<GenerationConfig> config,
             py::object token_callback, py::object stats_callback,
             bool return_logprobs) -> py::object {
            run_prompt(self.session(), prompt, config, std::move(token_callback),
                       std::move(stats_callback), return_logprobs);
            if (return_logprobs) {
              return generation_result(self.session());
            }
            return py::cast(self.generated_tokens());
          },
          py::arg("prompt"), py::arg("config") = py::none(), py::arg("token_callback") = py::none(),
          py::arg("stats_callback") = py::none(), py::kw_only(), py::arg("return_logprobs") = false,
          "Like generate(), from text or token ids; returns the generated token ids "
          "(the EOS that ended generation included), or a GenerationResult with "
          "return_logprobs=True.")
      .def(
          "prefill",
          [](TextLLMRunner& self, const py::object& prompt,
             std::optional<GenerationConfig> config) {
            Error err;
            if (py::isinstance<py::str>(prompt)) {
              const std::string text = prompt.cast<std::string>();
              const GenerationConfig cfg = config.value_or(GenerationConfig());
              py::gil_scoped_release release;
              err = self.prefill(text, cfg);
            } else {
              const std::vector<TokenId> ids = tokens_from(prompt);
              py::gil_scoped_release release;
              err = self.prefill_tokens(ids);
            }
            check(err);
          },
          py::arg("prompt"), py::arg("config") = py::none(),
          "Puts text or token ids into the KV cache without generating.")
      .def(
          "warmup",
          [](TextLLMRunner& self, const std::string& prompt, int32_t max_new_tokens) {
            Error err;
            {
              py::gil_scoped_release release;
              err = self.warmup(prompt, max_new_tokens);
            }
            check(err);
          },
          py::arg("prompt") = "Hello", py::arg("max_new_tokens") = 8)
      .def("stop", &TextLLMRunner::stop, "Ends a running generate() before its next token.")
      .def(
          "reset",
          [](TextLLMRunner& self) {
            Error err;
            {
              py::gil_scoped_release release;
              err = self.reset();
            }
            check(err);
          },
          "Forgets the conversation (KV cache position 0).")
      .def(
          "rewind",
          [](TextLLMRunner& self, int64_t position) {
            Error err;
            {
              py::gil_scoped_release release;
              err = self.rewind(position);
            }
            check(err);
          },
          py::arg("position"), "Drops the conversation from `position` on.")
      .def_property_readonly(
          "session", [](TextLLMRunner& self) -> Session& { return self.session(); },
          py::return_value_policy::reference_internal, "The runner's one Session.")
      .def("get_vocab_size", &TextLLMRunner::vocab_size)
      .def("is_loaded", &TextLLMRunner::is_loaded)
      .def_property_readonly("generated_tokens", &TextLLMRunner::generated_tokens,
                             "Token ids of the last generate() (the ending EOS included).")
      .def_property_readonly("position", &TextLLMRunner::position,
                             "Context positions taken by the conversation so far.")
      .def_property_readonly(
          "metadata", [](const TextLLMRunner& self) { return metadata_dict(self.metadata()); })
      .def_property_readonly("stats", [](const TextLLMRunner& self) { return self.stats(); })
      .def_property_readonly("tokenizer",
                             [](const TextLLMRunner& self) { return self.tokenizer_ptr(); })
      .def("__repr__", [](const TextLLMRunner& self) {
        return "TextLLMRunner(max_context_len=" + std::to_string(self.metadata().max_context_len) +
               ", vocab_size=" + std::to_string(self.vocab_size()) +
               ", position=" + std::to_string(self.position()) + ")";
      });

  m.def(
      "get_llm_metadata",
      [](const py::object& model_path) {
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
