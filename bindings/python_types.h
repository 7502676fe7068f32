// Python type hints for the py::object parameters and results of the bindings,
// so that signatures (and the stubs pybind11-stubgen makes from them,
// scripts/generate_stubs.py) say what they take instead of typing.Any.
// pybind11 names a py::object-derived class by handle_type_name<T>::name, as it
// does py::typing's classes; Hinted<Hint> adds the hints py::typing has no
// class for. A hint checks nothing at run time (Int excepted): the code that
// reads the object does.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/typing.h>

#include "et_llm/io_manager.h"
#include "et_llm/multimodal_input.h"
#include "et_llm/stats.h"
#include "et_llm/tokenizer.h"

namespace et_llm::python {

namespace py = pybind11;

namespace typed {

using py::detail::const_name;
using py::detail::make_caster;

// Any object passes; Hinted's check when the hint has none of its own.
struct AnyObject {
  static bool check(PyObject*) { return true; }
};

// A py::object that pybind11 names Hint::name in signatures.
template <typename Hint>
class Hinted : public py::object {
 public:
  PYBIND11_OBJECT_DEFAULT(Hinted, py::object, Hint::check)
};

struct AnyHint : AnyObject {
  static constexpr auto name = const_name("typing.Any");
};
// Objects with __index__ (int, numpy integers), checked for range by int32_from.
struct IntHint {
  static bool check(PyObject* object) { return PyIndex_Check(object) != 0; }
  static constexpr auto name = const_name("typing.SupportsIndex");
};
struct PathHint : AnyObject {
  static constexpr auto name = const_name("str | os.PathLike[str] | bytes");
};
// A Protocol (encode, decode) declared by the stubs' hand-written layer.
struct TokenizerLikeHint : AnyObject {
  static constexpr auto name = const_name("_TokenizerLike");
};
struct ArrayLikeHint : AnyObject {
  static constexpr auto name = const_name("numpy.typing.ArrayLike");
};
struct GenerationResultHint : AnyObject {
  static constexpr auto name = const_name("et_llm.results.GenerationResult");
};
template <typename T>
struct SequenceHint : AnyObject {
  static constexpr auto name =
      const_name("collections.abc.Sequence[") + make_caster<T>::name + const_name("]");
};

using Any = Hinted<AnyHint>;
using Int = Hinted<IntHint>;
template <typename T>
using Sequence = Hinted<SequenceHint<T>>;

using Path = Hinted<PathHint>;
using OptionalPath = py::typing::Optional<Path>;
using TokenizerLike = Hinted<TokenizerLikeHint>;
using AnyTokenizer = py::typing::Union<Tokenizer, TokenizerLike>;
// A path or a tokenizer object, as the runners take their tokenizer.
using TokenizerSource = py::typing::Union<Path, Tokenizer, TokenizerLike>;
// An IIOManager, or a factory of them (Engine: one per session).
using IoManagerSource =
    py::typing::Optional<py::typing::Union<IIOManager, py::typing::Callable<IIOManager()>>>;

using TokenIds = Sequence<py::int_>;
using TextPrompt = py::typing::Union<py::str, TokenIds>;
using Inputs = py::typing::Union<MultimodalInput, Sequence<MultimodalInput>>;
using Prompt = py::typing::Union<py::str, TokenIds, MultimodalInput, Sequence<MultimodalInput>>;
using ArrayLike = Hinted<ArrayLikeHint>;

using TokenCallback = py::typing::Optional<py::typing::Callable<py::object(py::str)>>;
using StatsCallback = py::typing::Optional<py::typing::Callable<py::object(Stats)>>;

using GenerationResult = Hinted<GenerationResultHint>;
using TokensOrResult = py::typing::Union<py::typing::List<py::int_>, GenerationResult>;
// Program metadata: one int per method, a list for methods with several values.
using Metadata = py::typing::Dict<py::str, py::typing::Union<py::int_, py::typing::List<py::int_>>>;
// (token, logprob) pairs, most likely first.
using TopLogprobs = py::typing::List<py::typing::Tuple<py::int_, py::float_>>;

}  // namespace typed

}  // namespace et_llm::python

namespace pybind11::detail {

template <typename Hint>
struct handle_type_name<et_llm::python::typed::Hinted<Hint>> {
  static constexpr auto name = Hint::name;
};

}  // namespace pybind11::detail
