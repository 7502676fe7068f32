// Session for Python: upstream's step API (prefill_tokens, decode_one,
// position, reset, stop) plus whole turns (generate, generate_tokens) and
// start(), a Generation iterated without a worker thread. Prompts are text
// (framed as TextLLMRunner frames it), token ids, or MultimodalInputs. The GIL
// is released while C++ runs.
#include "et_llm/session.h"

#include <pybind11/stl.h>

#include <optional>

#include "bindings.h"
#include "callback_bridge.h"
#include "sampling_fields.h"
#include "session_prompt.h"

namespace et_llm::python {

namespace {

// (token, logprob or None, top_logprobs) per generated token.
using Steps = py::typing::List<
    py::typing::Tuple<py::int_, py::typing::Optional<py::float_>, typed::TopLogprobs>>;

typed::TopLogprobs top_list(const std::vector<TokenLogprob>& top) {
  typed::TopLogprobs list;
  for (const TokenLogprob& entry : top) {
    list.append(py::make_tuple(entry.token, entry.logprob));
  }
  return list;
}

// The next non-empty piece (one or more steps, the GIL released), None at the end.
py::typing::Optional<py::str> next_piece(Generation& generation) {
  while (!generation.done()) {
    const std::string text = call_without_gil([&] { return generation.next(); });
    if (!text.empty()) {
      return py::str(text);
    }
  }
  return py::none();
}

// One step (the GIL released): its piece, possibly empty while a character or
// a possible stop string is incomplete; None once the turn is done. A server
// checks between steps whether its client is still there.
py::typing::Optional<py::str> step(Generation& generation) {
  if (generation.done()) {
    return py::none();
  }
  return py::str(call_without_gil([&] { return generation.next(); }));
}

// (token, logprob, top_logprobs) of the turn's tokens from `start` on: what a
// streaming caller has not seen yet, without copying the whole turn.
Steps generated_steps(const Session& session, size_t start) {
  const std::vector<TokenId>& tokens = session.generated_tokens();
  const std::vector<TokenLogprobs>& logprobs = session.generated_logprobs();
  Steps steps;
  for (size_t i = start; i < tokens.size(); ++i) {
    const bool scored = i < logprobs.size();
    steps.append(py::make_tuple(
        tokens[i], scored ? py::object(py::float_(logprobs[i].logprob)) : py::object(py::none()),
        scored ? top_list(logprobs[i].top) : py::list()));
  }
  return steps;
}

}  // namespace

Prompt prompt_from(const py::object& prompt) {
  Prompt out;
  if (py::isinstance<py::str>(prompt)) {
    out.kind = Prompt::Kind::Text;
    out.text = prompt.cast<std::string>();
  } else if (py::isinstance<MultimodalInput>(prompt)) {
    out.kind = Prompt::Kind::Inputs;
    out.inputs = inputs_from(prompt);
  } else {
    py::list items(prompt);
    bool all_ints = true;
    for (py::handle item : items) {
      // numpy integers count too (they have __index__).
      all_ints = all_ints && !py::isinstance<py::bool_>(item) && PyIndex_Check(item.ptr());
    }
    if (all_ints) {
      out.kind = Prompt::Kind::Tokens;
      out.tokens = token_ids_from(items);
    } else {
      out.kind = Prompt::Kind::Inputs;
      out.inputs = inputs_from(items);
    }
  }
  return out;
}

Result<std::unique_ptr<Generation>> start_prompt(Session& session, const Prompt& prompt,
                                                 const GenerationConfig& config, bool echo_wanted) {
  switch (prompt.kind) {
    case Prompt::Kind::Text:
      return session.start_text(prompt.text, config);
    case Prompt::Kind::Tokens:
      return session.start_tokens(prompt.tokens, config, echo_wanted);
    case Prompt::Kind::Inputs:
      return session.start(prompt.inputs, config);
  }
  return Error(ErrorCode::Internal, "unknown prompt kind");
}

void run_prompt(Session& session, const py::object& prompt,
                const std::optional<GenerationConfig>& config, typed::TokenCallback token_callback,
                typed::StatsCallback stats_callback, bool force_logprobs) {
  const Prompt parsed = prompt_from(prompt);
  GenerationConfig cfg = config.value_or(GenerationConfig());
  if (force_logprobs) {
    cfg.logprobs = true;
  }
  CallbackBridge bridge(session, std::move(token_callback), std::move(stats_callback));
  TokenCallback on_token = bridge.token();
  StatsCallback on_stats = bridge.stats();
  bridge.call_without_gil([&]() -> Error {
    auto generation = start_prompt(session, parsed, cfg, static_cast<bool>(on_token));
    return generation.ok() ? session.run(**generation, cfg, on_token, on_stats)
                           : generation.error();
  });
}

typed::TokensOrResult tokens_or_result(const Session& session, bool return_logprobs) {
  if (return_logprobs) {
    return generation_result(session);
  }
  return py::cast(session.generated_tokens());
}

typed::GenerationResult generation_result(const Session& session) {
  py::dict result;
  result["tokens"] = session.generated_tokens();
  result["text"] = py::str(session.generated_text());
  py::list logprobs, top;
  for (const TokenLogprobs& entry : session.generated_logprobs()) {
    logprobs.append(entry.logprob);
    top.append(top_list(entry.top));
  }
  result["logprobs"] = logprobs;
  result["top_logprobs"] = top;
  result["finish_reason"] = finish_reason_name(session.finish_reason());
  result["stats"] = session.stats();
  return py::module_::import("et_llm.results").attr("GenerationResult")(**result);
}

std::vector<TokenId> token_ids_from(const py::handle& items) {
  std::vector<TokenId> ids;
  for (py::handle item : items) {
    py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(item.ptr()));
    const unsigned long long id = index ? PyLong_AsUnsignedLongLong(index.ptr()) : 0;
    if (!index || PyErr_Occurred()) {
      PyErr_Clear();
      throw_error(Error(ErrorCode::InvalidArgument, "token id " +
                                                        py::repr(item).cast<std::string>() +
                                                        " is not an id (ids are integers from 0)"));
    }
    ids.push_back(static_cast<TokenId>(id));
  }
  return ids;
}

void bind_session(py::module_& m) {
  py::class_<SamplingConfig> sampling(
      m, "SamplingConfig", "Per-step sampling for Session.decode_one (upstream's fields first).");
  sampling.def(py::init([](float temperature, float top_p, const typed::Int& top_k, uint64_t seed,
                           float min_p, float repetition_penalty, float frequency_penalty,
                           float presence_penalty, const typed::Int& penalty_last_n, bool logprobs,
                           const typed::Int& top_logprobs) {
                 SamplingConfig config;
                 set_sampling_fields(config, temperature, top_p, top_k, min_p, repetition_penalty,
                                     frequency_penalty, presence_penalty, penalty_last_n, logprobs,
                                     top_logprobs);
                 config.seed = seed;
                 check(config.validate());
                 return config;
               }),
               py::kw_only(), py::arg("temperature") = -1.0f, py::arg("top_p") = 1.0f,
               py::arg("top_k") = 0, py::arg("seed") = 0, py::arg("min_p") = 0.0f,
               py::arg("repetition_penalty") = 1.0f, py::arg("frequency_penalty") = 0.0f,
               py::arg("presence_penalty") = 0.0f, py::arg("penalty_last_n") = 64,
               py::arg("logprobs") = false, py::arg("top_logprobs") = 0);
  bind_sampling_fields(sampling);

  py::class_<DecodeResult>(m, "DecodeResult", "One step of Session.decode_one.")
      .def_readonly("token_id", &DecodeResult::token_id)
      .def_property_readonly("text_piece",
                             [](const DecodeResult& self) { return py::str(self.text_piece); })
      .def_readonly("is_eos", &DecodeResult::is_eos)
      .def_readonly("is_terminal", &DecodeResult::is_terminal)
      .def_readonly("logprob", &DecodeResult::logprob)
      .def_property_readonly("top_logprobs",
                             [](const DecodeResult& self) { return top_list(self.top_logprobs); })
      .def("__repr__", [](const DecodeResult& self) {
        return "DecodeResult(token_id=" + std::to_string(self.token_id) +
               ", text_piece=" + py::repr(py::str(self.text_piece)).cast<std::string>() +
               ", is_eos=" + (self.is_eos ? "True" : "False") +
               ", is_terminal=" + (self.is_terminal ? "True" : "False") + ")";
      });

  py::class_<Generation>(m, "Generation",
                         "A turn in progress: iterate for its text pieces; close() ends it.")
      .def(
          "__iter__", [](Generation& self) -> Generation& { return self; },
          py::return_value_policy::reference)
      .def("__next__",
           [](Generation& self) {
             py::object piece = next_piece(self);
             if (piece.is_none()) {
               throw py::stop_iteration();
             }
             return py::str(piece);
           })
      .def("next_piece", &next_piece,
           "The next non-empty piece, or None at the end (for executors).")
      .def("step", &step,
           "One decode step: its text (may be empty), or None once the turn is done.")
      .def("close", &Generation::close, "Ends the turn now, keeping what was generated.")
      .def_property_readonly("done", &Generation::done)
      .def_property_readonly("finish_reason", [](const Generation& self) {
        return finish_reason_name(self.finish_reason());
      });

  py::class_<Session, std::shared_ptr<Session>> session(
      m, "Session", "One conversation on an Engine (Engine.create_session()).");
  session
      .def(
          "prefill_tokens",
          [](Session& self, const typed::TokenIds& token_ids) {
            const std::vector<TokenId> tokens = token_ids_from(token_ids);
            call_without_gil([&] { return self.prefill_tokens(tokens); });
          },
          py::arg("tokens"), "Feeds token ids at the current position.")
      .def(
          "prefill",
          [](Session& self, const typed::Prompt& prompt, std::optional<GenerationConfig> config) {
            const Prompt parsed = prompt_from(prompt);
            const GenerationConfig cfg = config.value_or(GenerationConfig());
            call_without_gil([&] {
              switch (parsed.kind) {
                case Prompt::Kind::Text:
                  return self.prefill(parsed.text, cfg);
                case Prompt::Kind::Tokens:
                  return self.prefill_tokens(parsed.tokens);
                case Prompt::Kind::Inputs:
                  return self.prefill(parsed.inputs, cfg);
              }
              return Error(ErrorCode::Internal, "unknown prompt kind");
            });
          },
          py::arg("prompt"), py::arg("config") = py::none(),
          "Feeds text, token ids or MultimodalInputs without generating.")
      .def(
          "decode_one",
          [](Session& self, std::optional<SamplingConfig> sampling) {
            const SamplingConfig cfg = sampling.value_or(SamplingConfig());
            return call_without_gil([&] { return self.decode_one(cfg); });
          },
          py::arg("sampling") = py::none(),
          "Samples the next token (feeding the previous one: one forward).")
      .def(
          "start",
          [](Session& self, const typed::Prompt& prompt, std::optional<GenerationConfig> config) {
            const Prompt parsed = prompt_from(prompt);
            const GenerationConfig cfg = config.value_or(GenerationConfig());
            return call_without_gil([&] { return start_prompt(self, parsed, cfg, true); });
          },
          py::arg("prompt"), py::arg("config") = py::none(), py::keep_alive<0, 1>(),
          "Feeds the prompt and returns the Generation to iterate.")
      .def("result", &generation_result,
           "The last turn as a GenerationResult (tokens, text, logprobs, finish_reason).")
      .def("position", &Session::position, "Context positions the conversation takes.")
      .def(
          "rewind",
          [](Session& self, int64_t position) {
            call_without_gil([&] { return self.rewind(position); });
          },
          py::arg("position"), "Drops the conversation from `position` on.")
      .def(
          "reset", [](Session& self) { call_without_gil([&] { return self.reset(); }); },
          "Forgets the conversation.")
      .def("stop", &Session::stop, "Ends a running turn before its next token (any thread).")
      .def_property_readonly("tokens", &Session::tokens,
                             "Every token id of the conversation, one per position.")
      .def_property_readonly("generated_tokens", &Session::generated_tokens)
      .def("generated_steps", &generated_steps, py::arg("start") = 0,
           "(token, logprob or None, top_logprobs) per token of the turn from `start` on.")
      .def_property_readonly("generated_text",
                             [](const Session& self) { return py::str(self.generated_text()); })
      .def_property_readonly(
          "finish_reason",
          [](const Session& self) { return finish_reason_name(self.finish_reason()); })
      .def_property_readonly("stats", [](const Session& self) { return self.stats(); })
      .def_property_readonly("max_context_len", &Session::max_context_len)
      .def_property_readonly("is_busy", &Session::is_busy)
      .def("__repr__", [](const Session& self) {
        return "Session(position=" + std::to_string(self.position()) +
               ", max_context_len=" + std::to_string(self.max_context_len()) + ")";
      });
  def_turn(
      session, "generate", "prompt",
      [](Session& self, const typed::Prompt& prompt, std::optional<GenerationConfig> config,
         typed::TokenCallback token_callback, typed::StatsCallback stats_callback) {
        run_prompt(self, prompt, config, std::move(token_callback), std::move(stats_callback),
                   false);
        return self.generated_text();
      },
      "Continues the conversation with `prompt`; returns the generated text.");
  def_generate_tokens<typed::Prompt>(
      session,
      "Like generate(); returns the token ids, or a GenerationResult with "
      "return_logprobs=True.");
}

}  // namespace et_llm::python
