// What every session of an engine loads its methods from: the program, its
// external weights (.ptd) and the backend options of a method load.
#pragma once

#include <executorch/extension/flat_tensor/flat_tensor_data_map.h>
#include <executorch/runtime/backend/backend_options_map.h>
#include <executorch/runtime/backend/options.h>
#include <executorch/runtime/executor/program.h>

#include <memory>
#include <string>
#include <unordered_set>

#include "et_llm/engine.h"

namespace et_llm {

struct Engine::Program {
  std::shared_ptr<executorch::runtime::Program> program;
  std::unique_ptr<executorch::runtime::DataLoader> data_loader;
  std::unique_ptr<executorch::extension::FlatTensorDataMap> data_map;
  // A prefill/decode pair's methods share their KV-cache arenas.
  std::unordered_set<std::string> shared_arena_methods;
  executorch::runtime::BackendOptions<1> xnnpack_options;
  executorch::runtime::LoadBackendOptionsMap backend_options;

  const executorch::runtime::NamedDataMap* named_data() const { return data_map.get(); }
};

}  // namespace et_llm
