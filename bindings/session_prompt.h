// Prompts as the Python API takes them, shared by Session and the runners.
#pragma once

#include <memory>
#include <optional>
#include <string>
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
                const std::optional<GenerationConfig>& config, py::object token_callback,
                py::object stats_callback, bool force_logprobs);
// The last turn of `session` as an et_llm.GenerationResult.
py::object generation_result(const Session& session);

}  // namespace et_llm::python
