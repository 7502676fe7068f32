// Logits processors from Python: any callable `processor(input_ids, scores)`
// (an et_llm.LogitsProcessor subclass, or a plain function, as Hugging Face's
// LogitsProcessor) called with a read-only int64 view input_ids [1, T] of the
// conversation and a writable float32 view scores [1, V] of the step's logits,
// no copies. It edits scores in place, or returns an array of the same shape
// that is copied back. An exception becomes a CallbackError; the session is
// left as before the call.
#include <pybind11/numpy.h>

#include <cstring>

#include "logits_processor_bridge.h"
#include "python_reference.h"

namespace et_llm::python {

namespace {

class PyLogitsProcessor : public LogitsProcessor {
 public:
  // Configs are copied and dropped on threads that do not hold the GIL (PythonReference).
  explicit PyLogitsProcessor(py::object callable) : callable_(std::move(callable)) {}

  Error process(const std::vector<TokenId>& tokens, float* logits, size_t vocab) override {
    py::gil_scoped_acquire gil;
    try {
      // TokenId is uint64; positions of images or audio (kNoPreviousToken) read as -1.
      py::array_t<int64_t> ids({py::ssize_t{1}, static_cast<py::ssize_t>(tokens.size())},
                               reinterpret_cast<const int64_t*>(tokens.data()),
                               py::capsule(tokens.data(), [](void*) {}));
      ids.attr("setflags")(py::arg("write") = false);
      py::array_t<float> scores({py::ssize_t{1}, static_cast<py::ssize_t>(vocab)}, logits,
                                py::capsule(logits, [](void*) {}));
      py::object result = callable_.get()(ids, scores);
      if (!result.is_none() && !result.is(scores)) {
        auto array = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(result);
        if (!array || static_cast<size_t>(array.size()) != vocab) {
          return Error(ErrorCode::CallbackFailed,
                       "a logits processor must edit scores in place or return an array of " +
                           std::to_string(vocab) + " values");
        }
        if (array.data() != logits) {
          std::memcpy(logits, array.data(), vocab * sizeof(float));
        }
      }
      return Error();
    } catch (py::error_already_set& e) {
      Error error(ErrorCode::CallbackFailed,
                  "a logits processor raised " +
                      py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
                      py::str(e.value()).cast<std::string>());
      remember_callback_exception(e);
      return error;
    }
  }

  const py::object& callable() const { return callable_.get(); }

 private:
  PythonReference callable_;
};

}  // namespace

std::vector<std::shared_ptr<LogitsProcessor>> logits_processors_from(const py::object& list) {
  std::vector<std::shared_ptr<LogitsProcessor>> processors;
  if (list.is_none()) {
    return processors;
  }
  for (py::handle item : list) {
    if (!PyCallable_Check(item.ptr())) {
      throw_error(Error(ErrorCode::InvalidArgument,
                        "logits_processors must be callables processor(input_ids, scores), got " +
                            py::str(py::type::of(item).attr("__name__")).cast<std::string>()));
    }
    processors.push_back(
        std::make_shared<PyLogitsProcessor>(py::reinterpret_borrow<py::object>(item)));
  }
  return processors;
}

typed::LogitsProcessors logits_processors_to(
    const std::vector<std::shared_ptr<LogitsProcessor>>& processors) {
  typed::LogitsProcessors list;
  for (const auto& processor : processors) {
    if (auto* python = dynamic_cast<PyLogitsProcessor*>(processor.get())) {
      list.append(python->callable());
    } else {
      list.append(py::none());  // a C++ processor has no Python face
    }
  }
  return list;
}

}  // namespace et_llm::python
