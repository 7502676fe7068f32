#include "et_llm/generation_config.h"

#include <pybind11/stl.h>

#include "bindings.h"
#include "logits_processor_bridge.h"
#include "sampling_fields.h"

namespace et_llm::python {

namespace {

using OptionalLogitsProcessors = py::typing::Optional<typed::Sequence<typed::LogitsProcessor>>;

}  // namespace

void bind_generation_config(py::module_& m) {
  py::class_<GenerationConfig> config(m, "GenerationConfig", "Configuration for text generation.");
  config
      .def(py::init(
               [](bool echo, const typed::Int& max_new_tokens, bool warming,
                  const typed::Int& seq_len, float temperature,
                  const std::optional<typed::Int>& num_bos, const typed::Int& num_eos,
                  std::optional<bool> add_special_tokens, bool ignore_eos, int64_t seed,
                  std::vector<int64_t> stop_token_ids, std::vector<std::string> stop,
                  const typed::Int& top_k, float top_p, float min_p, float repetition_penalty,
                  float frequency_penalty, float presence_penalty, const typed::Int& penalty_last_n,
                  const OptionalLogitsProcessors& logits_processors, bool logprobs,
                  const typed::Int& top_logprobs, std::string grammar, std::string grammar_type,
                  std::string speculative, const typed::Int& num_draft_tokens) {
                 GenerationConfig config;
                 config.echo = echo;
                 config.max_new_tokens = int32_from(max_new_tokens, "max_new_tokens");
                 config.warming = warming;
                 config.seq_len = int32_from(seq_len, "seq_len");
                 // A num_bos the caller gives is the framing, as upstream's; without
                 // one the tokenizer's default BOS applies (HF's add_special_tokens).
                 config.num_bos = num_bos ? int32_from(*num_bos, "num_bos") : 0;
                 config.num_eos = int32_from(num_eos, "num_eos");
                 config.add_special_tokens = add_special_tokens.value_or(!num_bos.has_value());
                 config.ignore_eos = ignore_eos;
                 config.seed = seed;
                 config.stop_token_ids = std::move(stop_token_ids);
                 config.stop = std::move(stop);
                 set_sampling_fields(config, temperature, top_p, top_k, min_p, repetition_penalty,
                                     frequency_penalty, presence_penalty, penalty_last_n, logprobs,
                                     top_logprobs);
                 config.logits_processors = logits_processors_from(logits_processors);
                 config.grammar = std::move(grammar);
                 config.grammar_type = std::move(grammar_type);
                 config.speculative = std::move(speculative);
                 config.num_draft_tokens = int32_from(num_draft_tokens, "num_draft_tokens");
                 check(config.validate());
                 return config;
               }),
           py::kw_only(), py::arg("echo") = true, py::arg("max_new_tokens") = -1,
           py::arg("warming") = false, py::arg("seq_len") = -1,
           py::arg_v("temperature", 0.8f, "0.8"), py::arg("num_bos") = py::none(),
           py::arg("num_eos") = 0, py::arg("add_special_tokens") = py::none(),
           py::arg("ignore_eos") = false, py::arg("seed") = -1,
           py::arg("stop_token_ids") = std::vector<int64_t>{},
           py::arg("stop") = std::vector<std::string>{}, py::arg("top_k") = 0,
           py::arg("top_p") = 1.0f, py::arg("min_p") = 0.0f, py::arg("repetition_penalty") = 1.0f,
           py::arg("frequency_penalty") = 0.0f, py::arg("presence_penalty") = 0.0f,
           py::arg("penalty_last_n") = 64, py::arg("logits_processors") = py::none(),
           py::arg("logprobs") = false, py::arg("top_logprobs") = 0, py::arg("grammar") = "",
           py::arg("grammar_type") = "", py::arg("speculative") = "",
           py::arg("num_draft_tokens") = 8)
      // copy.copy / copy.deepcopy (logits processors are shared, as Python objects are).
      .def("__copy__", [](const GenerationConfig& self) { return GenerationConfig(self); })
      .def(
          "__deepcopy__",
          [](const GenerationConfig& self, const py::typing::Dict<py::int_, typed::Any>&) {
            return GenerationConfig(self);
          },
          py::arg("memo"))
      .def_readwrite("echo", &GenerationConfig::echo)
      .def_readwrite("warming", &GenerationConfig::warming)
      .def_property(
          "num_bos", [](const GenerationConfig& self) { return self.num_bos; },
          [](GenerationConfig& self, const typed::Int& value) {
            self.num_bos = int32_from(value, "num_bos");
            self.add_special_tokens = false;  // set: exactly this many, as upstream
          },
          "BOS ids prepended to the prompt. Setting it turns add_special_tokens off.")
      .def_readwrite("add_special_tokens", &GenerationConfig::add_special_tokens,
                     "Without a num_bos of its own, a prompt that starts the conversation "
                     "gets the BOS its tokenizer config adds (as Hugging Face does).")
      .def_readwrite("ignore_eos", &GenerationConfig::ignore_eos)
      .def_readwrite("stop_token_ids", &GenerationConfig::stop_token_ids)
      .def_readwrite("stop", &GenerationConfig::stop)
      .def_property(
          "logits_processors",
          [](const GenerationConfig& self) { return logits_processors_to(self.logits_processors); },
          [](GenerationConfig& self, const OptionalLogitsProcessors& list) {
            self.logits_processors = logits_processors_from(list);
          },
          "Callables processor(input_ids [1, T], scores [1, V]) run before sampling.")
      .def_readwrite("grammar", &GenerationConfig::grammar,
                     "A JSON schema, regex, Lark or GBNF grammar the output must match ('': none)")
      .def_readwrite("grammar_type", &GenerationConfig::grammar_type,
                     "'json_schema', 'regex', 'lark' or 'gbnf'")
      .def_readwrite("speculative", &GenerationConfig::speculative,
                     "'prompt_lookup': verifies drafts from the conversation in one "
                     "forward: greedy gives the same tokens, sampling the same "
                     "distribution ('': off)")
      .def("resolve_max_new_tokens", &GenerationConfig::resolve_max_new_tokens,
           py::arg("max_context_len"), py::arg("num_tokens_occupied"))
      .def("validate", [](const GenerationConfig& config) { check(config.validate()); })
      .def("__repr__", &GenerationConfig::to_string);
  def_int32(config, "max_new_tokens", &GenerationConfig::max_new_tokens);
  def_int32(config, "seq_len", &GenerationConfig::seq_len);
  def_int32(config, "num_eos", &GenerationConfig::num_eos);
  def_int32(config, "num_draft_tokens", &GenerationConfig::num_draft_tokens);
  bind_sampling_fields(config);
}

}  // namespace et_llm::python
