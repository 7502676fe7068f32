#include "kernels/in_place_cache_kernels.h"

#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/kernel/kernel_runtime_context.h>
#include <executorch/runtime/kernel/operator_registry.h>
#include <executorch/runtime/platform/log.h>

#include <cinttypes>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace et_llm::kernels {
namespace {

using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::runtime::EValue;
using executorch::runtime::KernelRuntimeContext;
using executorch::runtime::OpFunction;
using executorch::runtime::Span;

constexpr const char *kIndexPut = "aten::index_put.out";
constexpr const char *kIndexCopy = "aten::index_copy.out";
constexpr const char *kCopy = "aten::copy_";

// The runtime's own kernels, looked up when ours are registered.
OpFunction g_index_put_fallback = nullptr;
OpFunction g_index_copy_fallback = nullptr;
OpFunction g_copy_fallback = nullptr;

bool contiguous(const Tensor &t) {
  int64_t expected = 1;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    if (t.size(d) != 1 && t.strides()[d] != expected) return false;
    expected *= t.size(d);
  }
  return true;
}

bool same_tensor(const Tensor &a, const Tensor &b) {
  return a.const_data_ptr() == b.const_data_ptr() && a.nbytes() == b.nbytes() &&
         a.scalar_type() == b.scalar_type();
}

int64_t index_value(const Tensor &index, int64_t i) {
  return index.scalar_type() == ScalarType::Long ? index.const_data_ptr<int64_t>()[i]
                                                 : index.const_data_ptr<int32_t>()[i];
}

// cache[..., index[i], ...] = values[..., i, ...] along `dim`, in place.
// `values` may lack leading dims of size 1 (indexing broadcasts them), and may
// give one row for every index. Returns false when the shapes are outside what
// it handles (the caller then uses the runtime's kernel); fails the call on an
// out-of-range index.
bool write_rows(KernelRuntimeContext &ctx, const char *op, Tensor &cache, int64_t dim,
                const Tensor &index, const Tensor &values) {
  const int64_t rank = cache.dim();
  const int64_t missing = rank - values.dim();
  if (dim < 0 || dim >= rank || missing < 0 || index.dim() != 1) return false;
  if (values.scalar_type() != cache.scalar_type() || !contiguous(values) || !contiguous(cache)) {
    return false;
  }
  if (index.scalar_type() != ScalarType::Long && index.scalar_type() != ScalarType::Int) {
    return false;
  }
  auto values_size = [&](int64_t d) { return d < missing ? 1 : values.size(d - missing); };
  for (int64_t d = 0; d < rank; ++d) {
    if (d != dim && values_size(d) != cache.size(d)) return false;
  }
  const int64_t count = index.numel();
  const int64_t given = values_size(dim);
  if (given != count && given != 1) return false;

  const int64_t positions = cache.size(dim);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t p = index_value(index, i);
    if (p < -positions || p >= positions) {
      ET_LOG(Error,
             "%s: index %" PRId64 " is out of bounds for dimension %" PRId64 " with size %" PRId64,
             op, p, dim, positions);
      ctx.fail(executorch::runtime::Error::InvalidArgument);
      return true;
    }
  }
  int64_t outer = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= cache.size(d);
  size_t row_bytes = cache.element_size();
  for (int64_t d = dim + 1; d < rank; ++d) row_bytes *= cache.size(d);

  auto *dst = static_cast<uint8_t *>(cache.mutable_data_ptr());
  const auto *src = static_cast<const uint8_t *>(values.const_data_ptr());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < count; ++i) {
      int64_t p = index_value(index, i);
      if (p < 0) p += positions;
      const int64_t from = given == 1 ? 0 : i;
      std::memcpy(dst + (o * positions + p) * row_bytes, src + (o * given + from) * row_bytes,
                  row_bytes);
    }
  }
  return true;
}

void index_put_kernel(KernelRuntimeContext &ctx, Span<EValue *> s) {
  if (s.size() >= 5 && s[0]->isTensor() && s[1]->isListOptionalTensor() && s[2]->isTensor() &&
      s[3]->isBool() && s[4]->isTensor() && !s[3]->toBool() &&
      same_tensor(s[0]->toTensor(), s[4]->toTensor())) {
    const auto indices = s[1]->toListOptionalTensor();
    int64_t dim = -1;
    for (size_t d = 0; d < indices.size(); ++d) {
      if (!indices[d].has_value()) continue;
      dim = dim < 0 ? static_cast<int64_t>(d) : -2;  // -2: more than one index
    }
    Tensor cache = s[4]->toTensor();
    if (dim >= 0 && write_rows(ctx, kIndexPut, cache, dim, *indices[dim], s[2]->toTensor())) {
      return;
    }
  }
  g_index_put_fallback(ctx, s);
}

void index_copy_kernel(KernelRuntimeContext &ctx, Span<EValue *> s) {
  if (s.size() >= 5 && s[0]->isTensor() && s[1]->isInt() && s[2]->isTensor() && s[3]->isTensor() &&
      s[4]->isTensor() && same_tensor(s[0]->toTensor(), s[4]->toTensor())) {
    Tensor cache = s[4]->toTensor();
    int64_t dim = s[1]->toInt();
    if (dim < 0) dim += cache.dim();
    if (write_rows(ctx, kIndexCopy, cache, dim, s[2]->toTensor(), s[3]->toTensor())) return;
  }
  g_index_copy_fallback(ctx, s);
}

void copy_kernel(KernelRuntimeContext &ctx, Span<EValue *> s) {
  if (s.size() >= 2 && s[0]->isTensor() && s[1]->isTensor() &&
      same_tensor(s[0]->toTensor(), s[1]->toTensor()) &&
      s[0]->toTensor().sizes() == s[1]->toTensor().sizes()) {
    return;  // a buffer written back onto itself
  }
  g_copy_fallback(ctx, s);
}

struct InPlaceOp {
  const char *name;
  OpFunction kernel;
  OpFunction *fallback;
};

const InPlaceOp kOps[] = {
    {kIndexPut, &index_put_kernel, &g_index_put_fallback},
    {kIndexCopy, &index_copy_kernel, &g_index_copy_fallback},
    {kCopy, &copy_kernel, &g_copy_fallback},
};

// Keys registered by this process (the registry keeps pointers to them).
constexpr size_t kMaxKeys = 64;
std::mutex g_mutex;
std::set<std::string> &registered_keys() {
  static std::set<std::string> keys;
  return keys;
}

}  // namespace

Error register_in_place_kernel(const program_rewrite::KernelSignature &signature) {
  const InPlaceOp *op = nullptr;
  for (const InPlaceOp &candidate : kOps) {
    if (signature.op == candidate.name) op = &candidate;
  }
  ET_LLM_CHECK(op != nullptr, NotSupported, "no in-place kernel for " + signature.op);

  std::vector<executorch::aten::DimOrderType> orders;
  for (const auto &tensor : signature.tensors) {
    orders.insert(orders.end(), tensor.second.begin(), tensor.second.end());
  }
  std::vector<executorch::runtime::TensorMeta> metas;
  size_t at = 0;
  for (const auto &tensor : signature.tensors) {
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

  std::lock_guard<std::mutex> lock(g_mutex);
  const std::string entry = signature.op + "#" + key;
  if (registered_keys().count(entry)) return Error();
  for (const auto &kernel : executorch::runtime::get_registered_kernels()) {
    const bool same_key =
        !kernel.kernel_key_.is_fallback() && std::strcmp(kernel.kernel_key_.data(), key) == 0;
    ET_LLM_CHECK(!(same_key && std::strcmp(kernel.name_, op->name) == 0), NotSupported,
                 "another library registered " + signature.op + " for " + key);
  }
  ET_LLM_CHECK(registered_keys().size() < kMaxKeys, NotSupported,
               "too many in-place kernel keys in this process");
  if (*op->fallback == nullptr) {
    auto fallback = executorch::runtime::get_op_function_from_registry(op->name);
    ET_LLM_CHECK(fallback.ok(), NotSupported, "the runtime has no kernel for " + signature.op);
    *op->fallback = *fallback;
  }
  // The registry stores the key pointer: it must outlive the process's kernels.
  const std::string &stored = *registered_keys().insert(entry).first;
  const char *stored_key = stored.c_str() + signature.op.size() + 1;
  const executorch::runtime::Kernel kernel(op->name, executorch::runtime::KernelKey(stored_key),
                                           op->kernel);
  const auto err = executorch::runtime::register_kernels({&kernel, 1});
  if (err != executorch::runtime::Error::Ok) {
    registered_keys().erase(entry);
    return Error(ErrorCode::Internal,
                 "registering the in-place " + signature.op + " kernel failed");
  }
  return Error();
}

}  // namespace et_llm::kernels
