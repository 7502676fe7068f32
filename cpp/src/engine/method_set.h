// MethodSet: one session's instances of a program's methods. The Program (its
// instructions and memory-mapped weights) is shared by every session of an
// engine; each MethodSet owns the planned memory (activations, the KV cache in
// mutable buffers) and the delegate instances of the methods it loads, so
// sessions never see each other's state. XNNPACK's weight cache (enabled in
// `backend_options`) lets every instance use one copy of the packed weights.
#pragma once

#include <executorch/extension/memory_allocator/malloc_memory_allocator.h>
#include <executorch/runtime/backend/backend_options_map.h>
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/executor/method.h>
#include <executorch/runtime/executor/program.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace et_llm::detail {

class MethodSet {
 public:
  // `shared_arena_methods` keep their KV cache in mutable buffers that both
  // see (a prefill/decode pair): they share planned arenas mem_id 1 and 2.
  MethodSet(std::shared_ptr<executorch::runtime::Program> program,
            const executorch::runtime::NamedDataMap* data_map,
            const executorch::runtime::LoadBackendOptionsMap* backend_options,
            std::unordered_set<std::string> shared_arena_methods = {});
  ~MethodSet();
  MethodSet(const MethodSet&) = delete;
  MethodSet& operator=(const MethodSet&) = delete;

  // Loads `name` once; later calls return at once. The calls mirror
  // executorch::extension::Module's, whose users they replace.
  executorch::runtime::Error load_method(const std::string& name);
  bool is_method_loaded(const std::string& name) const { return methods_.count(name) > 0; }
  // Binds `inputs`, runs the method and returns its outputs (views of its
  // planned memory, valid until its next execute).
  executorch::runtime::Result<std::vector<executorch::runtime::EValue>> execute(
      const std::string& name, const std::vector<executorch::runtime::EValue>& inputs);
  executorch::runtime::Result<executorch::runtime::MethodMeta> method_meta(
      const std::string& name) const;
  executorch::runtime::Result<std::unordered_set<std::string>> method_names() const;
  // Bytes of planned memory the loaded methods own (shared arenas once).
  size_t planned_bytes() const;

 private:
  struct LoadedMethod;

  executorch::runtime::Result<std::vector<executorch::runtime::EValue>> execute_unguarded(
      const std::string& name, const std::vector<executorch::runtime::EValue>& inputs);

  std::shared_ptr<executorch::runtime::Program> program_;
  const executorch::runtime::NamedDataMap* data_map_;
  const executorch::runtime::LoadBackendOptionsMap* backend_options_;
  std::unordered_set<std::string> shared_arena_methods_;
  std::vector<std::vector<uint8_t>> shared_arenas_;
  std::map<std::string, std::unique_ptr<LoadedMethod>> methods_;
};

}  // namespace et_llm::detail
