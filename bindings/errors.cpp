// Errors cross into Python exactly here: et_llm::Error becomes the typed
// exception of et_llm.errors that matches its code.
#include "bindings.h"

namespace et_llm::python {

namespace {

// The Python exception behind the CallbackFailed error this thread raises next.
// A raw reference: a py::object would be released at thread exit without the
// GIL (or after Python is gone); an unclaimed one is simply kept.
thread_local PyObject* pending_cause = nullptr;

}  // namespace

void remember_callback_exception(py::error_already_set& error) {
  error.restore();
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (traceback != nullptr && value != nullptr) {
    PyException_SetTraceback(value, traceback);
  }
  Py_XDECREF(pending_cause);
  pending_cause = value;  // owned
  Py_XDECREF(type);
  Py_XDECREF(traceback);
}

void throw_error(const Error& error) {
  py::gil_scoped_acquire gil;
  py::object errors = py::module_::import("et_llm.errors");
  // Messages quote paths and file bytes, which need not be UTF-8.
  const std::string& text = error.message();
  py::object message = py::reinterpret_steal<py::object>(
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "backslashreplace"));
  py::object exception = errors.attr("error_from_code")(static_cast<int>(error.code()), message);
  PyObject* cause = pending_cause;
  pending_cause = nullptr;
  if (cause != nullptr && error.code() == ErrorCode::CallbackFailed) {
    // `raise CallbackError(...) from the_callbacks_exception` (the cause is stolen)
    PyException_SetCause(exception.ptr(), cause);
  } else {
    Py_XDECREF(cause);
  }
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.ptr())), exception.ptr());
  throw py::error_already_set();
}

void bind_errors(py::module_& m) {
  m.def("_error_code_name",
        [](int code) { return std::string(error_code_name(static_cast<ErrorCode>(code))); });
}

}  // namespace et_llm::python
