#include "program_rewrite/program_checks.h"

#include <executorch/runtime/core/exec_aten/util/scalar_type_util.h>

#include <map>
#include <string>
#include <utility>

namespace et_llm::program_rewrite {
namespace {

bool in_range(int32_t index, size_t size) {
  return index >= 0 && static_cast<size_t>(index) < size;
}

bool all_in_range(const std::vector<int32_t>& indices, size_t size, bool none_allowed) {
  for (int32_t index : indices) {
    if (!(in_range(index, size) || (none_allowed && index == -1))) return false;
  }
  return true;
}

// Kinds a schema argument can take interchangeably collapse to one.
ValueKind argument_class(ValueKind kind) {
  switch (kind) {
    case ValueKind::Double:
    case ValueKind::Bool:
      return ValueKind::Int;
    case ValueKind::Null:
      return ValueKind::None;
    default:
      return kind;
  }
}

}  // namespace

bool indices_valid(const std::vector<Plan>& plans) {
  for (const Plan& plan : plans) {
    const size_t num_values = plan.values.size();
    if (!all_in_range(plan.inputs, num_values, false) ||
        !all_in_range(plan.outputs, num_values, false)) {
      return false;
    }
    for (const Value& value : plan.values) {
      if (!all_in_range(value.list_items, num_values, value.kind == ValueKind::OptionalTensorList))
        return false;
    }
    for (const Instruction& in : plan.instructions) {
      if (in.kind == InstructionKind::Kernel && !in_range(in.op_index, plan.operators.size()))
        return false;
      if (!all_in_range(in.values, num_values, false)) return false;
    }
  }
  return true;
}

bool argument_kinds_consistent(const std::vector<Plan>& plans) {
  for (const Plan& plan : plans) {
    for (const Value& value : plan.values) {
      for (int32_t item : value.list_items) {
        if (item != -1 && plan.values[item].kind != ValueKind::Tensor) return false;
      }
    }
    // (operator, argument count) → the kind at each position (None: not seen yet).
    std::map<std::pair<int32_t, size_t>, std::vector<ValueKind>> seen;
    for (const Instruction& in : plan.instructions) {
      if (in.kind != InstructionKind::Kernel) continue;
      auto [entry, inserted] =
          seen.try_emplace({in.op_index, in.values.size()}, in.values.size(), ValueKind::None);
      std::vector<ValueKind>& kinds = entry->second;
      for (size_t i = 0; i < in.values.size(); ++i) {
        const ValueKind kind = argument_class(plan.values[in.values[i]].kind);
        if (kind == ValueKind::None) continue;
        if (kinds[i] == ValueKind::None) {
          kinds[i] = kind;
        } else if (kinds[i] != kind) {
          return false;
        }
      }
    }
  }
  return true;
}

bool method_meta_readable(const std::vector<Plan>& plans) {
  using executorch::aten::ScalarType;
  for (const Plan& plan : plans) {
    if (!plan.fields_present) return false;
    for (const Value& value : plan.values) {
      if (value.kind != ValueKind::Tensor) continue;
      const TensorValue& tensor = value.tensor;
      const auto type = static_cast<ScalarType>(tensor.scalar_type);
      if (!tensor.shape_present || !executorch::runtime::isValid(type)) return false;
      size_t bytes = executorch::runtime::elementSize(type);
      for (int32_t size : tensor.sizes) {
        if (size < 0 || __builtin_mul_overflow(bytes, static_cast<size_t>(size), &bytes)) {
          return false;
        }
      }
    }
  }
  return true;
}

bool planned_memory_within(const std::vector<Plan>& plans, uint64_t limit) {
  for (const Plan& plan : plans) {
    uint64_t total = 0;
    for (int64_t size : plan.planned_buffer_sizes) {
      if (size < 0 || static_cast<uint64_t>(size) > limit - total) return false;
      total += static_cast<uint64_t>(size);
    }
  }
  return true;
}

}  // namespace et_llm::program_rewrite
