// What TextLLMRunner and MultimodalRunner share in Python: their files (Engine's
// and DecoderLLMRunner's too), how a turn runs, and the state of the
// conversation on their one Session.
#pragma once

#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bindings.h"
#include "callback_bridge.h"
#include "session_prompt.h"

namespace et_llm::python {

// A runner's files as the constructors take them.
struct RunnerFiles {
  std::string model;
  std::shared_ptr<Tokenizer> tokenizer;
  std::optional<std::string> data;
};

inline RunnerFiles runner_files(const typed::Path& model_path,
                                const typed::TokenizerSource& tokenizer_path,
                                const typed::OptionalPath& data_path) {
  return {path_from(model_path), tokenizer_from(tokenizer_path), optional_path_from(data_path)};
}

// runner.generate(request, config, callbacks) with the GIL released; a
// callback's exception is re-raised.
template <typename Runner, typename Request>
void run_generate(Runner& self, const Request& request, const GenerationConfig& config,
                  typed::TokenCallback token_callback, typed::StatsCallback stats_callback) {
  CallbackBridge bridge(self.session(), std::move(token_callback), std::move(stats_callback));
  TokenCallback on_token = bridge.token();
  StatsCallback on_stats = bridge.stats();
  bridge.call_without_gil([&] { return self.generate(request, config, on_token, on_stats); });
}

// generate(<prompt>, ...): runner.generate(to_request(prompt), ...); returns the text.
template <typename PromptArg, typename Runner, typename ToRequest>
void def_runner_generate(py::class_<Runner>& cls, const char* prompt, ToRequest to_request,
                         const char* doc) {
  def_turn(
      cls, "generate", prompt,
      [to_request](Runner& self, const PromptArg& prompt, std::optional<GenerationConfig> config,
                   typed::TokenCallback token_callback, typed::StatsCallback stats_callback) {
        run_generate(self, to_request(prompt), config.value_or(GenerationConfig()),
                     std::move(token_callback), std::move(stats_callback));
        return self.generated_text();
      },
      doc);
}

template <typename Runner>
void bind_runner_state(py::class_<Runner>& cls) {
  cls.def("stop", &Runner::stop, "Ends a running generate() before its next token.")
      .def(
          "reset", [](Runner& self) { call_without_gil([&] { return self.reset(); }); },
          "Forgets the conversation (KV cache position 0).")
      .def_property_readonly(
          "session", [](Runner& self) -> Session& { return self.session(); },
          py::return_value_policy::reference_internal, "The runner's one Session.")
      .def("get_vocab_size", &Runner::vocab_size)
      .def("is_loaded", &Runner::is_loaded)
      .def_property_readonly("generated_tokens", &Runner::generated_tokens,
                             "Token ids of the last generate() (the ending EOS included).")
      .def_property_readonly("position", &Runner::position,
                             "Context positions taken by the conversation so far.")
      .def_property_readonly("metadata",
                             [](const Runner& self) { return metadata_dict(self.metadata()); })
      .def_property_readonly("stats", [](const Runner& self) { return self.stats(); })
      .def_property_readonly("tokenizer", [](const Runner& self) { return self.tokenizer_ptr(); });
}

}  // namespace et_llm::python
