// What a .pte file contains, as the ExecuTorch runtime reports it: every
// method's inputs and outputs (tag, dtype, shape, whether the shape is dynamic),
// its backends and planned memory, and the values of the constant (metadata)
// methods. Used by `et-llm inspect`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "et_llm/error.h"

namespace et_llm {

struct TensorSpec {
  std::string dtype;           // "float32", "int64", ...
  std::vector<int64_t> shape;  // the upper bound when the shape is dynamic
  // "static", "dynamic_bound" (may shrink up to `shape`) or "dynamic_unbound";
  // "unknown" when the method could not be loaded to ask.
  std::string dynamism;
  int64_t nbytes = 0;
  bool memory_planned = false;
};

struct ValueSpec {
  std::string tag;                   // "tensor", "int", "double", "bool", "string", "none", ...
  std::optional<TensorSpec> tensor;  // set when tag == "tensor"
};

struct MethodSpec {
  std::string name;
  std::vector<ValueSpec> inputs;
  std::vector<ValueSpec> outputs;
  std::vector<std::string> backends;  // distinct, in order of first use
  int64_t delegate_calls = 0;         // delegated subgraphs (one per backend call site)
  std::vector<int64_t> planned_buffer_bytes;
  int64_t num_instructions = 0;
  // KV-cache updates exported out of place that et_llm runs in place (a
  // plain-attention export has two per layer: keys and values).
  int64_t in_place_cache_updates = 0;
  // Copies of a tensor to its own shape (decomposed attention's expands) that
  // et_llm skips.
  int64_t elided_copies = 0;
  // Set for constant methods (no inputs, scalar outputs): their values.
  std::optional<std::vector<double>> constant_values;
  // Why the method could not be loaded (dynamism is then unknown); empty if it loaded.
  std::string load_error;
};

struct ProgramSpec {
  std::string path;
  int64_t file_bytes = 0;
  std::vector<MethodSpec> methods;  // sorted by name
};

// Opens `model_path` (registering et_llm's custom kernels first, as the runners
// do) and describes it. Methods with inputs are loaded to learn their shape
// dynamism; pass load_methods=false to skip that (faster on large files).
Result<ProgramSpec> inspect_program(const std::string& model_path, bool load_methods = true);

}  // namespace et_llm
