#include "et_llm/stats.h"

#include "bindings.h"

namespace et_llm::python {

void bind_stats(py::module_& m) {
  py::class_<Stats>(m, "Stats", "Timings (ms, monotonic clock) and counts of one generation.")
      .def(py::init<>())
      .def_readonly_static("SCALING_FACTOR_UNITS_PER_SECOND",
                           &Stats::SCALING_FACTOR_UNITS_PER_SECOND)
      .def_readwrite("model_load_start_ms", &Stats::model_load_start_ms)
      .def_readwrite("model_load_end_ms", &Stats::model_load_end_ms)
      .def_readwrite("inference_start_ms", &Stats::inference_start_ms)
      .def_readwrite("token_encode_end_ms", &Stats::token_encode_end_ms)
      .def_readwrite("model_execution_start_ms", &Stats::model_execution_start_ms)
      .def_readwrite("model_execution_end_ms", &Stats::model_execution_end_ms)
      .def_readwrite("prompt_eval_end_ms", &Stats::prompt_eval_end_ms)
      .def_readwrite("first_token_ms", &Stats::first_token_ms)
      .def_readwrite("inference_end_ms", &Stats::inference_end_ms)
      .def_readwrite("aggregate_sampling_time_ms", &Stats::aggregate_sampling_time_ms)
      .def_readwrite("aggregate_model_execution_time_ms", &Stats::aggregate_model_execution_time_ms)
      .def_readwrite("num_prompt_tokens", &Stats::num_prompt_tokens)
      .def_readwrite("num_generated_tokens", &Stats::num_generated_tokens)
      .def_readwrite("prefill_time_us", &Stats::prefill_time_us)
      .def_readwrite("decode_time_us", &Stats::decode_time_us)
      .def_readwrite("decode_forward_time_us", &Stats::decode_forward_time_us)
      .def_readwrite("aggregate_sampling_time_us", &Stats::aggregate_sampling_time_us)
      .def_readwrite("grammar_time_us", &Stats::grammar_time_us)
      .def_readwrite("num_forced_tokens", &Stats::num_forced_tokens)
      .def_readwrite("num_draft_tokens", &Stats::num_draft_tokens)
      .def_readwrite("num_accepted_draft_tokens", &Stats::num_accepted_draft_tokens)
      .def_readwrite("aggregate_model_execution_time_us", &Stats::aggregate_model_execution_time_us)
      .def("on_sampling_begin", &Stats::on_sampling_begin)
      .def("on_sampling_end", &Stats::on_sampling_end)
      .def("reset", &Stats::reset, py::arg("all_stats") = false)
      .def_property_readonly("prefill_tokens_per_second", &Stats::prefill_tokens_per_second)
      .def_property_readonly("decode_tokens_per_second", &Stats::decode_tokens_per_second)
      .def_property_readonly("tokens_per_second", &Stats::tokens_per_second)
      .def_property_readonly("decode_overhead_fraction", &Stats::decode_overhead_fraction)
      .def("to_json_string", &Stats::to_json_string)
      .def("__repr__", [](const Stats& stats) { return "Stats(" + stats.to_json_string() + ")"; });
}

}  // namespace et_llm::python
