#include "et_llm/program_inspection.h"

#include <executorch/extension/data_loader/mmap_data_loader.h>
#include <executorch/extension/module/module.h>
#include <executorch/runtime/core/exec_aten/util/scalar_type_util.h>
#include <executorch/runtime/executor/method_meta.h>

#include <algorithm>
#include <filesystem>

#include "et_llm/llm_metadata.h"
#include "et_llm/llm_runner_helpers.h"
#include "platform/executorch_error.h"
#include "platform/runtime_checks.h"
#include "program_rewrite/program_rewrites.h"
#include "program_rewrite/rewriting_data_loader.h"

namespace et_llm {

using executorch::aten::ScalarType;
using executorch::extension::Module;
using executorch::runtime::EValue;
using executorch::runtime::MethodMeta;
using executorch::runtime::Tag;
using executorch::runtime::TensorInfo;

namespace {

std::string dtype_name(ScalarType type) {
  switch (type) {
    case ScalarType::Float:
      return "float32";
    case ScalarType::Double:
      return "float64";
    case ScalarType::Half:
      return "float16";
    case ScalarType::BFloat16:
      return "bfloat16";
    case ScalarType::Long:
      return "int64";
    case ScalarType::Int:
      return "int32";
    case ScalarType::Short:
      return "int16";
    case ScalarType::Char:
      return "int8";
    case ScalarType::Byte:
      return "uint8";
    case ScalarType::Bool:
      return "bool";
    default:
      return std::string("scalar type ") + std::to_string(static_cast<int>(type));
  }
}

std::string tag_name(Tag tag) {
  switch (tag) {
    case Tag::None:
      return "none";
    case Tag::Tensor:
      return "tensor";
    case Tag::String:
      return "string";
    case Tag::Double:
      return "double";
    case Tag::Int:
      return "int";
    case Tag::Bool:
      return "bool";
    case Tag::ListBool:
      return "list[bool]";
    case Tag::ListDouble:
      return "list[double]";
    case Tag::ListInt:
      return "list[int]";
    case Tag::ListTensor:
      return "list[tensor]";
    case Tag::ListScalar:
      return "list[scalar]";
    case Tag::ListOptionalTensor:
      return "list[optional tensor]";
  }
  return "unknown";
}

std::string dynamism_name(executorch::aten::TensorShapeDynamism dynamism) {
  using executorch::aten::TensorShapeDynamism;
  switch (dynamism) {
    case TensorShapeDynamism::STATIC:
      return "static";
    case TensorShapeDynamism::DYNAMIC_BOUND:
      return "dynamic_bound";
    case TensorShapeDynamism::DYNAMIC_UNBOUND:
      return "dynamic_unbound";
  }
  return "unknown";
}

TensorSpec tensor_spec(const TensorInfo& info) {
  TensorSpec spec;
  spec.dtype = dtype_name(info.scalar_type());
  spec.shape.assign(info.sizes().begin(), info.sizes().end());
  spec.dynamism = "unknown";
  spec.nbytes = static_cast<int64_t>(info.nbytes());
  spec.memory_planned = info.is_memory_planned();
  return spec;
}

// Tag and tensor meta of input or output `index`.
template <typename TagOf, typename MetaOf>
ValueSpec value_spec(size_t index, TagOf tag_of, MetaOf meta_of) {
  ValueSpec spec;
  auto tag = tag_of(index);
  spec.tag = tag.ok() ? tag_name(*tag) : "unknown";
  if (tag.ok() && *tag == Tag::Tensor) {
    auto info = meta_of(index);
    if (info.ok()) {
      spec.tensor = tensor_spec(*info);
    }
  }
  return spec;
}

void describe_signature(const MethodMeta& meta, MethodSpec& spec) {
  for (size_t i = 0; i < meta.num_inputs(); ++i) {
    spec.inputs.push_back(value_spec(
        i, [&](size_t k) { return meta.input_tag(k); },
        [&](size_t k) { return meta.input_tensor_meta(k); }));
  }
  for (size_t i = 0; i < meta.num_outputs(); ++i) {
    spec.outputs.push_back(value_spec(
        i, [&](size_t k) { return meta.output_tag(k); },
        [&](size_t k) { return meta.output_tensor_meta(k); }));
  }
  for (size_t i = 0; i < meta.num_backends(); ++i) {
    auto name = meta.get_backend_name(i);
    ++spec.delegate_calls;
    if (name.ok() &&
        std::find(spec.backends.begin(), spec.backends.end(), *name) == spec.backends.end()) {
      spec.backends.emplace_back(*name);
    }
  }
  for (size_t i = 0; i < meta.num_memory_planned_buffers(); ++i) {
    auto size = meta.memory_planned_buffer_size(i);
    spec.planned_buffer_bytes.push_back(size.ok() ? *size : -1);
  }
  spec.num_instructions = static_cast<int64_t>(meta.num_instructions());
}

// Shape dynamism is recorded on the method's tensors, not in MethodMeta: load
// the method and read it from its input and output values.
void read_dynamism(Module& module, MethodSpec& spec) {
  auto error = detail::guard_runtime_checks([&] { return module.load_method(spec.name); });
  if (error != executorch::runtime::Error::Ok) {
    spec.load_error = detail::from_executorch(error, ErrorCode::InvalidProgram,
                                              "cannot load method '" + spec.name + "'")
                          .message();
    return;
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  auto method = module.method(spec.name);
#pragma GCC diagnostic pop
  if (method.ok()) {
    auto mark = [](const EValue& value, ValueSpec& out) {
      if (value.isTensor() && out.tensor) {
        out.tensor->dynamism =
            dynamism_name(value.toTensor().unsafeGetTensorImpl()->shape_dynamism());
      }
    };
    std::vector<EValue> inputs((*method)->inputs_size());
    if ((*method)->get_inputs(inputs.data(), inputs.size()) == executorch::runtime::Error::Ok) {
      for (size_t i = 0; i < inputs.size() && i < spec.inputs.size(); ++i) {
        mark(inputs[i], spec.inputs[i]);
      }
    }
    for (size_t i = 0; i < (*method)->outputs_size() && i < spec.outputs.size(); ++i) {
      mark((*method)->get_output(i), spec.outputs[i]);
    }
  }
  module.unload_method(spec.name);
}

struct RewriteCounts {
  int64_t in_place_cache_updates = 0;
  int64_t elided_copies = 0;
};

// What the loader's rewrites find in each plan, read from the file itself.
std::map<std::string, RewriteCounts> rewrites_by_method(const std::string& model_path) {
  std::map<std::string, RewriteCounts> counts;
  auto loader = executorch::extension::MmapDataLoader::from(
      model_path.c_str(), executorch::extension::MmapDataLoader::MlockConfig::NoMlock);
  if (!loader.ok()) return counts;
  auto size = loader->size();
  if (!size.ok()) return counts;
  auto data = loader->load(0, *size,
                           executorch::runtime::DataLoader::SegmentInfo(
                               executorch::runtime::DataLoader::SegmentInfo::Type::Program));
  if (!data.ok()) return counts;
  auto plans = program_rewrite::read_plans(static_cast<const uint8_t*>(data->data()), data->size());
  if (!plans) return counts;
  const auto rewrites = program_rewrite::plan_program_rewrites(
      *plans, [](const program_rewrite::Rewrite&) { return true; });
  for (const auto& update : rewrites.cache_updates) ++counts[update.plan].in_place_cache_updates;
  for (const auto& copy : rewrites.elided_copies) ++counts[copy.plan].elided_copies;
  return counts;
}

}  // namespace

Result<ProgramSpec> inspect_program(const std::string& model_path, bool load_methods) {
  auto module = load_module(model_path, std::nullopt);
  if (!module.ok()) {
    return module.error();
  }
  auto names = (*module)->method_names();
  if (!names.ok()) {
    return detail::from_executorch(names.error(), ErrorCode::InvalidProgram,
                                   "cannot read the methods of " + model_path);
  }
  ProgramSpec program;
  program.path = model_path;
  std::error_code size_error;
  program.file_bytes = static_cast<int64_t>(std::filesystem::file_size(model_path, size_error));
  const auto rewrites = program_rewrite::rewriting_enabled()
                            ? rewrites_by_method(model_path)
                            : std::map<std::string, RewriteCounts>();
  std::vector<std::string> sorted(names->begin(), names->end());
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& name : sorted) {
    auto meta = (*module)->method_meta(name);
    if (!meta.ok()) {
      return detail::from_executorch(meta.error(), ErrorCode::InvalidProgram,
                                     "cannot read method '" + name + "'");
    }
    MethodSpec spec;
    spec.name = name;
    describe_signature(*meta, spec);
    if (auto found = rewrites.find(name); found != rewrites.end()) {
      spec.in_place_cache_updates = found->second.in_place_cache_updates;
      spec.elided_copies = found->second.elided_copies;
    }
    if (meta->num_inputs() == 0) {
      spec.constant_values = read_constant_method(**module, name);
    }
    if (load_methods && meta->num_inputs() > 0) {
      read_dynamism(**module, spec);
    }
    program.methods.push_back(std::move(spec));
  }
  return program;
}

}  // namespace et_llm
