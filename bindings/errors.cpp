// Errors cross into Python exactly here: et_llm::Error becomes the typed
// exception of et_llm.errors that matches its code.
#include "bindings.h"

namespace et_llm::python {

void throw_error(const Error& error) {
  py::gil_scoped_acquire gil;
  py::object errors = py::module_::import("et_llm.errors");
  py::object exception =
      errors.attr("error_from_code")(static_cast<int>(error.code()), error.message());
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.ptr())), exception.ptr());
  throw py::error_already_set();
}

void bind_errors(py::module_& m) {
  m.def("_error_code_name", [](int code) {
    return std::string(error_code_name(static_cast<ErrorCode>(code)));
  });
}

}  // namespace et_llm::python
