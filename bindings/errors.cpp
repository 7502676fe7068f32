// Errors cross into Python exactly here. ErrorCode and one exception class per
// code (derived from et_llm/_error_base.py's Error) are made from the list in
// et_llm/error_codes.h, so Python's names and values cannot drift from C++'s;
// et_llm.errors only adds the old names.
#include <pybind11/native_enum.h>

#include <array>
#include <string>

#include "bindings.h"

namespace et_llm::python {

namespace {

constexpr int kNumCodes = 0
#define ET_LLM_COUNT_CODE(camel, upper, number, when) +1
    ET_LLM_ERROR_CODES(ET_LLM_COUNT_CODE)
#undef ET_LLM_COUNT_CODE
    ;

// The class raised for each code; created once at import and kept for the
// life of the process (modules are never unloaded).
std::array<PyObject*, kNumCodes> exception_types{};

// The Python exception behind the CallbackFailed error this thread raises next.
// A raw reference: a py::object would be released at thread exit without the
// GIL (or after Python is gone); an unclaimed one is simply kept.
thread_local PyObject* pending_cause = nullptr;

// The built-in each error also is, so `except ValueError` and friends catch it.
PyObject* builtin_base(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::ContextOverflow:
      return PyExc_ValueError;
    case ErrorCode::NotFound:
      return PyExc_FileNotFoundError;
    case ErrorCode::NotSupported:
      return PyExc_NotImplementedError;
    default:
      return nullptr;
  }
}

py::object new_class(const char* name, py::tuple bases, const std::string& doc) {
  py::dict namespace_;
  namespace_["__module__"] = "et_llm._et_llm";
  namespace_["__doc__"] = doc;
  return py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyType_Type))(name, bases,
                                                                                       namespace_);
}

// One code's class, e.g. InvalidArgumentError(Error, ValueError).
void add_error_class(py::module_& m, const py::object& error_class, ErrorCode code,
                     const char* name, const char* when) {
  if (code == ErrorCode::Ok) {
    return;
  }
  py::list bases;
  bases.append(error_class);
  if (PyObject* builtin = builtin_base(code)) {
    bases.append(builtin);
  }
  py::object type = new_class(name, py::tuple(bases), std::string("Raised for ") + when + ".");
  type.attr("code") = m.attr("ErrorCode")(static_cast<int>(code));
  m.attr(name) = type;
  exception_types[static_cast<size_t>(code)] = type.release().ptr();
}

void bind_error_classes(py::module_& m) {
  // The base class is Python's (its __init__ and __str__ keep real signatures).
  py::object error_class = py::module_::import("et_llm._error_base").attr("Error");
  error_class.attr("code") = m.attr("ErrorCode")(static_cast<int>(ErrorCode::Internal));
  m.attr("Error") = error_class;
#define ET_LLM_ERROR_CLASS(camel, upper, number, when) \
  add_error_class(m, error_class, ErrorCode::camel, #camel "Error", when);
  ET_LLM_ERROR_CODES(ET_LLM_ERROR_CLASS)
#undef ET_LLM_ERROR_CLASS
}

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
  // Messages quote paths and file bytes, which need not be UTF-8.
  const std::string& text = error.message();
  py::object message = py::reinterpret_steal<py::object>(
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "backslashreplace"));
  const auto index = static_cast<size_t>(error.code());
  PyObject* type = index > 0 && index < exception_types.size()
                       ? exception_types[index]
                       : exception_types[static_cast<size_t>(ErrorCode::Internal)];
  py::object exception = py::reinterpret_borrow<py::object>(type)(message);
  PyObject* cause = pending_cause;
  pending_cause = nullptr;
  if (cause != nullptr && error.code() == ErrorCode::CallbackFailed) {
    // `raise CallbackFailedError(...) from the_callbacks_exception` (the cause is stolen)
    PyException_SetCause(exception.ptr(), cause);
  } else {
    Py_XDECREF(cause);
  }
  PyErr_SetObject(type, exception.ptr());
  throw py::error_already_set();
}

void bind_errors(py::module_& m) {
  py::native_enum<ErrorCode> codes(m, "ErrorCode", "enum.IntEnum",
                                   "The stable numeric code of every et_llm error.");
#define ET_LLM_ENUM_VALUE(camel, upper, number, when) codes.value(#upper, ErrorCode::camel, when);
  ET_LLM_ERROR_CODES(ET_LLM_ENUM_VALUE)
#undef ET_LLM_ENUM_VALUE
  codes.finalize();
  bind_error_classes(m);
}

}  // namespace et_llm::python
