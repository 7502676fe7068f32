#include "program_rewrite/xnnpack_payload_check.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "program_rewrite/flatbuffer_reader.h"

namespace et_llm::program_rewrite {
namespace {

// The optional XNNHeader: "XH00" at byte 4, then little-endian offsets and
// sizes of the flatbuffer and of the constant data region.
constexpr size_t kHeaderSize = 30;
constexpr size_t kFlatbufferOffsetAt = 10;
constexpr size_t kFlatbufferSizeAt = 14;
constexpr size_t kConstantOffsetAt = 18;
constexpr size_t kConstantSizeAt = 22;

// Field ids of the backend's serialization/schema.fbs (a union takes two).
namespace graph_field {
constexpr int kValues = 2;
constexpr int kConstantBuffer = 6;
constexpr int kConstantData = 8;
}  // namespace graph_field
namespace tensor_field {
constexpr int kDatatype = 0;
constexpr int kDims = 2;
constexpr int kConstantBufferIdx = 3;
}  // namespace tensor_field
namespace quantized_field {
constexpr int kTensor = 0;
constexpr int kParamsType = 1;
constexpr int kParams = 2;
}  // namespace quantized_field
namespace per_channel_field {
constexpr int kScale = 0;
constexpr int kChannelDim = 1;
constexpr int kScaleBufferIdx = 2;
constexpr int kNumScales = 3;
}  // namespace per_channel_field
namespace group_field {
constexpr int kScale = 0;
constexpr int kChannelDim = 1;
constexpr int kGroupSize = 2;
constexpr int kScaleBufferIdx = 4;
constexpr int kNumScales = 5;
}  // namespace group_field
namespace constant_field {  // ConstantDataOffset
constexpr int kOffset = 0;
constexpr int kSize = 1;
constexpr int kNamedKey = 2;
}  // namespace constant_field
constexpr int kBufferStorage = 0;
constexpr int kValueType = 0;  // XValue.xvalue_union
constexpr int kValueTable = 1;
constexpr uint8_t kTensorValue = 1;
constexpr uint8_t kQuantizedTensorValue = 2;

uint64_t little_endian(const uint8_t* at, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = bytes; i-- > 0;) value = value << 8 | at[i];
  return value;
}

// Bits per element of an XNNDatatype (0 for invalid or unknown ones).
uint32_t element_bits(int16_t datatype) {
  switch (datatype) {
    case 1:   // fp32
    case 5:   // qint32
    case 7:   // qcint32
    case 12:  // int32
    case 13:  // pfp32
      return 32;
    case 2:   // fp16
    case 14:  // bf16
      return 16;
    case 3:   // qint8
    case 4:   // quint8
    case 6:   // qcint8
    case 9:   // qdint8
    case 11:  // qpint8
      return 8;
    case 8:   // qcint4
    case 10:  // qbint4
      return 4;
    default:
      return 0;
  }
}

class PayloadReader {
 public:
  // `graph` starts `base` bytes into the payload.
  PayloadReader(const uint8_t* graph, size_t graph_size, uint32_t base,
                std::optional<uint64_t> constant_region,
                const std::unordered_map<std::string, uint64_t>& named_data_sizes)
      : r_(graph, graph_size),
        base_(base),
        constant_region_(constant_region),
        named_data_sizes_(named_data_sizes) {}

  std::optional<std::vector<XnnpackTensor>> read() {
    const uint32_t graph = r_.root();
    const auto values = r_.vector(graph, graph_field::kValues, 4);
    std::vector<XnnpackTensor> out;
    out.reserve(values.length);
    for (uint32_t i = 0; i < values.length && !r_.failed() && !missing_; ++i) {
      const uint32_t value = r_.table_at(values, i);
      const auto type = r_.scalar<uint8_t>(value, kValueType);
      const uint32_t table = r_.reference(value, kValueTable);
      if (table == 0) continue;  // the backend refuses a value without a table
      if (type == kTensorValue) {
        out.push_back(tensor(table));
      } else if (type == kQuantizedTensorValue) {
        const uint32_t base = r_.reference(table, quantized_field::kTensor);
        if (base == 0) continue;
        XnnpackTensor t = tensor(base);
        quantization(t, r_.scalar<uint8_t>(table, quantized_field::kParamsType),
                     r_.reference(table, quantized_field::kParams));
        out.push_back(std::move(t));
      }
    }
    if (r_.failed() || missing_) return std::nullopt;
    return out;
  }

 private:
  XnnpackTensor tensor(uint32_t table) {
    XnnpackTensor t;
    t.datatype = r_.scalar<int16_t>(table, tensor_field::kDatatype);
    const auto dims = r_.vector(table, tensor_field::kDims, 4);
    t.dims_position = base_ + dims.start;
    t.dims.reserve(dims.length);
    for (uint32_t i = 0; i < dims.length && !r_.failed(); ++i) {
      t.dims.push_back(r_.scalar_at<uint32_t>(dims, i));
    }
    const auto index = r_.scalar<uint32_t>(table, tensor_field::kConstantBufferIdx);
    t.constant = index != 0;
    if (t.constant) t.constant_bytes = constant_bytes(index);
    return t;
  }

  void quantization(XnnpackTensor& t, uint8_t type, uint32_t params) {
    t.quant = static_cast<XnnpackQuant>(type);
    if (params == 0) {
      // The backend dereferences the parameters of the kinds that have a table.
      if (t.quant != XnnpackQuant::None) missing_ = true;
      return;
    }
    const bool group = t.quant == XnnpackQuant::PerChannelGroup;
    if (t.quant != XnnpackQuant::PerChannel && !group) return;
    const int scale_field = group ? group_field::kScale : per_channel_field::kScale;
    const int buffer_field =
        group ? group_field::kScaleBufferIdx : per_channel_field::kScaleBufferIdx;
    const int count_field = group ? group_field::kNumScales : per_channel_field::kNumScales;
    t.channel_dim = r_.scalar<int32_t>(
        params, group ? group_field::kChannelDim : per_channel_field::kChannelDim);
    if (group) t.group_size = r_.scalar<int32_t>(params, group_field::kGroupSize);
    const auto buffer = r_.scalar<uint32_t>(params, buffer_field);
    if (buffer == 0) {
      // Inline fp32 scales; an absent list is a null pointer to the backend.
      if (r_.field(params, scale_field) == 0) missing_ = true;
      t.scales = r_.vector(params, scale_field, 4).length;
      return;
    }
    // A buffer holds fp32 scales, or bf16 block scales (num_scales of them).
    const uint64_t declared = r_.scalar<uint32_t>(params, count_field);
    const std::optional<uint64_t> bytes = constant_bytes(buffer);
    const uint64_t width = group ? 2 : 4;
    if (!bytes) {
      t.scales = group ? declared : std::numeric_limits<uint64_t>::max();
    } else {
      t.scales = group ? std::min(declared, *bytes / width) : *bytes / width;
    }
  }

  // Bytes stored for constant `index`; nullopt when outside the program.
  std::optional<uint64_t> constant_bytes(uint32_t index) {
    if (!constant_region_) {
      // No header: the deprecated inline buffers.
      const auto buffers = r_.vector(r_.root(), graph_field::kConstantBuffer, 4);
      if (index >= buffers.length) return refuse();
      return r_.vector(r_.table_at(buffers, index), kBufferStorage, 1).length;
    }
    const auto entries = r_.vector(r_.root(), graph_field::kConstantData, 4);
    if (index >= entries.length) return refuse();
    const uint32_t entry = r_.table_at(entries, index);
    if (r_.field(entry, constant_field::kNamedKey) != 0) {
      const auto found =
          named_data_sizes_.find(std::string(r_.string(entry, constant_field::kNamedKey)));
      if (found == named_data_sizes_.end()) return std::nullopt;  // e.g. a separate .ptd file
      return found->second;
    }
    const auto offset = r_.scalar<uint64_t>(entry, constant_field::kOffset);
    const auto size = r_.scalar<uint64_t>(entry, constant_field::kSize);
    if (offset > *constant_region_ || size > *constant_region_ - offset) return refuse();
    return size;
  }

  std::optional<uint64_t> refuse() {
    missing_ = true;
    return 0;
  }

  FlatbufferReader r_;
  uint32_t base_;
  std::optional<uint64_t> constant_region_;  // nullopt without a header
  const std::unordered_map<std::string, uint64_t>& named_data_sizes_;
  bool missing_ = false;
};

// Element count of `dims`, nullopt when it does not fit in 64 bits.
std::optional<uint64_t> element_count(const std::vector<uint32_t>& dims) {
  uint64_t count = 1;
  for (const uint32_t d : dims) {
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d) return std::nullopt;
    count *= d;
  }
  return count;
}

bool tensor_consistent(const XnnpackTensor& t) {
  const std::optional<uint64_t> count = element_count(t.dims);
  if (!count || *count > std::numeric_limits<uint64_t>::max() / 32) return false;
  if (t.constant_bytes && (*count * element_bits(t.datatype) + 7) / 8 > *t.constant_bytes) {
    return false;
  }
  if (t.quant != XnnpackQuant::PerChannel && t.quant != XnnpackQuant::PerChannelGroup) return true;
  if (t.channel_dim < 0 || static_cast<size_t>(t.channel_dim) >= t.dims.size()) return false;
  if (t.quant == XnnpackQuant::PerChannel) return t.scales >= t.dims[t.channel_dim];
  // The backend reads dims[0] and dims[1] and divides by the group size.
  if (t.dims.size() < 2 || t.group_size <= 0) return false;
  const uint64_t groups = uint64_t{t.dims[0]} * t.dims[1] / static_cast<uint64_t>(t.group_size);
  return t.scales >= groups;
}

}  // namespace

std::optional<std::vector<XnnpackTensor>> read_xnnpack_tensors(
    const uint8_t* data, size_t size,
    const std::unordered_map<std::string, uint64_t>& named_data_sizes) {
  if (data == nullptr) return std::nullopt;
  if (size >= kHeaderSize && std::memcmp(data + 4, "XH00", 4) == 0) {
    const uint64_t graph_offset = little_endian(data + kFlatbufferOffsetAt, 4);
    const uint64_t graph_size = little_endian(data + kFlatbufferSizeAt, 4);
    const uint64_t constant_offset = little_endian(data + kConstantOffsetAt, 4);
    const uint64_t constant_size = little_endian(data + kConstantSizeAt, 8);
    if (graph_offset > size || graph_size > size - graph_offset || constant_offset > size ||
        constant_size > size - constant_offset) {
      return std::nullopt;
    }
    return PayloadReader(data + graph_offset, graph_size, static_cast<uint32_t>(graph_offset),
                         constant_size, named_data_sizes)
        .read();
  }
  return PayloadReader(data, size, 0, std::nullopt, named_data_sizes).read();
}

bool xnnpack_tensors_consistent(const std::vector<XnnpackTensor>& tensors) {
  for (const XnnpackTensor& t : tensors) {
    if (!tensor_consistent(t)) return false;
  }
  return true;
}

bool xnnpack_payload_consistent(const uint8_t* data, size_t size,
                                const std::unordered_map<std::string, uint64_t>& named_data_sizes) {
  const auto tensors = read_xnnpack_tensors(data, size, named_data_sizes);
  return tensors && xnnpack_tensors_consistent(*tensors);
}

}  // namespace et_llm::program_rewrite
