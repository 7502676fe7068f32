// In-place KV-cache updates (see program_rewrite/in_place_cache_updates.h):
// index_put / index_copy whose out is self write just the new rows, and the
// write-back copy_ of the cache onto itself is skipped.
#include <executorch/runtime/platform/log.h>

#include <cinttypes>
#include <cstring>

#include "kernels/rewrite_kernels.h"
#include "kernels/tensor_layout.h"

namespace et_llm::kernels {
namespace {

using detail::contiguous;
using detail::same_tensor;
using executorch::aten::ScalarType;
using executorch::aten::Tensor;

constexpr const char* kIndexPut = "aten::index_put.out";
constexpr const char* kIndexCopy = "aten::index_copy.out";
constexpr const char* kCopy = "aten::copy_";

int64_t index_value(const Tensor& index, int64_t i) {
  return index.scalar_type() == ScalarType::Long ? index.const_data_ptr<int64_t>()[i]
                                                 : index.const_data_ptr<int32_t>()[i];
}

// cache[..., index[i], ...] = values[..., i, ...] along `dim`, in place.
// `values` may lack leading dims of size 1 (indexing broadcasts them), and may
// give one row for every index. Returns false when the shapes are outside what
// it handles (the caller then uses the runtime's kernel); fails the call on an
// out-of-range index.
bool write_rows(KernelRuntimeContext& ctx, const char* op, Tensor& cache, int64_t dim,
                const Tensor& index, const Tensor& values) {
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

  auto* dst = static_cast<uint8_t*>(cache.mutable_data_ptr());
  const auto* src = static_cast<const uint8_t*>(values.const_data_ptr());
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

}  // namespace

void index_put_kernel(KernelRuntimeContext& ctx, Span<EValue*> s) {
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
  call_runtime_kernel(kIndexPut, ctx, s);
}

void index_copy_kernel(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (s.size() >= 5 && s[0]->isTensor() && s[1]->isInt() && s[2]->isTensor() && s[3]->isTensor() &&
      s[4]->isTensor() && same_tensor(s[0]->toTensor(), s[4]->toTensor())) {
    Tensor cache = s[4]->toTensor();
    int64_t dim = s[1]->toInt();
    if (dim < 0) dim += cache.dim();
    if (write_rows(ctx, kIndexCopy, cache, dim, s[2]->toTensor(), s[3]->toTensor())) return;
  }
  call_runtime_kernel(kIndexCopy, ctx, s);
}

void copy_kernel(KernelRuntimeContext& ctx, Span<EValue*> s) {
  if (s.size() >= 2 && s[0]->isTensor() && s[1]->isTensor() &&
      same_tensor(s[0]->toTensor(), s[1]->toTensor()) &&
      s[0]->toTensor().sizes() == s[1]->toTensor().sizes()) {
    return;  // a buffer written back onto itself
  }
  call_runtime_kernel(kCopy, ctx, s);
}

}  // namespace et_llm::kernels
