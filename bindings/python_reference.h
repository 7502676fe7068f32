// A Python object held by a C++ object that may be destroyed on any thread (a
// generation ending on a worker, a config copy dropped without the GIL): the
// GIL is taken to release it, and once the interpreter is gone it is leaked
// rather than touched.
#pragma once

#include <utility>

#include "bindings.h"

namespace et_llm::python {

class PythonReference {
 public:
  explicit PythonReference(py::object object) : object_(std::move(object)) {}
  PythonReference(const PythonReference&) = delete;
  PythonReference& operator=(const PythonReference&) = delete;
  ~PythonReference() {
    if (!Py_IsInitialized()) {
      (void)object_.release();
      return;
    }
    py::gil_scoped_acquire gil;
    object_ = py::object();
  }

  // With the GIL held.
  const py::object& get() const { return object_; }

 private:
  py::object object_;
};

}  // namespace et_llm::python
