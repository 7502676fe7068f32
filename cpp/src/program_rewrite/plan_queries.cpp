#include "program_rewrite/plan_queries.h"

#include <algorithm>

namespace et_llm::program_rewrite {
namespace {

bool in_list(const std::vector<int32_t>& list, int32_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

const Value* value_at(const Plan& plan, int32_t index) {
  if (index < 0 || static_cast<size_t>(index) >= plan.values.size()) return nullptr;
  return &plan.values[index];
}

const TensorValue* tensor_at(const Plan& plan, int32_t index) {
  const Value* v = value_at(plan, index);
  return v != nullptr && v->kind == ValueKind::Tensor ? &v->tensor : nullptr;
}

const std::string& op_name(const Plan& plan, const Instruction& in) {
  static const std::string none;
  if (in.kind != InstructionKind::Kernel || in.op_index < 0 ||
      static_cast<size_t>(in.op_index) >= plan.operators.size()) {
    return none;
  }
  return plan.operators[in.op_index];
}

bool names(const Plan& plan, const Instruction& in, int32_t index) {
  for (int32_t v : in.values) {
    if (v == index) return true;
    const Value* value = value_at(plan, v);
    if (value != nullptr && in_list(value->list_items, index)) return true;
  }
  return false;
}

bool touches(const Plan& plan, const Instruction& in, int32_t index, const TensorValue& region,
             int32_t except) {
  auto check = [&](int32_t v) {
    if (v == except) return false;
    if (v == index) return true;
    const TensorValue* t = tensor_at(plan, v);
    return t != nullptr && t->overlaps(region);
  };
  for (int32_t v : in.values) {
    if (check(v)) return true;
    const Value* value = value_at(plan, v);
    if (value == nullptr) continue;
    for (int32_t item : value->list_items) {
      if (item >= 0 && check(item)) return true;
    }
  }
  return false;
}

bool is_plan_input_or_output(const Plan& plan, int32_t index) {
  return in_list(plan.inputs, index) || in_list(plan.outputs, index);
}

bool named_in_any_list(const Plan& plan, int32_t index) {
  for (const Value& v : plan.values) {
    if (in_list(v.list_items, index)) return true;
  }
  return false;
}

bool straight_line(const Plan& plan) {
  return plan.chain_count == 1 &&
         std::none_of(plan.instructions.begin(), plan.instructions.end(),
                      [](const Instruction& in) { return in.kind == InstructionKind::JumpFalse; });
}

}  // namespace et_llm::program_rewrite
