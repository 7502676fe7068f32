// GenerationConfig.logits_processors across the Python boundary.
#pragma once

#include <pybind11/numpy.h>

#include <memory>
#include <vector>

#include "bindings.h"
#include "et_llm/logits_processor.h"

namespace et_llm::python {

namespace typed {
// processor(input_ids [1, T] int64 read-only, scores [1, V] float32 writable):
// edits scores in place (returns None) or returns new scores.
using LogitsProcessor = py::typing::Callable<py::typing::Optional<py::array_t<float>>(
    py::array_t<int64_t>, py::array_t<float>)>;
using LogitsProcessors = py::typing::List<LogitsProcessor>;
}  // namespace typed

// Python callables as LogitsProcessors (TypeError-like InvalidArgument otherwise).
std::vector<std::shared_ptr<LogitsProcessor>> logits_processors_from(const py::object& list);
// The Python objects back.
typed::LogitsProcessors logits_processors_to(
    const std::vector<std::shared_ptr<LogitsProcessor>>& processors);

}  // namespace et_llm::python
