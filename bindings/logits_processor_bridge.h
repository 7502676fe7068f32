// GenerationConfig.logits_processors across the Python boundary.
#pragma once

#include <memory>
#include <vector>

#include "bindings.h"
#include "et_llm/logits_processor.h"

namespace et_llm::python {

// Python callables as LogitsProcessors (TypeError-like InvalidArgument otherwise).
std::vector<std::shared_ptr<LogitsProcessor>> logits_processors_from(const py::object& list);
// The Python objects back.
py::list logits_processors_to(const std::vector<std::shared_ptr<LogitsProcessor>>& processors);

}  // namespace et_llm::python
