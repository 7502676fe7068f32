// The sampling fields GenerationConfig and SamplingConfig share, under the same
// names in Python: set from constructor arguments, and bound as attributes
// (the int32 ones range-checked).
#pragma once

#include "bindings.h"

namespace et_llm::python {

template <typename Config>
void set_sampling_fields(Config& config, float temperature, float top_p, const typed::Int& top_k,
                         float min_p, float repetition_penalty, float frequency_penalty,
                         float presence_penalty, const typed::Int& penalty_last_n, bool logprobs,
                         const typed::Int& top_logprobs) {
  config.temperature = temperature;
  config.top_p = top_p;
  config.top_k = int32_from(top_k, "top_k");
  config.min_p = min_p;
  config.repetition_penalty = repetition_penalty;
  config.frequency_penalty = frequency_penalty;
  config.presence_penalty = presence_penalty;
  config.penalty_last_n = int32_from(penalty_last_n, "penalty_last_n");
  config.logprobs = logprobs;
  config.top_logprobs = int32_from(top_logprobs, "top_logprobs");
}

template <typename Config>
void bind_sampling_fields(py::class_<Config>& cls) {
  cls.def_readwrite("temperature", &Config::temperature)
      .def_readwrite("top_p", &Config::top_p)
      .def_readwrite("min_p", &Config::min_p)
      .def_readwrite("repetition_penalty", &Config::repetition_penalty)
      .def_readwrite("frequency_penalty", &Config::frequency_penalty)
      .def_readwrite("presence_penalty", &Config::presence_penalty)
      .def_readwrite("logprobs", &Config::logprobs)
      .def_readwrite("seed", &Config::seed);
  def_int32(cls, "top_k", &Config::top_k);
  def_int32(cls, "penalty_last_n", &Config::penalty_last_n);
  def_int32(cls, "top_logprobs", &Config::top_logprobs);
}

}  // namespace et_llm::python
