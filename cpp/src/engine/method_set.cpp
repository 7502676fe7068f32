#include "engine/method_set.h"

#include <algorithm>
#include <optional>

#include "platform/runtime_checks.h"
#include "platform/thread_pool_use.h"

namespace et_llm::detail {

using executorch::extension::MallocMemoryAllocator;
using executorch::runtime::Error;
using executorch::runtime::EValue;
using executorch::runtime::HierarchicalAllocator;
using executorch::runtime::MemoryManager;
using executorch::runtime::Method;
using executorch::runtime::MethodMeta;
using executorch::runtime::Result;
using executorch::runtime::Span;

// Members in destruction order: the Method goes before the memory it lives in,
// and its delegates before the hold on the thread pool they use.
struct MethodSet::LoadedMethod {
  std::optional<ThreadPoolHold> pool_hold;
  MallocMemoryAllocator method_allocator;
  MallocMemoryAllocator temp_allocator;
  std::vector<std::vector<uint8_t>> own_buffers;
  std::vector<Span<uint8_t>> spans;
  std::unique_ptr<HierarchicalAllocator> planned;
  std::unique_ptr<MemoryManager> memory_manager;
  std::unique_ptr<Method> method;
};

MethodSet::MethodSet(std::shared_ptr<executorch::runtime::Program> program,
                     const executorch::runtime::NamedDataMap* data_map,
                     const executorch::runtime::LoadBackendOptionsMap* backend_options,
                     std::unordered_set<std::string> shared_arena_methods)
    : program_(std::move(program)),
      data_map_(data_map),
      backend_options_(backend_options),
      shared_arena_methods_(std::move(shared_arena_methods)) {}

MethodSet::~MethodSet() {
  // Methods first: their delegates may still reference the shared arenas.
  methods_.clear();
}

Result<MethodMeta> MethodSet::method_meta(const std::string& name) const {
  return program_->method_meta(name.c_str());
}

Result<std::unordered_set<std::string>> MethodSet::method_names() const {
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < program_->num_methods(); ++i) {
    auto name = program_->get_method_name(i);
    if (!name.ok()) {
      return name.error();
    }
    names.emplace(*name);
  }
  return names;
}

Error MethodSet::load_method(const std::string& name) {
  if (methods_.count(name)) {
    return Error::Ok;
  }
  auto meta = program_->method_meta(name.c_str());
  if (!meta.ok()) {
    return meta.error();
  }
  auto loaded = std::make_unique<LoadedMethod>();
  const size_t num_buffers = meta->num_memory_planned_buffers();
  const bool shares = shared_arena_methods_.count(name) > 0;
  if (shares && shared_arenas_.empty()) {
    // Sized for the largest user among the sharing methods.
    for (const std::string& other : shared_arena_methods_) {
      auto other_meta = program_->method_meta(other.c_str());
      if (!other_meta.ok()) {
        return other_meta.error();
      }
      const size_t shared = std::min<size_t>(other_meta->num_memory_planned_buffers(), 2);
      if (shared_arenas_.size() < shared) {
        shared_arenas_.resize(shared);
      }
      for (size_t i = 0; i < shared; ++i) {
        auto size = other_meta->memory_planned_buffer_size(i);
        if (!size.ok()) {
          return size.error();
        }
        if (shared_arenas_[i].size() < *size) {
          shared_arenas_[i].resize(*size);
        }
      }
    }
  }
  loaded->own_buffers.resize(num_buffers);
  for (size_t i = 0; i < num_buffers; ++i) {
    auto size = meta->memory_planned_buffer_size(i);
    if (!size.ok()) {
      return size.error();
    }
    if (shares && i < shared_arenas_.size()) {
      loaded->spans.emplace_back(shared_arenas_[i].data(), shared_arenas_[i].size());
    } else {
      loaded->own_buffers[i].resize(*size);
      loaded->spans.emplace_back(loaded->own_buffers[i].data(), *size);
    }
  }
  loaded->planned = std::make_unique<HierarchicalAllocator>(
      Span<Span<uint8_t>>(loaded->spans.data(), loaded->spans.size()));
  loaded->memory_manager = std::make_unique<MemoryManager>(
      &loaded->method_allocator, loaded->planned.get(), &loaded->temp_allocator);
  ThreadPoolUse pool;  // delegates take the pool at load: no resize meanwhile
  if (meta->num_backends() > 0) {
    loaded->pool_hold.emplace();
  }
  auto method = guard_runtime_checks([&] {
    return program_->load_method(name.c_str(), loaded->memory_manager.get(), nullptr, data_map_,
                                 backend_options_);
  });
  if (!method.ok()) {
    return method.error();
  }
  loaded->method = std::make_unique<Method>(std::move(*method));
  methods_.emplace(name, std::move(loaded));
  return Error::Ok;
}

Result<std::vector<EValue>> MethodSet::execute(const std::string& name,
                                               const std::vector<EValue>& inputs) {
  return guard_runtime_checks([&] { return execute_unguarded(name, inputs); });
}

Result<std::vector<EValue>> MethodSet::execute_unguarded(const std::string& name,
                                                         const std::vector<EValue>& inputs) {
  Error err = load_method(name);
  if (err != Error::Ok) {
    return err;
  }
  Method& method = *methods_.at(name)->method;
  for (size_t i = 0; i < inputs.size(); ++i) {
    err = method.set_input(inputs[i], i);
    if (err != Error::Ok) {
      return err;
    }
  }
  {
    detail::ThreadPoolUse pool;  // no resize while XNNPACK runs
    err = method.execute();
  }
  if (err != Error::Ok) {
    return err;
  }
  std::vector<EValue> outputs(method.outputs_size());
  err = method.get_outputs(outputs.data(), outputs.size());
  if (err != Error::Ok) {
    return err;
  }
  return outputs;
}

size_t MethodSet::planned_bytes() const {
  size_t total = 0;
  for (const auto& arena : shared_arenas_) {
    total += arena.size();
  }
  for (const auto& [name, loaded] : methods_) {
    for (const auto& buffer : loaded->own_buffers) {
      total += buffer.size();
    }
  }
  return total;
}

}  // namespace et_llm::detail
