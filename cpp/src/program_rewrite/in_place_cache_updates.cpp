#include "program_rewrite/in_place_cache_updates.h"

#include <unordered_map>

#include "program_rewrite/plan_queries.h"

namespace et_llm::program_rewrite {
namespace {

constexpr const char* kIndexPut = "aten::index_put.out";
constexpr const char* kIndexCopy = "aten::index_copy.out";
constexpr const char* kCopy = "aten::copy_";

bool is_index_tensor(const TensorValue* t) {
  return t != nullptr && t->sizes.size() == 1 && (t->scalar_type == 4 || t->scalar_type == 3);
}

// The functional update `out = op(B, ...)` forms et_llm's in-place kernels
// handle: one 1-D index along one dim, values shaped like B except along it.
bool supported_update(const Plan& plan, const Instruction& in, int32_t cache, int32_t updated) {
  const std::string& op = op_name(plan, in);
  const auto& a = in.values;
  const TensorValue* b = tensor_at(plan, cache);
  const size_t rank = b->sizes.size();
  // Rows to write: B's dtype, contiguous, at most B's rank (indexing
  // broadcasts missing leading dims).
  auto rows_layout = [&](const TensorValue* t) {
    return t != nullptr && t->scalar_type == b->scalar_type && t->sizes.size() <= rank &&
           t->contiguous();
  };
  if (op == kIndexPut) {
    // index_put.out(self, indices, values, accumulate, *, out) [-> ret]
    if (a.size() < 5 || a[0] != cache || a[4] != updated) return false;
    if (a.size() == 6 && a[5] != updated) return false;
    if (a.size() > 6) return false;
    const Value* indices = value_at(plan, a[1]);
    const Value* accumulate = value_at(plan, a[3]);
    if (indices == nullptr || indices->kind != ValueKind::OptionalTensorList) return false;
    if (accumulate == nullptr || accumulate->kind != ValueKind::Bool || accumulate->bool_value) {
      return false;
    }
    size_t given = 0;
    for (size_t d = 0; d < indices->list_items.size(); ++d) {
      if (indices->list_items[d] < 0) continue;
      if (!is_index_tensor(tensor_at(plan, indices->list_items[d]))) return false;
      ++given;
    }
    return given == 1 && indices->list_items.size() <= rank && rows_layout(tensor_at(plan, a[2]));
  }
  if (op == kIndexCopy) {
    // index_copy.out(self, dim, index, source, *, out) [-> ret]
    if (a.size() < 5 || a[0] != cache || a[4] != updated) return false;
    if (a.size() == 6 && a[5] != updated) return false;
    if (a.size() > 6) return false;
    const Value* dim = value_at(plan, a[1]);
    if (dim == nullptr || dim->kind != ValueKind::Int) return false;
    const int64_t d =
        dim->int_value < 0 ? dim->int_value + static_cast<int64_t>(rank) : dim->int_value;
    return d >= 0 && d < static_cast<int64_t>(rank) && is_index_tensor(tensor_at(plan, a[2])) &&
           rows_layout(tensor_at(plan, a[3]));
  }
  return false;
}

// Tries the write-back `copy_(B, T)` at instruction `c`.
bool plan_update(const Plan& plan, size_t c, Rewrite& out) {
  const Instruction& copy = plan.instructions[c];
  if (copy.values.size() < 2 || copy.values.size() > 4) return false;
  const int32_t cache = copy.values[0];
  const int32_t updated = copy.values[1];
  if (copy.values.size() == 4 && copy.values[3] != cache) return false;
  const TensorValue* b = tensor_at(plan, cache);
  const TensorValue* t = tensor_at(plan, updated);
  if (b == nullptr || t == nullptr || cache == updated) return false;
  if (!b->planned || !t->planned || b->nbytes == 0 || !b->contiguous()) return false;
  if (b->scalar_type != t->scalar_type || b->sizes != t->sizes || b->dim_order != t->dim_order) {
    return false;
  }
  if (is_plan_input_or_output(plan, cache) || is_plan_input_or_output(plan, updated)) return false;
  if (named_in_any_list(plan, updated) || named_in_any_list(plan, cache)) return false;

  // T's producer: the first instruction that names it.
  size_t u = 0;
  while (u < c && !names(plan, plan.instructions[u], updated)) ++u;
  if (u == c) return false;
  const Instruction& update = plan.instructions[u];
  if (!supported_update(plan, update, cache, updated)) return false;
  for (size_t i = c + 1; i < plan.instructions.size(); ++i) {
    if (names(plan, plan.instructions[i], updated)) return false;
  }
  // The update's other inputs (indices included) must not alias the cache
  // it will write.
  Instruction inputs = update;
  inputs.values.erase(inputs.values.begin());  // self is the cache
  if (touches(plan, inputs, cache, *b, updated)) return false;
  // Nothing between reads or writes B's memory: it would see the new rows
  // early.
  for (size_t i = u + 1; i < c; ++i) {
    if (touches(plan, plan.instructions[i], cache, *b, updated)) return false;
  }

  out.plan = plan.name;
  out.first_instruction = u;
  out.last_instruction = c;
  redirect(plan, u, c, updated, cache, out);
  out.kernels.push_back(signature(plan, update, updated, cache));
  out.kernels.push_back(signature(plan, copy, updated, cache));
  return true;
}

}  // namespace

std::vector<Rewrite> find_in_place_cache_updates(const std::vector<Plan>& plans) {
  std::vector<Rewrite> updates;
  for (const Plan& plan : plans) {
    if (!straight_line(plan)) continue;
    // A buffer written back twice in one plan is left as exported.
    std::unordered_map<int32_t, int> write_backs;
    for (const Instruction& in : plan.instructions) {
      if (op_name(plan, in) == kCopy && !in.values.empty()) ++write_backs[in.values[0]];
    }
    for (size_t c = 0; c < plan.instructions.size(); ++c) {
      const Instruction& in = plan.instructions[c];
      if (op_name(plan, in) != kCopy || in.values.empty() || write_backs[in.values[0]] != 1) {
        continue;
      }
      Rewrite update;
      if (plan_update(plan, c, update)) updates.push_back(std::move(update));
    }
  }
  return updates;
}

}  // namespace et_llm::program_rewrite
