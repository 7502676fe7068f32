// llama::update_cache.out and llama::update_cache_with_indices.out: copy new
// key/value rows into a cache that lives in the program's mutable buffers.
#include <cinttypes>
#include <cstring>

#include "et_llm/custom_kernels.h"
#include "kernels/cache_update.h"
#include "kernels/kernel_checks.h"

namespace et_llm::kernels {
namespace detail {
namespace {

// One (batch, position) row of heads * head_dim elements is packed.
bool rows_packed(const Tensor& t) {
  const bool dim_packed = t.size(3) <= 1 || t.strides()[3] == 1;
  const bool heads_packed = t.size(2) <= 1 || t.strides()[2] == t.size(3);
  return dim_packed && heads_packed;
}

bool check_shapes(KernelRuntimeContext& ctx, const char* op, const Tensor& value,
                  const Tensor& cache) {
  ET_LLM_KERNEL_CHECK(ctx, value.dim() == 4 && cache.dim() == 4, op,
                      "value and cache must be 4-D [batch, seq, heads, head_dim]");
  for (int d : {0, 2, 3}) {
    ET_LLM_KERNEL_CHECK(
        ctx, value.size(d) == cache.size(d), op, "value has size %zd at dim %d, cache %zd",
        static_cast<ssize_t>(value.size(d)), d, static_cast<ssize_t>(cache.size(d)));
  }
  ET_LLM_KERNEL_CHECK(ctx, value.element_size() == cache.element_size(), op,
                      "value and cache element sizes differ (%zu vs %zu)",
                      static_cast<size_t>(value.element_size()),
                      static_cast<size_t>(cache.element_size()));
  ET_LLM_KERNEL_CHECK(ctx, rows_packed(value) && rows_packed(cache), op,
                      "value and cache rows ([heads, head_dim]) must be contiguous");
  return true;
}

bool check_indices(KernelRuntimeContext& ctx, const char* op, const Tensor& value,
                   const Tensor& cache, const Tensor& indices) {
  ET_LLM_KERNEL_CHECK(
      ctx,
      indices.dim() == 2 && indices.size(0) == value.size(0) && indices.size(1) == value.size(1),
      op, "indices must be [batch, seq] of value");
  ET_LLM_KERNEL_CHECK(ctx, indices.scalar_type() == ScalarType::Long, op, "indices must be int64");
  const int64_t* data = indices.const_data_ptr<int64_t>();
  for (int64_t b = 0; b < indices.size(0); ++b) {
    for (int64_t s = 0; s < indices.size(1); ++s) {
      const int64_t position = data[b * indices.strides()[0] + s * indices.strides()[1]];
      ET_LLM_KERNEL_CHECK(ctx, position >= 0 && position < cache.size(1), op,
                          "index %" PRId64 " outside the cache's %zd positions", position,
                          static_cast<ssize_t>(cache.size(1)));
    }
  }
  return true;
}

}  // namespace

bool write_cache_rows(KernelRuntimeContext& ctx, const char* op, const Tensor& value, Tensor& cache,
                      int64_t start_pos, const Tensor* indices) {
  if (!check_shapes(ctx, op, value, cache)) return false;
  const int64_t seq_len = value.size(1);
  if (indices != nullptr) {
    if (!check_indices(ctx, op, value, cache, *indices)) return false;
  } else {
    ET_LLM_KERNEL_CHECK(ctx, start_pos >= 0 && start_pos + seq_len <= cache.size(1), op,
                        "start_pos %" PRId64 " + seq_len %" PRId64
                        " exceeds the cache's %zd "
                        "positions",
                        start_pos, seq_len, static_cast<ssize_t>(cache.size(1)));
  }
  const size_t element_size = value.element_size();
  const int64_t row_elements = value.size(2) * value.size(3);
  const size_t row_bytes = static_cast<size_t>(row_elements) * element_size;
  const auto* src = static_cast<const uint8_t*>(value.const_data_ptr());
  auto* dst = static_cast<uint8_t*>(cache.mutable_data_ptr());
  const int64_t value_batch = value.strides()[0], value_seq = value.strides()[1];
  const int64_t cache_batch = cache.strides()[0], cache_seq = cache.strides()[1];
  const bool seq_packed = value_seq == row_elements && cache_seq == row_elements;
  for (int64_t b = 0; b < value.size(0); ++b) {
    if (indices == nullptr && seq_packed) {  // the whole run of positions at once
      std::memcpy(dst + (b * cache_batch + start_pos * cache_seq) * element_size,
                  src + b * value_batch * element_size, row_bytes * seq_len);
      continue;
    }
    for (int64_t s = 0; s < seq_len; ++s) {
      const int64_t position = indices == nullptr
                                   ? start_pos + s
                                   : indices->const_data_ptr<int64_t>()[b * indices->strides()[0] +
                                                                        s * indices->strides()[1]];
      std::memcpy(dst + (b * cache_batch + position * cache_seq) * element_size,
                  src + (b * value_batch + s * value_seq) * element_size, row_bytes);
    }
  }
  return true;
}

}  // namespace detail

Tensor& update_cache_out(KernelRuntimeContext& ctx, const Tensor& value, Tensor& cache,
                         int64_t start_pos, Tensor& out) {
  detail::write_cache_rows(ctx, "llama::update_cache.out", value, cache, start_pos, nullptr);
  return out;
}

Tensor& update_cache_with_indices_out(KernelRuntimeContext& ctx, const Tensor& value, Tensor& cache,
                                      int64_t start_pos, const Tensor& indices, Tensor& out) {
  detail::write_cache_rows(ctx, "llama::update_cache_with_indices.out", value, cache, start_pos,
                           &indices);
  return out;
}

}  // namespace et_llm::kernels
