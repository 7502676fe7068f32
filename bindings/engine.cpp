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
#include "runner_bindings.h"

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
      .def(py::init([](const typed::Path& model_path, const typed::TokenizerSource& tokenizer_path,
                       const typed::OptionalPath& data_path, typed::IoManagerSource io_manager,
                       std::optional<size_t> num_threads,
                       const typed::OptionalPath& audio_preprocessor_path) {
             const RunnerFiles files = runner_files(model_path, tokenizer_path, data_path);
             EngineOptions options;
             options.data_path = files.data;
             options.audio_preprocessor_path = optional_path_from(audio_preprocessor_path);
             options.num_threads = num_threads.value_or(0);
             auto self = std::make_shared<PyEngine>();
             self->engine = call_without_gil(
                 [&] { return Engine::create(files.model, files.tokenizer, options); });
             self->io_manager = std::move(io_manager);
             return self;
           }),
           py::arg("model_path"), py::arg("tokenizer_path"), py::arg("data_path") = py::none(),
           py::kw_only(), py::arg("io_manager") = py::none(), py::arg("num_threads") = py::none(),
           py::arg("audio_preprocessor_path") = py::none())
      .def(
          "create_session",
          [](PyEngine& self, const py::typing::Optional<IIOManager>& io_manager) {
            std::shared_ptr<IIOManager> manager = manager_for_session(self, io_manager);
            return std::shared_ptr<Session>(
                call_without_gil([&] { return self.engine->create_session(manager); }));
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
