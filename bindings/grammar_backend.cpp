// A grammar backend written in Python (et_llm.grammar installs llguidance's):
// set_grammar_backend(compile), where compile(grammar_type, grammar,
// tokenizer, eos_ids, vocab_size) returns a matcher with fill_mask(address,
// num_words) (writes the bitmask into et_llm's buffer, no copy), accept(token),
// forced_tokens() and is_stopped(). Python exceptions become Errors: et_llm
// errors keep their code, ValueError is InvalidArgument, others CallbackFailed.
#include <pybind11/stl.h>

#include "bindings.h"
#include "et_llm/grammar.h"
#include "python_reference.h"

namespace et_llm::python {

namespace {

// compile(grammar_type, grammar, tokenizer, eos_ids, vocab_size) -> matcher
using CompileFunction = py::typing::Optional<py::typing::Callable<typed::Any(
    py::str, py::str, Tokenizer, py::typing::List<py::int_>, py::int_)>>;

Error error_from(py::error_already_set& e, const std::string& what) {
  ErrorCode code = ErrorCode::CallbackFailed;
  std::string message = py::str(e.value()).cast<std::string>();
  if (py::hasattr(e.value(), "code") && py::hasattr(e.value(), "message")) {
    code = static_cast<ErrorCode>(e.value().attr("code").cast<int>());
    message = e.value().attr("message").cast<std::string>();
  } else if (e.matches(PyExc_ValueError)) {
    code = ErrorCode::InvalidArgument;
  }
  return Error(code, what + ": " + message);
}

// Runs `body` with the GIL; Python failures become Errors.
template <typename F>
auto with_gil(const std::string& what, F&& body) -> decltype(body()) {
  py::gil_scoped_acquire gil;
  try {
    return body();
  } catch (py::error_already_set& e) {
    return error_from(e, what);
  } catch (const py::cast_error& e) {
    return Error(ErrorCode::CallbackFailed, what + " returned an unexpected type: " + e.what());
  }
}

class PyGrammarMatcher : public GrammarMatcher {
 public:
  // Generations end on threads that may not hold the GIL (PythonReference).
  explicit PyGrammarMatcher(py::object matcher) : matcher_(std::move(matcher)) {}

  Error fill_mask(uint32_t* words, size_t num_words) override {
    return with_gil("the grammar's mask", [&]() -> Error {
      matcher_.get().attr("fill_mask")(reinterpret_cast<uintptr_t>(words), num_words);
      return Error();
    });
  }

  Error accept(TokenId token) override {
    return with_gil("the grammar, taking a token", [&]() -> Error {
      matcher_.get().attr("accept")(token);
      return Error();
    });
  }

  Result<std::vector<TokenId>> forced_tokens() override {
    return with_gil("the grammar's forced tokens", [&]() -> Result<std::vector<TokenId>> {
      return matcher_.get().attr("forced_tokens")().cast<std::vector<TokenId>>();
    });
  }

  bool is_stopped() override {
    py::gil_scoped_acquire gil;
    try {
      return matcher_.get().attr("is_stopped")().cast<bool>();
    } catch (py::error_already_set&) {
      return true;  // a broken matcher ends the output rather than looping
    }
  }

 private:
  PythonReference matcher_;
};

class PyGrammarBackend : public GrammarBackend {
 public:
  // Dropped at exit too, possibly after Python (PythonReference).
  explicit PyGrammarBackend(py::object compile) : compile_(std::move(compile)) {}

  Result<std::unique_ptr<GrammarMatcher>> compile(const GrammarRequest& request) override {
    return with_gil("the grammar", [&]() -> Result<std::unique_ptr<GrammarMatcher>> {
      py::object matcher = compile_.get()(request.grammar_type, request.grammar, request.tokenizer,
                                          request.eos_ids, request.vocab_size);
      return std::unique_ptr<GrammarMatcher>(new PyGrammarMatcher(std::move(matcher)));
    });
  }

 private:
  PythonReference compile_;
};

}  // namespace

void bind_grammar_backend(py::module_& m) {
  m.def(
      "set_grammar_backend",
      [](const CompileFunction& compile) {
        if (compile.is_none()) {
          set_grammar_backend(nullptr);
          return;
        }
        if (!PyCallable_Check(compile.ptr())) {
          throw_error(Error(ErrorCode::InvalidArgument,
                            "set_grammar_backend takes compile(grammar_type, grammar, tokenizer, "
                            "eos_ids, vocab_size) -> matcher, or None"));
        }
        set_grammar_backend(std::make_shared<PyGrammarBackend>(compile));
        // Dropped while Python still runs, not by a static destructor after it.
        static bool registered = false;
        if (!registered) {
          registered = true;
          py::module_::import("atexit").attr("register")(
              py::cpp_function([] { set_grammar_backend(nullptr); }));
        }
      },
      py::arg("compile"),
      "Installs the process-wide grammar backend (None removes it). et_llm.grammar installs "
      "llguidance's on import when it is available.");
  m.def("has_grammar_backend", [] { return grammar_backend() != nullptr; });
}

}  // namespace et_llm::python
