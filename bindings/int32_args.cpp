// Python ints as the core's int32_t fields and parameters. A value out of
// range is InvalidArgument naming the field, not the overload TypeError
// pybind11's int32_t caster gives (which names no field and blames the type).
#include <limits>
#include <string>

#include "bindings.h"

namespace et_llm::python {

int32_t int32_from(const py::handle& value, const char* name) {
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) {
    throw py::error_already_set();  // not an integer: TypeError
  }
  int overflow = 0;
  const long long number = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (number == -1 && PyErr_Occurred()) {
    throw py::error_already_set();
  }
  using Limits = std::numeric_limits<int32_t>;
  if (overflow != 0 || number < Limits::min() || number > Limits::max()) {
    throw_error(Error(ErrorCode::InvalidArgument, std::string(name) + " must be an int32, from " +
                                                      std::to_string(Limits::min()) + " to " +
                                                      std::to_string(Limits::max()) + ", got " +
                                                      py::str(index).cast<std::string>()));
  }
  return static_cast<int32_t>(number);
}

}  // namespace et_llm::python
