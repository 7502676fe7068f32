// Shared declarations of the pybind11 module's parts, one file per concept.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/llm_metadata.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/tokenizer.h"
#include "python_types.h"

namespace et_llm::python {

// Raises the et_llm.errors exception class for `error.code()`.
[[noreturn]] void throw_error(const Error& error);
// Keeps a callback's Python exception as the __cause__ of the CallbackError this
// thread raises next (clears the Python error indicator).
void remember_callback_exception(py::error_already_set& error);

// Unwraps a Result or raises its error.
template <typename T>
T unwrap(Result<T>&& result) {
  if (!result.ok()) {
    throw_error(result.error());
  }
  return std::move(result).get();
}

inline void check(const Error& error) {
  if (!error.ok()) {
    throw_error(error);
  }
}

// An Error raised when it is one: unwrap() of a call that returns no value.
inline void unwrap(Error&& error) { check(error); }

// Runs `f` with the GIL released (other Python threads run meanwhile); f must
// not touch Python objects.
template <typename F>
auto without_gil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

// without_gil(f), then unwrap(): f's value, or its Error raised.
template <typename F>
auto call_without_gil(F&& f) {
  return unwrap(without_gil(std::forward<F>(f)));
}

// A Python int as an int32_t: InvalidArgument naming `name` and the range
// when it does not fit, where pybind11 would raise an overload TypeError.
int32_t int32_from(const py::handle& value, const char* name);

// An int32_t member as a read-write property whose setter checks the range.
template <typename Class, typename... Options>
void def_int32(py::class_<Class, Options...>& cls, const char* name, int32_t Class::* member,
               const char* doc = "") {
  cls.def_property(
      name, [member](const Class& self) { return self.*member; },
      [member, name](Class& self, const typed::Int& value) {
        self.*member = int32_from(value, name);
      },
      doc);
}

// A sequence of Python / numpy integers as token ids; InvalidArgument naming
// the first one that is negative or does not fit 64 bits.
std::vector<TokenId> token_ids_from(const py::handle& items);

// A str, bytes or os.PathLike as the path's bytes (os.fsencode).
std::string path_from(const py::object& path);
// The same, or std::nullopt for None.
std::optional<std::string> optional_path_from(const py::object& path);

// A path (str/PathLike) or an et_llm.Tokenizer, as the runners accept it.
std::shared_ptr<Tokenizer> tokenizer_from(const py::object& tokenizer);

// An et_llm.Tokenizer as is, or any Python object with encode() and decode()
// (tokenizers.Tokenizer, a transformers tokenizer) wrapped as a Tokenizer
// (python_tokenizer.cpp). Raises TypeError for other objects.
std::shared_ptr<Tokenizer> tokenizer_from_python(const py::object& tokenizer);

// A MultimodalInput or a list of them (InvalidArgument otherwise).
std::vector<MultimodalInput> inputs_from(const py::object& inputs);

// Metadata for Python: upstream's flat ints, lists for multi-value methods.
typed::Metadata metadata_dict(const LlmMetadata& metadata);

void bind_errors(py::module_& m);
void bind_generation_config(py::module_& m);
void bind_stats(py::module_& m);
void bind_tokenizer(py::module_& m);
void bind_sampler(py::module_& m);
void bind_io_manager(py::module_& m);
void bind_text_llm_runner(py::module_& m);
void bind_decoder_llm_runner(py::module_& m);
void bind_multimodal_input(py::module_& m);
void bind_multimodal_runner(py::module_& m);
void bind_engine(py::module_& m);
void bind_session(py::module_& m);
void bind_program_inspection(py::module_& m);
void bind_grammar_backend(py::module_& m);

}  // namespace et_llm::python
