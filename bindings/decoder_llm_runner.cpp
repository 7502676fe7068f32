// DecoderLLMRunner for Python: HF-like generate(input_ids or prompt, ...).
#include "et_llm/decoder_llm_runner.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "callback_bridge.h"
#include "runner_bindings.h"

namespace et_llm::python {

namespace {

// Token ids ([T] or [1, T]: a list, tuple or numpy array) or a prompt.
using InputIds = py::typing::Union<py::str, typed::ArrayLike>;
using EosTokenIds = py::typing::Optional<py::typing::Union<py::int_, typed::Sequence<py::int_>>>;

std::optional<std::vector<int64_t>> eos_ids_from(const py::object& eos_token_id) {
  if (eos_token_id.is_none()) {
    return std::nullopt;
  }
  if (py::isinstance<py::int_>(eos_token_id)) {
    return std::vector<int64_t>{eos_token_id.cast<int64_t>()};
  }
  return eos_token_id.cast<std::vector<int64_t>>();
}

std::variant<std::vector<TokenId>, std::string> input_from(const py::object& input) {
  if (py::isinstance<py::str>(input)) {
    return input.cast<std::string>();
  }
  // Lists, tuples and numpy arrays, flattened: [T] or [1, T].
  py::array_t<int64_t, py::array::c_style | py::array::forcecast> ids(input);
  if (ids.ndim() > 2 || (ids.ndim() == 2 && ids.shape(0) != 1)) {
    throw_error(Error(ErrorCode::InvalidArgument, "input_ids must be [T] or [1, T]"));
  }
  std::vector<TokenId> out;
  out.reserve(static_cast<size_t>(ids.size()));
  for (py::ssize_t i = 0; i < ids.size(); ++i) {
    if (ids.data()[i] < 0) {
      throw_error(Error(ErrorCode::InvalidArgument, "input_ids must be >= 0"));
    }
    out.push_back(static_cast<TokenId>(ids.data()[i]));
  }
  return out;
}

}  // namespace

void bind_decoder_llm_runner(py::module_& m) {
  py::class_<DecoderGenerateOutput>(m, "DecoderGenerateOutput")
      .def_readonly("sequences", &DecoderGenerateOutput::sequences)
      .def_readonly("new_tokens", &DecoderGenerateOutput::new_tokens)
      .def_readonly("text", &DecoderGenerateOutput::text)
      .def("__repr__", [](const DecoderGenerateOutput& self) {
        return "DecoderGenerateOutput(new_tokens=" + std::to_string(self.new_tokens.size()) +
               ", text=" + py::repr(py::str(self.text)).cast<std::string>() + ")";
      });

  py::class_<DecoderLLMRunner>(m, "DecoderLLMRunner",
                               "HF-like runner: generate(input_ids or prompt, ...).")
      .def_static(
          "load",
          [](const typed::Path& model_path, const typed::TokenizerSource& tokenizer,
             std::optional<std::shared_ptr<IIOManager>> io_manager,
             const typed::OptionalPath& data_path) {
            const RunnerFiles files = runner_files(model_path, tokenizer, data_path);
            return call_without_gil([&] {
              return DecoderLLMRunner::load(files.model, files.tokenizer,
                                            io_manager.value_or(nullptr), files.data);
            });
          },
          py::arg("model_path"), py::arg("tokenizer"), py::arg("io_manager") = py::none(),
          py::arg("data_path") = py::none())
      .def(
          "generate",
          [](DecoderLLMRunner& self, const InputIds& input, const typed::Int& max_new_tokens,
             float temperature, bool do_sample, const EosTokenIds& eos_token_id,
             const typed::TokenCallback& streamer, int64_t seed) {
            DecoderGenerateOptions options;
            options.max_new_tokens = int32_from(max_new_tokens, "max_new_tokens");
            options.temperature = temperature;
            options.do_sample = do_sample;
            options.eos_token_id = eos_ids_from(eos_token_id);
            options.seed = seed;
            const auto request = input_from(input);
            CallbackBridge bridge(self.runner().session(), streamer, py::none());
            options.streamer = bridge.token();
            return bridge.call_without_gil([&] { return self.generate(request, options); });
          },
          py::arg("input_ids"), py::kw_only(), py::arg("max_new_tokens") = 20,
          py::arg("temperature") = 1.0f, py::arg("do_sample") = false,
          py::arg("eos_token_id") = py::none(), py::arg("streamer") = py::none(),
          py::arg("seed") = -1,
          "Generates from ids ([T], [1, T], list or numpy) or a prompt; returns "
          "DecoderGenerateOutput(sequences, new_tokens, text).")
      .def("stop", &DecoderLLMRunner::stop)
      .def_property_readonly("runner", &DecoderLLMRunner::runner,
                             py::return_value_policy::reference_internal);
}

}  // namespace et_llm::python
