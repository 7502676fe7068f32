// Registration of the rewrite kernels under exact kernel keys, and the
// runtime's own kernels they hand other calls to.
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kernels/rewrite_kernels.h"

namespace et_llm::kernels {
namespace {

using executorch::aten::ScalarType;
using executorch::runtime::OpFunction;

struct RewriteOp {
  const char* name;
  OpFunction kernel;
  OpFunction runtime_kernel;  // set when the first key for the op is registered
};

RewriteOp g_ops[] = {
    {"aten::index_put.out", &index_put_kernel, nullptr},
    {"aten::index_copy.out", &index_copy_kernel, nullptr},
    {"aten::copy_", &copy_kernel, nullptr},
    {"aten::expand_copy.out", &expand_copy_kernel, nullptr},
};

RewriteOp* find_op(const std::string& name) {
  for (RewriteOp& op : g_ops) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

// Keys registered by this process, as "op#key" (the registry keeps pointers
// into these strings, so they live as long as the process).
constexpr size_t kMaxKeys = 64;
std::mutex g_mutex;
std::set<std::string>& registered_keys() {
  static auto* keys = new std::set<std::string>();
  return *keys;
}

Result<std::string> kernel_key(const program_rewrite::KernelSignature& signature) {
  std::vector<executorch::aten::DimOrderType> orders;
  for (const auto& tensor : signature.tensors) {
    orders.insert(orders.end(), tensor.second.begin(), tensor.second.end());
  }
  std::vector<executorch::runtime::TensorMeta> metas;
  size_t at = 0;
  for (const auto& tensor : signature.tensors) {
    metas.emplace_back(
        static_cast<ScalarType>(tensor.first),
        Span<executorch::aten::DimOrderType>(orders.data() + at, tensor.second.size()));
    at += tensor.second.size();
  }
  char key[executorch::runtime::internal::kKernelKeyBufSize];
  const auto made = executorch::runtime::internal::make_kernel_key_string(
      {metas.data(), metas.size()}, key, sizeof(key));
  ET_LLM_CHECK(made == executorch::runtime::Error::Ok, NotSupported,
               "no kernel key for this " + signature.op + " call");
  return std::string(key);
}

}  // namespace

Error register_rewrite_kernel(const program_rewrite::KernelSignature& signature) {
  RewriteOp* op = find_op(signature.op);
  ET_LLM_CHECK(op != nullptr, NotSupported, "no rewrite kernel for " + signature.op);
  ET_LLM_ASSIGN_OR_RETURN(const std::string key, kernel_key(signature));

  std::lock_guard<std::mutex> lock(g_mutex);
  const std::string entry = signature.op + "#" + key;
  if (registered_keys().count(entry)) return Error();
  for (const auto& kernel : executorch::runtime::get_registered_kernels()) {
    const bool same = !kernel.kernel_key_.is_fallback() &&
                      std::strcmp(kernel.name_, op->name) == 0 && key == kernel.kernel_key_.data();
    ET_LLM_CHECK(!same, NotSupported, "another library registered " + signature.op + " for " + key);
  }
  ET_LLM_CHECK(registered_keys().size() < kMaxKeys, NotSupported,
               "too many rewrite kernel keys in this process");
  if (op->runtime_kernel == nullptr) {
    auto runtime_kernel = executorch::runtime::get_op_function_from_registry(op->name);
    ET_LLM_CHECK(runtime_kernel.ok(), NotSupported,
                 "the runtime has no kernel for " + signature.op);
    op->runtime_kernel = *runtime_kernel;
  }
  const std::string& stored = *registered_keys().insert(entry).first;
  const char* stored_key = stored.c_str() + signature.op.size() + 1;
  const executorch::runtime::Kernel kernel(op->name, executorch::runtime::KernelKey(stored_key),
                                           op->kernel);
  if (executorch::runtime::register_kernels({&kernel, 1}) != executorch::runtime::Error::Ok) {
    registered_keys().erase(entry);
    return Error(ErrorCode::Internal,
                 "registering the rewrite kernel for " + signature.op + " failed");
  }
  return Error();
}

void call_runtime_kernel(const char* op, KernelRuntimeContext& ctx, Span<EValue*> stack) {
  // Only reached through a registered key, so the op's runtime kernel is set.
  find_op(op)->runtime_kernel(ctx, stack);
}

}  // namespace et_llm::kernels
