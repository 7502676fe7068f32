#include <pybind11/stl.h>

#include "bindings.h"
#include "et_llm/generation_config.h"

namespace et_llm::python {

void bind_generation_config(py::module_& m) {
  py::class_<GenerationConfig>(m, "GenerationConfig", "Configuration for text generation.")
      .def(py::init([](bool echo, int32_t max_new_tokens, bool warming, int32_t seq_len,
                       float temperature, int32_t num_bos, int32_t num_eos, bool ignore_eos,
                       int64_t seed, std::vector<int64_t> stop_token_ids) {
             GenerationConfig config;
             config.echo = echo;
             config.max_new_tokens = max_new_tokens;
             config.warming = warming;
             config.seq_len = seq_len;
             config.temperature = temperature;
             config.num_bos = num_bos;
             config.num_eos = num_eos;
             config.ignore_eos = ignore_eos;
             config.seed = seed;
             config.stop_token_ids = std::move(stop_token_ids);
             check(config.validate());
             return config;
           }),
           py::kw_only(), py::arg("echo") = true, py::arg("max_new_tokens") = -1,
           py::arg("warming") = false, py::arg("seq_len") = -1, py::arg("temperature") = 0.8f,
           py::arg("num_bos") = 0, py::arg("num_eos") = 0, py::arg("ignore_eos") = false,
           py::arg("seed") = -1, py::arg("stop_token_ids") = std::vector<int64_t>{})
      .def_readwrite("echo", &GenerationConfig::echo)
      .def_readwrite("max_new_tokens", &GenerationConfig::max_new_tokens)
      .def_readwrite("warming", &GenerationConfig::warming)
      .def_readwrite("seq_len", &GenerationConfig::seq_len)
      .def_readwrite("temperature", &GenerationConfig::temperature)
      .def_readwrite("num_bos", &GenerationConfig::num_bos)
      .def_readwrite("num_eos", &GenerationConfig::num_eos)
      .def_readwrite("ignore_eos", &GenerationConfig::ignore_eos)
      .def_readwrite("seed", &GenerationConfig::seed)
      .def_readwrite("stop_token_ids", &GenerationConfig::stop_token_ids)
      .def("resolve_max_new_tokens", &GenerationConfig::resolve_max_new_tokens,
           py::arg("max_context_len"), py::arg("num_tokens_occupied"))
      .def("validate", [](const GenerationConfig& config) { check(config.validate()); })
      .def("__repr__", &GenerationConfig::to_string);
}

}  // namespace et_llm::python
