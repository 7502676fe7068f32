#include "program_rewrite/program_model.h"

#include "program_rewrite/flatbuffer_reader.h"

namespace et_llm::program_rewrite {
namespace {

// Field ids of executorch/schema/program.fbs (a union takes two: type, value).
namespace program_field {
constexpr int kExecutionPlan = 1;
constexpr int kBackendDelegateData = 3;
constexpr int kSegments = 4;
constexpr int kNamedData = 7;
}  // namespace program_field
namespace segment_field {  // DataSegment
constexpr int kSize = 1;
}  // namespace segment_field
namespace named_data_field {
constexpr int kKey = 0;
constexpr int kSegmentIndex = 1;
}  // namespace named_data_field
constexpr int kInlineData = 0;  // BackendDelegateInlineData.data
namespace plan_field {
constexpr int kName = 0;
constexpr int kValues = 2;
constexpr int kInputs = 3;
constexpr int kOutputs = 4;
constexpr int kChains = 5;
constexpr int kOperators = 6;
constexpr int kDelegates = 7;
constexpr int kNonConstBufferSizes = 8;
}  // namespace plan_field
namespace delegate_field {
constexpr int kId = 0;
constexpr int kProcessed = 1;
constexpr int kCompileSpecs = 2;
}  // namespace delegate_field
namespace processed_field {  // BackendDelegateDataReference
constexpr int kLocation = 0;
constexpr int kIndex = 1;
constexpr uint8_t kInline = 0;
constexpr uint8_t kSegment = 1;
}  // namespace processed_field
namespace compile_spec_field {
constexpr int kKey = 0;
constexpr int kValue = 1;
}  // namespace compile_spec_field
namespace tensor_field {
constexpr int kScalarType = 0;
constexpr int kSizes = 2;
constexpr int kDimOrder = 3;
constexpr int kAllocationInfo = 6;
constexpr int kShapeDynamism = 8;
}  // namespace tensor_field
constexpr int kUnionType = 0;  // EValue.val, Instruction.instr_args
constexpr int kUnionValue = 1;
constexpr int kChainInstructions = 2;

// Bytes per element of an executorch ScalarType, 0 when not a plain type.
uint64_t element_size(int8_t scalar_type) {
  switch (scalar_type) {
    case 0:   // Byte
    case 1:   // Char
    case 11:  // Bool
    case 12:  // QInt8
    case 13:  // QUInt8
    case 16:  // QUInt4x2
    case 17:  // QUInt2x4
    case 23:  // Float8 variants
    case 24:
    case 25:
    case 26:
      return 1;
    case 2:   // Short
    case 5:   // Half
    case 15:  // BFloat16
    case 22:  // Bits16
    case 27:  // UInt16
      return 2;
    case 3:   // Int
    case 6:   // Float
    case 14:  // QInt32
    case 28:  // UInt32
      return 4;
    case 4:   // Long
    case 7:   // Double
    case 29:  // UInt64
      return 8;
    default:
      return 0;
  }
}

std::vector<int32_t> int_vector(FlatbufferReader& r, FlatbufferReader::Vector v) {
  std::vector<int32_t> out(v.length);
  for (uint32_t i = 0; i < v.length && !r.failed(); ++i) out[i] = r.scalar_at<int32_t>(v, i);
  return out;
}

TensorValue read_tensor(FlatbufferReader& r, uint32_t table) {
  TensorValue t;
  t.scalar_type = r.scalar<int8_t>(table, tensor_field::kScalarType);
  t.shape_present =
      r.field(table, tensor_field::kSizes) != 0 && r.field(table, tensor_field::kDimOrder) != 0;
  t.sizes = int_vector(r, r.vector(table, tensor_field::kSizes, 4));
  const auto order = r.vector(table, tensor_field::kDimOrder, 1);
  t.dim_order.resize(order.length);
  for (uint32_t i = 0; i < order.length && !r.failed(); ++i) {
    t.dim_order[i] = r.scalar_at<uint8_t>(order, i);
  }
  t.static_shape = r.scalar<int8_t>(table, tensor_field::kShapeDynamism) == 0;
  const uint32_t allocation = r.reference(table, tensor_field::kAllocationInfo);
  if (allocation != 0) {
    t.planned = true;
    t.memory_id = r.scalar<uint32_t>(allocation, 0);
    const uint64_t low = r.scalar<uint32_t>(allocation, 1);
    const uint64_t high = r.scalar<uint32_t>(allocation, 2);
    t.memory_offset = (high << 32) | low;
  }
  uint64_t count = 1;
  for (int32_t size : t.sizes) count *= size < 0 ? 0 : static_cast<uint64_t>(size);
  t.nbytes = count * element_size(t.scalar_type);
  return t;
}

Value read_value(FlatbufferReader& r, uint32_t table) {
  Value v;
  v.kind = static_cast<ValueKind>(r.scalar<uint8_t>(table, kUnionType));
  const uint32_t payload = r.reference(table, kUnionValue);
  if (payload == 0) return v;
  switch (v.kind) {
    case ValueKind::Tensor:
      v.tensor = read_tensor(r, payload);
      break;
    case ValueKind::Bool:
      v.bool_value = r.scalar<uint8_t>(payload, 0) != 0;
      break;
    case ValueKind::Int:
      v.int_value = r.scalar<int64_t>(payload, 0);
      break;
    case ValueKind::TensorList:
    case ValueKind::OptionalTensorList:
      v.list_items = int_vector(r, r.vector(payload, 0, 4));
      break;
    default:
      break;
  }
  return v;
}

Instruction read_instruction(FlatbufferReader& r, uint32_t table) {
  Instruction in;
  in.kind = static_cast<InstructionKind>(r.scalar<uint8_t>(table, kUnionType));
  const uint32_t args = r.reference(table, kUnionValue);
  if (args == 0) return in;
  auto add_field = [&](int id) {
    const uint32_t at = r.field(args, id);
    if (at == 0) return;
    in.values.push_back(r.read<int32_t>(at));
    in.positions.push_back(at);
  };
  switch (in.kind) {
    case InstructionKind::Kernel:
    case InstructionKind::Delegate: {
      if (in.kind == InstructionKind::Kernel) in.op_index = r.scalar<int32_t>(args, 0, 0);
      const auto list = r.vector(args, 1, 4);
      for (uint32_t i = 0; i < list.length && !r.failed(); ++i) {
        const uint32_t at = r.element(list, i, 4);
        in.values.push_back(r.read<int32_t>(at));
        in.positions.push_back(at);
      }
      break;
    }
    case InstructionKind::Move:
      add_field(0);
      add_field(1);
      break;
    case InstructionKind::JumpFalse:
    case InstructionKind::Free:
      add_field(0);
      break;
    default:
      break;
  }
  return in;
}

// What the runtime's BackendDelegate::Init reads without checking: the id, the
// processed data's reference (into the program's inline data or segments,
// counted by `inline_count` / `segment_count`) and each compile spec's key
// and value.
bool delegate_readable(FlatbufferReader& r, uint32_t delegate, uint32_t inline_count,
                       uint32_t segment_count) {
  if (r.field(delegate, delegate_field::kId) == 0) return false;
  const uint32_t processed = r.reference(delegate, delegate_field::kProcessed);
  if (processed == 0 || r.field(delegate, delegate_field::kCompileSpecs) == 0) return false;
  const auto location = r.scalar<uint8_t>(processed, processed_field::kLocation);
  const auto index = r.scalar<uint32_t>(processed, processed_field::kIndex);
  if (location == processed_field::kInline
          ? index >= inline_count
          : location != processed_field::kSegment || index >= segment_count) {
    return false;
  }
  const auto specs = r.vector(delegate, delegate_field::kCompileSpecs, 4);
  for (uint32_t i = 0; i < specs.length && !r.failed(); ++i) {
    const uint32_t spec = r.table_at(specs, i);
    if (r.field(spec, compile_spec_field::kKey) == 0 ||
        r.field(spec, compile_spec_field::kValue) == 0) {
      return false;
    }
  }
  return true;
}

Plan read_plan(FlatbufferReader& r, uint32_t table, uint32_t inline_count, uint32_t segment_count) {
  Plan plan;
  plan.fields_present = true;
  for (int field :
       {plan_field::kName, plan_field::kValues, plan_field::kInputs, plan_field::kOutputs}) {
    plan.fields_present = plan.fields_present && r.field(table, field) != 0;
  }
  const auto delegates = r.vector(table, plan_field::kDelegates, 4);
  for (uint32_t i = 0; i < delegates.length && !r.failed(); ++i) {
    plan.fields_present = plan.fields_present && delegate_readable(r, r.table_at(delegates, i),
                                                                   inline_count, segment_count);
  }
  plan.name = std::string(r.string(table, plan_field::kName));
  const auto values = r.vector(table, plan_field::kValues, 4);
  plan.values.reserve(values.length);
  for (uint32_t i = 0; i < values.length && !r.failed(); ++i) {
    plan.values.push_back(read_value(r, r.table_at(values, i)));
  }
  plan.inputs = int_vector(r, r.vector(table, plan_field::kInputs, 4));
  plan.outputs = int_vector(r, r.vector(table, plan_field::kOutputs, 4));
  const auto operators = r.vector(table, plan_field::kOperators, 4);
  for (uint32_t i = 0; i < operators.length && !r.failed(); ++i) {
    const uint32_t op = r.table_at(operators, i);
    std::string name(r.string(op, 0));
    const auto overload = r.string(op, 1);
    if (!overload.empty()) name += "." + std::string(overload);
    plan.operators.push_back(std::move(name));
  }
  const auto sizes = r.vector(table, plan_field::kNonConstBufferSizes, 8);
  for (uint32_t i = 0; i < sizes.length && !r.failed(); ++i) {
    plan.planned_buffer_sizes.push_back(r.scalar_at<int64_t>(sizes, i));
  }
  const auto chains = r.vector(table, plan_field::kChains, 4);
  plan.chain_count = chains.length;
  if (chains.length > 0) {
    const auto instructions = r.vector(r.table_at(chains, 0), kChainInstructions, 4);
    plan.instructions.reserve(instructions.length);
    for (uint32_t i = 0; i < instructions.length && !r.failed(); ++i) {
      plan.instructions.push_back(read_instruction(r, r.table_at(instructions, i)));
    }
  }
  return plan;
}

bool is_program(const uint8_t* data, size_t size) {
  // A program starts with the root offset and the "ET??" identifier.
  return data != nullptr && size >= 8 && data[4] == 'E' && data[5] == 'T';
}

}  // namespace

bool TensorValue::contiguous() const {
  for (size_t i = 0; i < dim_order.size(); ++i) {
    if (dim_order[i] != i) return false;
  }
  return dim_order.size() == sizes.size();
}

bool TensorValue::overlaps(const TensorValue& other) const {
  if (!planned || !other.planned || memory_id != other.memory_id) return false;
  // An unknown size may be anywhere: assume it overlaps.
  if (nbytes == 0 || other.nbytes == 0) return true;
  return memory_offset < other.memory_offset + other.nbytes &&
         other.memory_offset < memory_offset + nbytes;
}

std::optional<ProgramData> read_program_data(const uint8_t* data, size_t size) {
  if (!is_program(data, size)) return std::nullopt;
  FlatbufferReader r(data, size);
  const uint32_t program = r.root();
  ProgramData out;
  const auto segments = r.vector(program, program_field::kSegments, 4);
  const auto named = r.vector(program, program_field::kNamedData, 4);
  for (uint32_t i = 0; i < named.length && !r.failed(); ++i) {
    const uint32_t entry = r.table_at(named, i);
    const auto index = r.scalar<uint32_t>(entry, named_data_field::kSegmentIndex);
    if (index >= segments.length) continue;  // the runtime refuses it when asked for the key
    out.named_data_sizes[std::string(r.string(entry, named_data_field::kKey))] =
        r.scalar<uint64_t>(r.table_at(segments, index), segment_field::kSize);
  }
  const auto inline_data = r.vector(program, program_field::kBackendDelegateData, 4);
  const auto plans = r.vector(program, program_field::kExecutionPlan, 4);
  for (uint32_t i = 0; i < plans.length && !r.failed(); ++i) {
    const auto delegates = r.vector(r.table_at(plans, i), plan_field::kDelegates, 4);
    for (uint32_t j = 0; j < delegates.length && !r.failed(); ++j) {
      const uint32_t delegate = r.table_at(delegates, j);
      const uint32_t processed = r.reference(delegate, delegate_field::kProcessed);
      if (processed == 0 ||
          r.scalar<uint8_t>(processed, processed_field::kLocation) != processed_field::kInline) {
        continue;
      }
      const auto index = r.scalar<uint32_t>(processed, processed_field::kIndex);
      if (index >= inline_data.length) continue;  // read_plans' checks refuse it
      const auto bytes = r.vector(r.table_at(inline_data, index), kInlineData, 1);
      out.inline_payloads.push_back(
          {std::string(r.string(delegate, delegate_field::kId)), bytes.start, bytes.length});
    }
  }
  if (r.failed()) return std::nullopt;
  return out;
}

std::optional<std::vector<Plan>> read_plans(const uint8_t* data, size_t size) {
  if (!is_program(data, size)) return std::nullopt;
  FlatbufferReader r(data, size);
  const uint32_t program = r.root();
  const auto plans = r.vector(program, program_field::kExecutionPlan, 4);
  const uint32_t inline_count = r.vector(program, program_field::kBackendDelegateData, 4).length;
  const uint32_t segment_count = r.vector(program, program_field::kSegments, 4).length;
  std::vector<Plan> out;
  out.reserve(plans.length);
  for (uint32_t i = 0; i < plans.length && !r.failed(); ++i) {
    out.push_back(read_plan(r, r.table_at(plans, i), inline_count, segment_count));
  }
  if (r.failed()) return std::nullopt;
  return out;
}

}  // namespace et_llm::program_rewrite
