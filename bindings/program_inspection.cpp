// inspect_program(path) -> dict: what `et-llm inspect` prints.
#include "et_llm/program_inspection.h"

#include <pybind11/stl.h>

#include "bindings.h"

namespace et_llm::python {

namespace {

py::object value_dict(const ValueSpec& value) {
  py::dict entry;
  entry["tag"] = value.tag;
  if (value.tensor) {
    entry["dtype"] = value.tensor->dtype;
    entry["shape"] = value.tensor->shape;
    entry["dynamism"] = value.tensor->dynamism;
    entry["nbytes"] = value.tensor->nbytes;
    entry["memory_planned"] = value.tensor->memory_planned;
  }
  return std::move(entry);
}

py::list value_list(const std::vector<ValueSpec>& values) {
  py::list list;
  for (const ValueSpec& value : values) {
    list.append(value_dict(value));
  }
  return list;
}

// {'path', 'file_bytes', 'methods': {name: {'inputs', 'outputs', 'backends', ...}}}
py::typing::Dict<py::str, typed::Any> program_dict(const ProgramSpec& program) {
  py::dict methods;
  for (const MethodSpec& method : program.methods) {
    py::dict entry;
    entry["inputs"] = value_list(method.inputs);
    entry["outputs"] = value_list(method.outputs);
    entry["backends"] = method.backends;
    entry["delegate_calls"] = method.delegate_calls;
    entry["planned_buffer_bytes"] = method.planned_buffer_bytes;
    entry["num_instructions"] = method.num_instructions;
    entry["in_place_cache_updates"] = method.in_place_cache_updates;
    entry["elided_copies"] = method.elided_copies;
    entry["constant_values"] =
        method.constant_values ? py::cast(*method.constant_values) : py::none();
    entry["load_error"] =
        method.load_error.empty() ? py::object(py::none()) : py::object(py::str(method.load_error));
    methods[py::str(method.name)] = entry;
  }
  py::typing::Dict<py::str, typed::Any> result;
  result["path"] = program.path;
  result["file_bytes"] = program.file_bytes;
  result["methods"] = methods;
  return result;
}

}  // namespace

void bind_program_inspection(py::module_& m) {
  m.def(
      "inspect_program",
      [](const typed::Path& model_path, bool load_methods) {
        const std::string path = path_from(model_path);
        return program_dict(call_without_gil([&] { return inspect_program(path, load_methods); }));
      },
      py::arg("model_path"), py::arg("load_methods") = true,
      "Methods of a .pte with their inputs/outputs (tag, dtype, shape, dynamism), backends, "
      "planned memory and, for constant methods, their values.");
}

}  // namespace et_llm::python
