#include "program_rewrite/copy_elision.h"

#include <unordered_set>

#include "program_rewrite/plan_queries.h"

namespace et_llm::program_rewrite {
namespace {

constexpr const char* kExpandCopy = "aten::expand_copy.out";

// Values some instruction writes in place: write-back destinations, and
// caches updated in place (self == out).
std::unordered_set<int32_t> written_in_place(const Plan& plan) {
  std::unordered_set<int32_t> written;
  for (const Instruction& in : plan.instructions) {
    const std::string& op = op_name(plan, in);
    if (op == "aten::copy_" && !in.values.empty()) written.insert(in.values[0]);
    if ((op == "aten::index_put.out" || op == "aten::index_copy.out") && in.values.size() >= 5 &&
        in.values[0] == in.values[4]) {
      written.insert(in.values[0]);
    }
  }
  return written;
}

bool same_static_layout(const TensorValue& a, const TensorValue& b) {
  return a.static_shape && b.static_shape && a.planned && b.planned && a.nbytes > 0 &&
         a.scalar_type == b.scalar_type && a.sizes == b.sizes && a.dim_order == b.dim_order &&
         a.contiguous();
}

// Tries `O = expand_copy(I, ...)` at instruction `e` of `plan`.
bool plan_elision(const Plan& plan, size_t e, const std::unordered_set<int32_t>& written,
                  Rewrite& out) {
  // expand_copy.out(self, size, implicit, *, out) [-> ret]
  const auto& a = plan.instructions[e].values;
  if (a.size() < 4 || a.size() > 5) return false;
  const int32_t input = a[0];
  const int32_t output = a[3];
  if (a.size() == 5 && a[4] != output) return false;
  const TensorValue* i = tensor_at(plan, input);
  const TensorValue* o = tensor_at(plan, output);
  if (i == nullptr || o == nullptr || input == output || !same_static_layout(*i, *o)) {
    return false;
  }
  if (written.count(input) || is_plan_input_or_output(plan, input) ||
      is_plan_input_or_output(plan, output) || named_in_any_list(plan, output)) {
    return false;
  }
  size_t last = e;
  for (size_t k = e + 1; k < plan.instructions.size(); ++k) {
    if (names(plan, plan.instructions[k], output)) last = k;
  }
  if (last == e) return false;
  // I's memory must keep I's values until O's last use: no other tensor there.
  for (size_t k = e + 1; k <= last; ++k) {
    const Instruction& in = plan.instructions[k];
    for (int32_t v : in.values) {
      if (v == input || v == output) continue;
      const TensorValue* t = tensor_at(plan, v);
      if (t != nullptr && t->overlaps(*i)) return false;
      const Value* value = value_at(plan, v);
      if (value == nullptr) continue;
      for (int32_t item : value->list_items) {
        const TensorValue* listed = item == input ? nullptr : tensor_at(plan, item);
        if (listed != nullptr && listed->overlaps(*i)) return false;
      }
    }
  }
  out.plan = plan.name;
  out.first_instruction = e;
  out.last_instruction = last;
  redirect(plan, e, last, output, input, out);
  out.kernels.push_back(signature(plan, plan.instructions[e], output, input));
  return true;
}

}  // namespace

std::vector<Rewrite> find_elidable_copies(const std::vector<Plan>& plans) {
  std::vector<Rewrite> elided;
  for (const Plan& original : plans) {
    if (!straight_line(original)) continue;
    // Each elision is applied before the next is planned: a copy of a copy
    // then sees the first one's input.
    std::vector<Plan> working(1, original);
    Plan& plan = working.front();
    const auto written = written_in_place(plan);
    for (size_t e = 0; e < plan.instructions.size(); ++e) {
      if (op_name(plan, plan.instructions[e]) != kExpandCopy) continue;
      Rewrite rewrite;
      if (!plan_elision(plan, e, written, rewrite)) continue;
      apply_rewrite(rewrite, working);
      elided.push_back(std::move(rewrite));
    }
  }
  return elided;
}

}  // namespace et_llm::program_rewrite
