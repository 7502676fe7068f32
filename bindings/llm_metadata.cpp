// A program's metadata as Python sees it: upstream's flat form (one int per
// metadata method), except that a method returning several values (get_eos_ids
// -> [2, 4]) gives all of them as a list.
#include "et_llm/llm_metadata.h"

#include "bindings.h"

namespace et_llm::python {

typed::Metadata metadata_dict(const LlmMetadata& metadata) {
  typed::Metadata dict;
  for (const auto& [name, value] : metadata.to_map()) {
    dict[py::str(name)] = value;
  }
  for (const auto& [name, outputs] : metadata.values) {
    if (outputs.size() > 1) {
      py::list values;
      for (double output : outputs) {
        values.append(static_cast<int64_t>(output));
      }
      dict[py::str(name)] = values;
    }
  }
  return dict;
}

}  // namespace et_llm::python
