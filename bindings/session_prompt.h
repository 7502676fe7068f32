// Prompts as the Python API takes them, shared by Session and the runners.
#pragma once

#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "et_llm/session.h"

namespace et_llm::python {

struct Prompt {
  enum class Kind { Text, Tokens, Inputs };
  Kind kind = Kind::Text;
  std::string text;
  std::vector<TokenId> tokens;
  std::vector<MultimodalInput> inputs;
};

// str -> Text; a sequence of ints -> Tokens; MultimodalInput(s) -> Inputs.
Prompt prompt_from(const py::object& prompt);
// Starts a turn on `session`. Token prompts are echoed (decoded) only when
// `echo_wanted` (someone receives the pieces).
Result<std::unique_ptr<Generation>> start_prompt(Session& session, const Prompt& prompt,
                                                 const GenerationConfig& config, bool echo_wanted);
// A whole turn with the callbacks (an exception in one cancels the turn and is
// re-raised). `force_logprobs` turns config.logprobs on.
void run_prompt(Session& session, const py::object& prompt,
                const std::optional<GenerationConfig>& config, typed::TokenCallback token_callback,
                typed::StatsCallback stats_callback, bool force_logprobs);
// generate_tokens()'s result: the turn's token ids, or with `return_logprobs`
// its GenerationResult.
typed::TokensOrResult tokens_or_result(const Session& session, bool return_logprobs);
// The last turn of `session` as an et_llm.GenerationResult.
typed::GenerationResult generation_result(const Session& session);

// generate() and generate_tokens() of Session and the runners:
// cls.def(name, f, <prompt>, config, token_callback, stats_callback, extra...).
template <typename Class, typename F, typename... Extra>
void def_turn(Class& cls, const char* name, const char* prompt, F&& f, const Extra&... extra) {
  cls.def(name, std::forward<F>(f), py::arg(prompt), py::arg("config") = py::none(),
          py::arg("token_callback") = py::none(), py::arg("stats_callback") = py::none(), extra...);
}

// The Session `self` runs its turns on: a Session, or a runner's.
inline Session& session_of(Session& session) { return session; }
template <typename Runner>
Session& session_of(Runner& runner) {
  return runner.session();
}

// generate_tokens(prompt, ...) as run_prompt() runs it, for a PromptArg prompt.
template <typename PromptArg, typename Class>
void def_generate_tokens(Class& cls, const char* doc) {
  def_turn(
      cls, "generate_tokens", "prompt",
      [](typename Class::type& self, const PromptArg& prompt,
         std::optional<GenerationConfig> config, typed::TokenCallback token_callback,
         typed::StatsCallback stats_callback, bool return_logprobs) {
        Session& session = session_of(self);
        run_prompt(session, prompt, config, std::move(token_callback), std::move(stats_callback),
                   return_logprobs);
        return tokens_or_result(session, return_logprobs);
      },
      py::kw_only(), py::arg("return_logprobs") = false, doc);
}

}  // namespace et_llm::python
