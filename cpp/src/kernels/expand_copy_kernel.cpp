// aten::expand_copy.out for the programs a rewrite touched: a call whose out
// is its input (an elided copy, see program_rewrite/copy_elision.h) does
// nothing, and a real broadcast of contiguous tensors is done as block copies
// of the largest trailing run the two shapes share (the runtime's generic
// kernel walks elements: for GQA's [kv_heads, 1, context, head_dim] ->
// [kv_heads, group, context, head_dim] that is one memcpy per head and group).
#include <executorch/runtime/core/exec_aten/util/tensor_util.h>
#include <executorch/runtime/platform/log.h>

#include <array>
#include <cstring>

#include "kernels/rewrite_kernels.h"
#include "kernels/tensor_layout.h"

namespace et_llm::kernels {
namespace {

using executorch::aten::SizesType;
using executorch::aten::Tensor;

constexpr const char* kExpandCopy = "aten::expand_copy.out";
// Below this many bytes per block, per-block calls cost more than the
// runtime's element loop.
constexpr size_t kMinBlockBytes = 256;

// Fixed-size scratch: the kernel runs per layer per token, without allocating.
constexpr int64_t kMaxRank = executorch::runtime::kTensorDimensionLimit;

struct Shape {
  std::array<SizesType, kMaxRank> sizes{};
  int64_t rank = 0;  // 0 when `sizes` cannot expand the input
  const SizesType* begin() const { return sizes.data(); }
  const SizesType* end() const { return sizes.data() + rank; }
};

// The expanded shape: `sizes` right-aligned against the input, -1 keeping the
// input's size.
Shape target_shape(const Tensor& in, executorch::aten::ArrayRef<int64_t> sizes) {
  const int64_t rank = static_cast<int64_t>(sizes.size());
  const int64_t offset = rank - in.dim();
  if (offset < 0 || rank > kMaxRank || rank == 0) return {};
  Shape shape;
  shape.rank = rank;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t have = d < offset ? 1 : in.size(d - offset);
    int64_t want = sizes[d];
    if (want == -1 && d >= offset) want = have;
    if (want < 0 || (have != 1 && have != want)) return {};
    shape.sizes[d] = static_cast<SizesType>(want);
  }
  return shape;
}

// out = in broadcast to out's shape, both contiguous. False when the
// trailing shared run is too small to be worth block copies.
bool broadcast_blocks(const Tensor& in, Tensor& out) {
  const int64_t rank = out.dim();
  const int64_t offset = rank - in.dim();
  auto in_size = [&](int64_t d) { return d < offset ? 1 : in.size(d - offset); };
  int64_t split = rank;  // dims [split, rank) are the same in both
  size_t block = out.element_size();
  while (split > 0 && in_size(split - 1) == out.size(split - 1)) {
    --split;
    block *= out.size(split);
  }
  if (block < kMinBlockBytes && split > 0) return false;
  // Input strides (in blocks) of the outer dims; 0 where broadcast.
  std::array<int64_t, kMaxRank> in_stride{};
  int64_t stride = 1;
  for (int64_t d = split - 1; d >= 0; --d) {
    in_stride[d] = in_size(d) == 1 ? 0 : stride;
    stride *= in_size(d);
  }
  const auto* src = static_cast<const uint8_t*>(in.const_data_ptr());
  auto* dst = static_cast<uint8_t*>(out.mutable_data_ptr());
  std::array<int64_t, kMaxRank> index{};
  const int64_t blocks = out.numel() * out.element_size() / block;
  int64_t from = 0;
  for (int64_t b = 0; b < blocks; ++b) {
    std::memcpy(dst + b * block, src + from * block, block);
    for (int64_t d = split - 1; d >= 0; --d) {  // next outer index
      from += in_stride[d];
      if (++index[d] < out.size(d)) break;
      from -= in_stride[d] * index[d];
      index[d] = 0;
    }
  }
  return true;
}

}  // namespace

void expand_copy_kernel(KernelRuntimeContext& ctx, Span<EValue*> s) {
  // expand_copy.out(self, size, implicit, *, out) [-> ret]
  if (s.size() >= 4 && s[0]->isTensor() && s[1]->isIntList() && s[3]->isTensor()) {
    const Tensor in = s[0]->toTensor();
    Tensor out = s[3]->toTensor();
    const auto shape = target_shape(in, s[1]->toIntList());
    if (detail::same_tensor(in, out)) {
      // An elided copy: the rewrite proved the shapes static and equal.
      const bool unchanged =
          shape.rank == in.dim() && std::equal(shape.begin(), shape.end(), in.sizes().begin());
      if (!unchanged) {
        ET_LOG(Error, "%s: an elided copy changes shape", kExpandCopy);
        ctx.fail(executorch::runtime::Error::Internal);
      }
      return;
    }
    if (shape.rank > 0 && in.scalar_type() == out.scalar_type() && detail::contiguous(in) &&
        executorch::runtime::resize_tensor(out,
                                           {shape.sizes.data(), static_cast<size_t>(shape.rank)}) ==
            executorch::runtime::Error::Ok &&
        detail::contiguous(out) && broadcast_blocks(in, out)) {
      return;
    }
  }
  call_runtime_kernel(kExpandCopy, ctx, s);
}

}  // namespace et_llm::kernels
