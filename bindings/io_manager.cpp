// IIOManager for Python: subclasses implement load/reset/rewind/prepare_*/
// update_*/max_tokens_per_call/max_context_len. For a multimodal text_decoder
// the `tokens` argument is a float array of embeddings [T, D] instead of ids. Tensors cross as
// numpy arrays that view et_llm's or the program's memory (no copies) but for the tokens, which are
// copies: the output arrays handed to a method are valid only during that call; the arrays a
// prepare_* method returns are kept alive by et_llm until the forward's
// update_* has run. An exception raised by a method becomes a CallbackError
// and the runner stays usable.
#include "et_llm/io_manager.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "et_llm/default_io_manager.h"
#include "et_llm/static_kv_cache_io_manager.h"

namespace et_llm::python {

using executorch::aten::ScalarType;
using executorch::aten::SizesType;
using executorch::runtime::EValue;

namespace {

py::dtype numpy_dtype(ScalarType type) {
  switch (type) {
    case ScalarType::Float:
      return py::dtype::of<float>();
    case ScalarType::Double:
      return py::dtype::of<double>();
    case ScalarType::Half:
      return py::dtype("float16");
    case ScalarType::BFloat16:
      return py::dtype::of<uint16_t>();  // raw bf16 bits
    case ScalarType::Long:
      return py::dtype::of<int64_t>();
    case ScalarType::Int:
      return py::dtype::of<int32_t>();
    case ScalarType::Short:
      return py::dtype::of<int16_t>();
    case ScalarType::Char:
      return py::dtype::of<int8_t>();
    case ScalarType::Byte:
      return py::dtype::of<uint8_t>();
    case ScalarType::Bool:
      return py::dtype::of<bool>();
    default:
      throw std::invalid_argument("no numpy dtype for this tensor");
  }
}

std::optional<ScalarType> scalar_type(const py::dtype& dtype) {
  const char kind = dtype.kind();
  const size_t size = static_cast<size_t>(dtype.itemsize());
  if (kind == 'f') {
    if (size == 4) return ScalarType::Float;
    if (size == 8) return ScalarType::Double;
    if (size == 2) return ScalarType::Half;
  } else if (kind == 'i') {
    if (size == 8) return ScalarType::Long;
    if (size == 4) return ScalarType::Int;
    if (size == 2) return ScalarType::Short;
    if (size == 1) return ScalarType::Char;
  } else if (kind == 'u' && size == 1) {
    return ScalarType::Byte;
  } else if (kind == 'b') {
    return ScalarType::Bool;
  }
  return std::nullopt;
}

// A read-only numpy view of memory et_llm owns for the duration of a call.
py::array view(const void* data, py::dtype dtype, std::vector<py::ssize_t> shape) {
  py::capsule no_owner(data, [](void*) {});
  py::array array(dtype, shape, {}, data, no_owner);
  array.attr("setflags")(py::arg("write") = false);
  return array;
}

py::array tensor_view(const executorch::aten::Tensor& tensor) {
  std::vector<py::ssize_t> shape(tensor.sizes().begin(), tensor.sizes().end());
  return view(tensor.const_data_ptr(), numpy_dtype(tensor.scalar_type()), shape);
}

// {'inputs': [{'shape', 'dtype'} or None per input], 'outputs': [...]}
using MethodSignature =
    py::typing::Dict<py::str,
                     py::typing::List<py::typing::Optional<py::typing::Dict<py::str, typed::Any>>>>;

MethodSignature method_signature(executorch::extension::Module& module, const std::string& method) {
  auto meta = module.method_meta(method);
  if (!meta.ok()) {
    throw_error(Error(ErrorCode::NotFound, "no method '" + method + "'"));
  }
  auto describe = [](const auto& info) {
    py::dict entry;
    entry["shape"] = std::vector<int64_t>(info.sizes().begin(), info.sizes().end());
    entry["dtype"] = py::str(numpy_dtype(info.scalar_type()));
    return entry;
  };
  py::list inputs, outputs;
  for (size_t i = 0; i < meta->num_inputs(); ++i) {
    auto info = meta->input_tensor_meta(i);
    inputs.append(info.ok() ? py::object(describe(*info)) : py::none());
  }
  for (size_t i = 0; i < meta->num_outputs(); ++i) {
    auto info = meta->output_tensor_meta(i);
    outputs.append(info.ok() ? py::object(describe(*info)) : py::none());
  }
  MethodSignature signature;
  signature["inputs"] = inputs;
  signature["outputs"] = outputs;
  return signature;
}

class PyIIOManager : public IIOManager, public py::trampoline_self_life_support {
 public:
  Error load(const ProgramInfo& program) override {
    ET_LLM_CHECK_OK(check_complete());
    ET_LLM_CHECK_OK(call("load", [&](const py::function& f) { f(program); }));
    // The sizes are asked here once so that an exception or a nonsense value is
    // an error now; later calls that fail keep the last good value.
    ET_LLM_CHECK_OK(call("max_tokens_per_call",
                         [&](const py::function& f) { tokens_per_call_ = f().cast<int64_t>(); }));
    ET_LLM_CHECK_OK(
        call("max_context_len", [&](const py::function& f) { context_ = f().cast<int64_t>(); }));
    ET_LLM_CHECK(tokens_per_call_ >= 1, InvalidArgument,
                 "IIOManager.max_tokens_per_call() returned " + std::to_string(tokens_per_call_) +
                     "; it must be >= 1");
    ET_LLM_CHECK(
        context_ >= 1, InvalidArgument,
        "IIOManager.max_context_len() returned " + std::to_string(context_) + "; it must be >= 1");
    return Error();
  }
  Error reset() override {
    return call("reset", [](const py::function& f) { f(); });
  }
  Error rewind(int64_t position) override {
    return call("rewind", [&](const py::function& f) { f(position); });
  }
  Result<std::vector<EValue>> prepare_prefill(const ForwardInput& input,
                                              const std::string& method) override {
    return prepare("prepare_prefill", input, method);
  }
  Result<std::vector<EValue>> prepare_decode(const ForwardInput& input,
                                             const std::string& method) override {
    return prepare("prepare_decode", input, method);
  }
  Error update_prefill(const std::vector<EValue>& outputs, const ForwardInput& input) override {
    return update("update_prefill", outputs, input);
  }
  Error update_decode(const std::vector<EValue>& outputs, const ForwardInput& input) override {
    return update("update_decode", outputs, input);
  }
  size_t max_tokens_per_call() const override {
    int64_t value = tokens_per_call_;
    if (call("max_tokens_per_call", [&](const py::function& f) { value = f().cast<int64_t>(); })
            .ok() &&
        value >= 1) {
      tokens_per_call_ = value;
    }
    return static_cast<size_t>(tokens_per_call_);
  }
  int64_t max_context_len() const override {
    int64_t value = context_;
    if (call("max_context_len", [&](const py::function& f) { value = f().cast<int64_t>(); }).ok() &&
        value >= 1) {
      context_ = value;
    }
    return context_;
  }

 private:
  // The last good answers of the size methods (checked at load).
  mutable int64_t tokens_per_call_ = 1;
  mutable int64_t context_ = 1;

  template <typename F>
  Error call(const char* name, F&& body) const {
    py::gil_scoped_acquire gil;
    try {
      py::function override = py::get_override(this, name);
      if (!override) {
        return Error(ErrorCode::NotSupported,
                     std::string("the IIOManager subclass does not implement ") + name + "()");
      }
      body(override);
      return Error();
    } catch (py::error_already_set& e) {
      Error error(ErrorCode::CallbackFailed,
                  std::string("IIOManager.") + name + "() raised " +
                      py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
                      py::str(e.value()).cast<std::string>());
      remember_callback_exception(e);
      return error;
    } catch (const std::exception& e) {
      return Error(ErrorCode::CallbackFailed,
                   std::string("IIOManager.") + name + "() failed: " + e.what());
    }
  }

  // Every method must be implemented: the size queries cannot report errors later.
  Error check_complete() const {
    py::gil_scoped_acquire gil;
    std::string missing;
    for (const char* name :
         {"load", "reset", "rewind", "prepare_prefill", "prepare_decode", "update_prefill",
          "update_decode", "max_tokens_per_call", "max_context_len"}) {
      if (!py::get_override(this, name)) {
        missing += missing.empty() ? name : std::string(", ") + name;
      }
    }
    ET_LLM_CHECK(missing.empty(), NotSupported,
                 "the IIOManager subclass does not implement: " + missing);
    return Error();
  }

  // The token ids [T], or for a multimodal text_decoder the embeddings [T, D]:
  // copies (small next to the cache), so a manager may keep them after the call.
  static py::array tokens_view(const ForwardInput& input) {
    py::array copy;
    if (input.has_embeddings()) {
      copy = view(input.embeddings, numpy_dtype(input.embedding_dtype),
                  {static_cast<py::ssize_t>(input.num_tokens),
                   static_cast<py::ssize_t>(input.embedding_dim)})
                 .attr("copy")();
    } else {
      copy =
          view(input.tokens, py::dtype::of<int64_t>(), {static_cast<py::ssize_t>(input.num_tokens)})
              .attr("copy")();
    }
    copy.attr("setflags")(py::arg("write") = false);
    return copy;
  }

  Result<std::vector<EValue>> prepare(const char* name, const ForwardInput& input,
                                      const std::string& method) {
    std::vector<EValue> inputs;
    Error err = call(name, [&](const py::function& f) {
      py::object result = f(tokens_view(input), input.start_pos, method);
      kept_.clear();
      tensors_.clear();
      for (py::handle item : result) {
        py::array array = py::array::ensure(item, py::array::c_style);
        if (!array) {
          throw std::invalid_argument("every input must be array-like");
        }
        auto type = scalar_type(array.dtype());
        if (!type) {
          throw std::invalid_argument("unsupported dtype " +
                                      py::str(array.dtype()).cast<std::string>());
        }
        std::vector<SizesType> sizes(array.shape(), array.shape() + array.ndim());
        // The program only reads its inputs, so read-only arrays are fine too.
        tensors_.push_back(
            executorch::extension::from_blob(const_cast<void*>(array.data()), sizes, *type));
        kept_.push_back(std::move(array));
        inputs.emplace_back(*tensors_.back());
      }
    });
    if (!err.ok()) {
      return err;
    }
    return inputs;
  }

  Error update(const char* name, const std::vector<EValue>& outputs, const ForwardInput& input) {
    Error err = call(name, [&](const py::function& f) {
      py::list arrays;
      for (const EValue& value : outputs) {
        arrays.append(value.isTensor() ? py::object(tensor_view(value.toTensor())) : py::none());
      }
      f(arrays, tokens_view(input), input.start_pos);
    });
    // The forward is done: the prepared inputs may go.
    py::gil_scoped_acquire gil;
    tensors_.clear();
    kept_.clear();
    return err;
  }

  std::vector<py::array> kept_;  // arrays backing the current forward's inputs
  std::vector<executorch::extension::TensorPtr> tensors_;
};

}  // namespace

void bind_io_manager(py::module_& m) {
  py::class_<ProgramInfo>(m, "ProgramInfo", "What an IIOManager sees of the program at load().")
      .def_readonly("prefill_method", &ProgramInfo::prefill_method)
      .def_readonly("decode_method", &ProgramInfo::decode_method)
      .def_property_readonly("metadata",
                             [](const ProgramInfo& self) { return metadata_dict(self.metadata); })
      .def(
          "method_meta",
          [](const ProgramInfo& self, const std::string& method) {
            return method_signature(*self.module, method);
          },
          py::arg("method"), "{'inputs': [{'shape', 'dtype'}...], 'outputs': [...]}");

  py::class_<IIOManager, PyIIOManager, py::smart_holder>(
      m, "IIOManager",
      "Base class of KV-cache / input managers. Subclass it in Python and pass an instance "
      "as TextLLMRunner(..., io_manager=...).")
      .def(py::init<>());
  py::class_<DefaultIOManager, IIOManager, py::smart_holder>(
      m, "DefaultIOManager", "Programs with the KV cache inside (the default).")
      .def(py::init<>());
  py::class_<StaticKVCacheIOManager, IIOManager, py::smart_holder>(
      m, "StaticKVCacheIOManager",
      "Programs that take per-layer K/V caches (and a mask) as inputs and return new entries.")
      .def(py::init<>())
      .def_property_readonly("num_layers", &StaticKVCacheIOManager::num_layers);
}

}  // namespace et_llm::python
