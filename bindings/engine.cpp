// Engine for Python: et_llm.Engine(model_path, tokenizer_path, ...) with
// TextLLMRunner's arguments; create_session() hands out Sessions on it.
// `io_manager` is a callable returning a fresh IIOManager per session (a class
// such as NumpyKVCache works), or one instance, which only the first session
// created without its own may take.
#include "et_llm/engine.h"

#include <pybind11/stl.h>

#include <optional>

#include "bindings.h"
#include "et_llm/session.h"

namespace et_llm::python {

namespace {

struct PyEngine {
  std::shared_ptr<Engine> engine;
  py::object io_manager;  // factory, instance, or None
  bool instance_taken = false;
};

std::shared_ptr<IIOManager> manager_for_session(PyEngine& self, const py::object& io_manager) {
  py::object chosen = io_manager;
  if (chosen.is_none()) {
    chosen = self.io_manager;
    if (py::isinstance<IIOManager>(chosen)) {
      // One instance holds one conversation's cache: it cannot serve two sessions.
      if (self.instance_taken) {
        throw_error(Error(ErrorCode::InvalidState,
                          "the engine's io_manager instance is used by a session already; pass "
                          "create_session(io_manager=...) or give Engine a factory "
                          "(io_manager=MyCache)"));
      }
      self.instance_taken = true;
    } else if (!chosen.is_none()) {
      chosen = chosen();  // a factory
    }
  }
  if (chosen.is_none()) {
    return nullptr;
  }
  if (!py::isinstance<IIOManager>(chosen)) {
    throw_error(Error(ErrorCode::InvalidArgument,
                      "io_manager must be an et_llm.IIOManager (or a callable returning one)"));
  }
  return chosen.cast<std::shared_ptr<IIOManager>>();
}

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<ServingCapacity>(m, "ServingCapacity")
      .def_readonly("max_physical_sessions_without_weight_duplication",
                    &ServingCapacity::max_physical_sessions_without_weight_duplication)
      .def_readonly("estimated_bytes_per_session", &ServingCapacity::estimated_bytes_per_session)
      .def("__repr__", [](const ServingCapacity& self) {
        return "ServingCapacity(max_physical_sessions_without_weight_duplication=" +
               std::to_string(self.max_physical_sessions_without_weight_duplication) +
               ", estimated_bytes_per_session=" + std::to_string(self.estimated_bytes_per_session) +
               ")";
      });

  py::class_<PyEngine, std::shared_ptr<PyEngine>>(
      m, "Engine",
      "A loaded model (program, tokenizer, metadata) shared by many Sessions; thread-safe.")
      .def(py::init([](const py::object& model_path, const py::object& tokenizer_path,
                       std::optional<py::object> data_path, py::object io_manager,
                       std::optional<size_t> num_threads,
                       std::optional<py::object> audio_preprocessor_path) {
             auto tokenizer = tokenizer_from(tokenizer_path);
             EngineOptions options;
             if (data_path && !data_path->is_none()) {
               options.data_path = path_from(*data_path);
             }
             if (audio_preprocessor_path && !audio_preprocessor_path->is_none()) {
               options.audio_preprocessor_path = path_from(*audio_preprocessor_path);
             }
             options.num_threads = num_threads.value_or(0);
             const std::string model = path_from(model_path);
             Result<std::shared_ptr<Engine>> engine = Error();
             {
               py::gil_scoped_release release;
               engine = Engine::create(model, tokenizer, options);
             }
             auto self = std::make_shared<PyEngine>();
             self->engine = unwrap(std::move(engine));
             self->io_manager = std::move(io_manager);
             return self;
           }),
           py::arg("model_path"), py::arg("tokenizer_path"), py::arg("data_path") = py::none(),
           py::kw_only(), py::arg("io_manager") = py::none(), py::arg("num_threads") = py::none(),
           py::arg("audio_preprocessor_path") = py::none())
      .def(
          "create_session",
          [](PyEngine& self, const py::object& io_manager) {
            std::shared_ptr<IIOManager> manager = manager_for_session(self, io_manager);
            Result<std::unique_ptr<Session>> session = Error();
            {
              py::gil_scoped_release release;
              session = self.engine->create_session(manager);
            }
            return std::shared_ptr<Session>(unwrap(std::move(session)));
          },
          py::arg("io_manager") = py::none(), "A new, empty conversation on this engine's weights.")
      .def("serving_capacity", [](const PyEngine& self) { return self.engine->serving_capacity(); })
      .def_property_readonly(
          "metadata",
          [](const PyEngine& self) { return metadata_dict(self.engine->llm_metadata()); })
      .def_property_readonly("tokenizer",
                             [](const PyEngine& self) { return self.engine->tokenizer_ptr(); })
      .def("get_vocab_size", [](const PyEngine& self) { return self.engine->vocab_size(); })
      .def_property_readonly(
          "is_multimodal",
          [](const PyEngine& self) { return self.engine->kind() == ProgramKind::Multimodal; })
      .def("__repr__", [](const PyEngine& self) {
        return "Engine(max_context_len=" +
               std::to_string(self.engine->llm_metadata().max_context_len) +
               ", vocab_size=" + std::to_string(self.engine->vocab_size()) +
               (self.engine->kind() == ProgramKind::Multimodal ? ", multimodal" : "") + ")";
      });
}

}  // namespace et_llm::python
