// Paths from Python: the bytes the OS sees (os.fsencode), so str, bytes and
// PathLike alike open, non-UTF-8 names included.
#include "bindings.h"

namespace et_llm::python {

std::string path_from(const py::object& path) {
  return py::module_::import("os").attr("fsencode")(path).cast<std::string>();
}

std::optional<std::string> optional_path_from(const py::object& path) {
  if (path.is_none()) {
    return std::nullopt;
  }
  return path_from(path);
}

}  // namespace et_llm::python
