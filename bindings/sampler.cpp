// Sampler for Python: the same chain the runners use, on a numpy logits row,
// so its distributions can be checked directly.
#include "et_llm/sampler.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.h"

namespace et_llm::python {

void bind_sampler(py::module_& m) {
  py::class_<Sampler>(m, "Sampler", "penalties -> top_k -> top_p -> min_p -> temperature -> draw")
      .def(py::init([](const GenerationConfig& config) {
             check(config.validate());
             return Sampler(SamplingParams::from(config));
           }),
           py::arg("config"))
      .def(
          "sample",
          [](Sampler& self, py::array_t<float, py::array::c_style | py::array::forcecast> logits,
             const std::vector<TokenId>& recent) {
            if (logits.ndim() != 1 || logits.size() == 0) {
              throw_error(
                  Error(ErrorCode::InvalidArgument, "logits must be a non-empty [V] array"));
            }
            const Logits view{logits.data(), ScalarType::Float, static_cast<size_t>(logits.size())};
            const TokenId token = self.sample(view, recent);
            if (std::isnan(view.at(token))) {
              throw_error(Error(ErrorCode::InvalidArgument, "logits are NaN: no token to sample"));
            }
            return token;
          },
          py::arg("logits"), py::arg("recent") = std::vector<TokenId>{},
          "Draws one token id; `recent` is the history the penalties look at.");
}

}  // namespace et_llm::python
