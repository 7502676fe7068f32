#include "kernels/attention.h"

#include <executorch/runtime/core/exec_aten/exec_aten.h>
#include <executorch/runtime/kernel/thread_parallel_interface.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/attention_math.h"

namespace et_llm::kernels::detail {
namespace {

constexpr float kNegativeInfinity = -std::numeric_limits<float>::infinity();
// Stack budgets of one tile: query rows and accumulators (rows * head_dim
// floats each), and key/value rows converted to float32 for one key block.
constexpr int64_t kTileFloats = 4096;
constexpr int64_t kConvertedFloats = 8192;
// Decode splits the key range across threads, but not below this many keys.
constexpr int64_t kMinKeysPerSplit = 128;
constexpr int64_t kMaxSplits = 16;
constexpr int64_t kTasksPerThread = 2;

float element_to_float(const void* data, ElementType type, int64_t index) {
  switch (type) {
    case ElementType::Float32:
      return static_cast<const float*>(data)[index];
    case ElementType::Float16:
      return static_cast<float>(static_cast<const executorch::aten::Half*>(data)[index]);
    case ElementType::BFloat16:
      return static_cast<float>(static_cast<const executorch::aten::BFloat16*>(data)[index]);
    case ElementType::Int8:
      return static_cast<const int8_t*>(data)[index];
  }
  return 0.0f;
}

// Row (batch, head, position) of `operand` as float32 times `factor`, into `dst`.
void load_row(const Operand& operand, int64_t batch, int64_t head, int64_t position, int64_t dim,
              float factor, float* dst) {
  const int64_t offset =
      batch * operand.stride_batch + head * operand.stride_head + position * operand.stride_seq;
  if (operand.type == ElementType::Int8) {
    const TokenQuantization& quant = operand.quantization;
    const float scale =
        quant.scales[batch * quant.scale_stride_batch + head * quant.scale_stride_head +
                     position * quant.scale_stride_seq];
    const float zero_point = quant.zero_points[batch * quant.zero_point_stride_batch +
                                               head * quant.zero_point_stride_head +
                                               position * quant.zero_point_stride_seq];
    const int8_t* src = static_cast<const int8_t*>(operand.data) + offset;
    const float step = scale * factor;
    for (int64_t d = 0; d < dim; ++d) dst[d] = (static_cast<float>(src[d]) - zero_point) * step;
    return;
  }
  for (int64_t d = 0; d < dim; ++d)
    dst[d] = element_to_float(operand.data, operand.type, offset + d) * factor;
}

// Pointers to key/value rows [first, first + count) of head `head` as float32:
// straight into the tensor when it is float32, else converted into `buffer`.
void gather_rows(const Operand& operand, int64_t batch, int64_t head, int64_t first, int count,
                 int64_t dim, float* buffer, const float** rows) {
  if (operand.type == ElementType::Float32) {
    const float* base = static_cast<const float*>(operand.data) + batch * operand.stride_batch +
                        head * operand.stride_head + first * operand.stride_seq;
    for (int j = 0; j < count; ++j) rows[j] = base + j * operand.stride_seq;
    return;
  }
  for (int j = 0; j < count; ++j) {
    load_row(operand, batch, head, first + j, dim, 1.0f, buffer + j * dim);
    rows[j] = buffer + j * dim;
  }
}

void store_row(const OutputOperand& out, int64_t batch, int64_t head, int64_t position, int64_t dim,
               const float* src, float factor) {
  const int64_t offset =
      batch * out.stride_batch + head * out.stride_head + position * out.stride_seq;
  switch (out.type) {
    case ElementType::Float32: {
      float* dst = static_cast<float*>(out.data) + offset;
      for (int64_t d = 0; d < dim; ++d) dst[d] = src[d] * factor;
      break;
    }
    case ElementType::Float16: {
      auto* dst = static_cast<executorch::aten::Half*>(out.data) + offset;
      for (int64_t d = 0; d < dim; ++d) dst[d] = executorch::aten::Half(src[d] * factor);
      break;
    }
    case ElementType::BFloat16: {
      auto* dst = static_cast<executorch::aten::BFloat16*>(out.data) + offset;
      for (int64_t d = 0; d < dim; ++d) dst[d] = executorch::aten::BFloat16(src[d] * factor);
      break;
    }
    case ElementType::Int8:
      break;  // never an output type
  }
}

// How the problem is cut into tasks. A group is one (batch, kv head); its rows
// are (position, GQA head) pairs, position-major, cut into tiles.
struct Plan {
  int64_t heads_per_kv = 1;
  int64_t rows_per_group = 0;
  int64_t rows_per_tile = 0;
  int64_t tiles_per_group = 0;
  int64_t tiles = 0;
  int64_t splits = 1;  // key-range pieces per tile
  int64_t keys_per_split = 0;
  int64_t keys_per_block = 0;
  int64_t partial_floats = 0;  // per (tile, split) when splits > 1: m, l, acc
};

Plan make_plan(const AttentionProblem& p, int64_t threads) {
  Plan plan;
  plan.heads_per_kv = p.q_heads / p.kv_heads;
  plan.rows_per_group = p.q_len * plan.heads_per_kv;
  plan.rows_per_tile = std::clamp<int64_t>(kTileFloats / p.head_dim, 1, kTileRows);
  plan.rows_per_tile = std::min(plan.rows_per_tile, plan.rows_per_group);
  plan.tiles_per_group = (plan.rows_per_group + plan.rows_per_tile - 1) / plan.rows_per_tile;
  plan.tiles = p.batch * p.kv_heads * plan.tiles_per_group;
  // Too few tiles to keep every thread busy (decode: one tile per KV head), or
  // a few that do not divide evenly: split the keys so there are about
  // kTasksPerThread tasks per thread.
  if (plan.tiles < threads || (plan.tiles < 4 * threads && plan.tiles % threads != 0)) {
    const int64_t wanted = (kTasksPerThread * threads + plan.tiles - 1) / plan.tiles;
    plan.splits = std::clamp<int64_t>(std::min(wanted, p.kv_len / kMinKeysPerSplit), 1, kMaxSplits);
  }
  plan.keys_per_split = (p.kv_len + plan.splits - 1) / plan.splits;
  plan.keys_per_block = std::clamp<int64_t>(kConvertedFloats / p.head_dim, 1, kKeyBlock);
  plan.partial_floats = plan.rows_per_tile * (p.head_dim + 2);
  return plan;
}

struct TileRows {
  int count = 0;
  int64_t group_batch = 0, group_kv_head = 0;
  int64_t position[kTileRows];
  int64_t head[kTileRows];
  int64_t visible_keys[kTileRows];  // keys [0, visible) are allowed for the row
};

TileRows tile_rows(const AttentionProblem& p, const Plan& plan, int64_t tile) {
  TileRows rows;
  const int64_t group = tile / plan.tiles_per_group;
  rows.group_batch = group / p.kv_heads;
  rows.group_kv_head = group % p.kv_heads;
  const int64_t first = (tile % plan.tiles_per_group) * plan.rows_per_tile;
  rows.count = static_cast<int>(std::min(plan.rows_per_tile, plan.rows_per_group - first));
  for (int r = 0; r < rows.count; ++r) {
    const int64_t row = first + r;
    rows.position[r] = row / plan.heads_per_kv;
    rows.head[r] = rows.group_kv_head * plan.heads_per_kv + row % plan.heads_per_kv;
    rows.visible_keys[r] =
        p.causal ? std::min(p.kv_len, p.start_pos + rows.position[r] + 1) : p.kv_len;
  }
  return rows;
}

// Scores of one key block -> softmax weights, updating each row's running max
// and sum and rescaling its accumulator when the max grows.
void softmax_block(const AttentionProblem& p, const AttentionMath& math, const TileRows& rows,
                   int64_t first_key, int n_keys, float* scores, float* running_max,
                   float* running_sum, float* acc) {
  for (int r = 0; r < rows.count; ++r) {
    float* s = scores + r * kKeyBlock;
    const int visible =
        static_cast<int>(std::clamp<int64_t>(rows.visible_keys[r] - first_key, 0, n_keys));
    for (int j = visible; j < n_keys; ++j) s[j] = kNegativeInfinity;
    if (p.mask != nullptr && visible > 0) {
      const int64_t base = rows.position[r] * p.mask_row_stride + first_key;
      for (int j = 0; j < visible; ++j) s[j] += element_to_float(p.mask, p.mask_type, base + j);
    }
    float block_max = kNegativeInfinity;
    for (int j = 0; j < visible; ++j) block_max = std::max(block_max, s[j]);
    if (block_max == kNegativeInfinity) {  // nothing visible in this block
      std::fill(s, s + n_keys, 0.0f);
      continue;
    }
    const float new_max = std::max(running_max[r], block_max);
    const float block_sum = math.exp_sum(s, n_keys, new_max);
    if (running_max[r] != kNegativeInfinity && new_max > running_max[r]) {
      const float correction = std::exp(running_max[r] - new_max);
      running_sum[r] *= correction;
      math.scale(acc + r * p.head_dim, p.head_dim, correction);
    }
    running_sum[r] += block_sum;
    running_max[r] = new_max;
  }
}

// Whether the mask hides keys [first_key, first_key + n_keys) from every row
// of the tile. Such blocks add exactly nothing (exp(-inf) = 0), and ring-buffer
// KV caches (sliding-window layers) pass a mask that hides most of the cache.
bool block_fully_masked(const AttentionProblem& p, const TileRows& rows, int64_t first_key,
                        int n_keys) {
  for (int r = 0; r < rows.count; ++r) {
    const int64_t base = rows.position[r] * p.mask_row_stride + first_key;
    const int visible =
        static_cast<int>(std::clamp<int64_t>(rows.visible_keys[r] - first_key, 0, n_keys));
    for (int j = 0; j < visible; ++j) {
      if (element_to_float(p.mask, p.mask_type, base + j) != kNegativeInfinity) return false;
    }
  }
  return true;
}

// One tile over keys [key_begin, key_end): writes the output rows directly, or
// (m, l, acc) into `partial` when the key range is split.
void run_tile(const AttentionProblem& p, const Plan& plan, int64_t tile, int64_t split,
              float* partial) {
  const AttentionMath& math = attention_math();
  const TileRows rows = tile_rows(p, plan, tile);
  const int64_t dim = p.head_dim;
  const int64_t batch = rows.group_batch;
  const int64_t kv_head = rows.group_kv_head;

  alignas(64) float q[kTileFloats];
  alignas(64) float acc[kTileFloats];
  alignas(64) float scores[kTileRows * kKeyBlock];
  alignas(64) float converted[kConvertedFloats];
  const float* kv_rows[kKeyBlock];
  float running_max[kTileRows];
  float running_sum[kTileRows];

  int64_t most_visible = 0;
  for (int r = 0; r < rows.count; ++r) {
    load_row(p.query, batch, rows.head[r], rows.position[r], dim, p.scale, q + r * dim);
    running_max[r] = kNegativeInfinity;
    running_sum[r] = 0.0f;
    most_visible = std::max(most_visible, rows.visible_keys[r]);
  }
  std::fill(acc, acc + rows.count * dim, 0.0f);

  const int64_t key_begin = split * plan.keys_per_split;
  const int64_t key_end = std::min({p.kv_len, key_begin + plan.keys_per_split, most_visible});
  for (int64_t n = key_begin; n < key_end; n += plan.keys_per_block) {
    const int n_keys = static_cast<int>(std::min(plan.keys_per_block, key_end - n));
    if (p.mask != nullptr && block_fully_masked(p, rows, n, n_keys)) continue;
    gather_rows(p.key, batch, kv_head, n, n_keys, dim, converted, kv_rows);
    math.scores(q, rows.count, dim, kv_rows, n_keys, scores);
    softmax_block(p, math, rows, n, n_keys, scores, running_max, running_sum, acc);
    gather_rows(p.value, batch, kv_head, n, n_keys, dim, converted, kv_rows);
    math.accumulate(scores, rows.count, n_keys, kv_rows, dim, acc);
  }

  if (partial == nullptr) {
    for (int r = 0; r < rows.count; ++r) {
      // A row that sees no key at all gets zeros (torch would give NaN).
      const float factor = running_sum[r] > 0.0f ? 1.0f / running_sum[r] : 0.0f;
      store_row(p.out, batch, rows.head[r], rows.position[r], dim, acc + r * dim, factor);
    }
    return;
  }
  float* max_out = partial;
  float* sum_out = partial + plan.rows_per_tile;
  float* acc_out = partial + 2 * plan.rows_per_tile;
  std::copy(running_max, running_max + rows.count, max_out);
  std::copy(running_sum, running_sum + rows.count, sum_out);
  std::copy(acc, acc + rows.count * dim, acc_out);
}

// Merges the key-range pieces of one tile (log-sum-exp) into the output.
void merge_splits(const AttentionProblem& p, const Plan& plan, int64_t tile,
                  const float* partials) {
  const TileRows rows = tile_rows(p, plan, tile);
  const int64_t dim = p.head_dim;
  alignas(64) float merged[kMaxHeadDim];
  for (int r = 0; r < rows.count; ++r) {
    float max_all = kNegativeInfinity;
    for (int64_t s = 0; s < plan.splits; ++s) {
      max_all = std::max(max_all, partials[s * plan.partial_floats + r]);
    }
    std::fill(merged, merged + dim, 0.0f);
    float sum_all = 0.0f;
    if (max_all != kNegativeInfinity) {
      for (int64_t s = 0; s < plan.splits; ++s) {
        const float* piece = partials + s * plan.partial_floats;
        const float piece_max = piece[r];
        if (piece_max == kNegativeInfinity) continue;
        const float weight = std::exp(piece_max - max_all);
        sum_all += piece[plan.rows_per_tile + r] * weight;
        const float* piece_acc = piece + 2 * plan.rows_per_tile + r * dim;
        for (int64_t d = 0; d < dim; ++d) merged[d] += piece_acc[d] * weight;
      }
    }
    const float factor = sum_all > 0.0f ? 1.0f / sum_all : 0.0f;
    store_row(p.out, rows.group_batch, rows.head[r], rows.position[r], dim, merged, factor);
  }
}

// Runs tasks [0, count) on the thread pool, task t on worker t % workers, so
// that causal tiles of increasing length spread evenly.
template <typename Task>
void run_tasks(int64_t count, int64_t threads, const Task& task) {
  const int64_t workers = std::min(count, threads);
  if (workers <= 1) {
    for (int64_t t = 0; t < count; ++t) task(t);
    return;
  }
  executorch::extension::parallel_for(0, workers, 1, [&](int64_t begin, int64_t end) {
    for (int64_t worker = begin; worker < end; ++worker) {
      for (int64_t t = worker; t < count; t += workers) task(t);
    }
  });
}

int64_t pool_threads() {
#ifdef ET_USE_THREADPOOL
  return std::max<int64_t>(1, executorch::extension::get_thread_count());
#else
  return 1;
#endif
}

}  // namespace

void run_attention(const AttentionProblem& problem) {
  if (problem.batch == 0 || problem.q_heads == 0 || problem.q_len == 0) return;
  const int64_t threads = pool_threads();
  const Plan plan = make_plan(problem, threads);
  if (plan.splits == 1) {
    run_tasks(plan.tiles, threads,
              [&](int64_t tile) { run_tile(problem, plan, tile, 0, nullptr); });
    return;
  }
  // Grows once per calling thread to the largest decode seen, then is reused.
  thread_local std::vector<float> partials;
  const size_t needed = static_cast<size_t>(plan.tiles * plan.splits * plan.partial_floats);
  if (partials.size() < needed) partials.resize(needed);
  float* base = partials.data();
  run_tasks(plan.tiles * plan.splits, threads, [&](int64_t task) {
    run_tile(problem, plan, task / plan.splits, task % plan.splits,
             base + task * plan.partial_floats);
  });
  for (int64_t tile = 0; tile < plan.tiles; ++tile) {
    merge_splits(problem, plan, tile, base + tile * plan.splits * plan.partial_floats);
  }
}

}  // namespace et_llm::kernels::detail
