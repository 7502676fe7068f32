#include "decode/encoder_inputs.h"

#include <executorch/runtime/core/exec_aten/exec_aten.h>

#include <algorithm>

#include "decode/element_size.h"

namespace et_llm::detail {

using executorch::aten::BFloat16;
using executorch::aten::Half;
using executorch::aten::ScalarType;
using executorch::aten::SizesType;
using executorch::runtime::TensorInfo;

namespace {

bool is_floating(ScalarType type) {
  return type == ScalarType::Float || type == ScalarType::Half || type == ScalarType::BFloat16;
}

void* allocate(EncoderInput& input, size_t count, ScalarType type) {
  input.storage.assign((count * element_size(type) + 7) / 8, 0);
  return input.storage.data();
}

std::string shape_string(const std::vector<SizesType>& sizes) {
  std::string out;
  for (auto size : sizes) {
    out += (out.empty() ? "" : "x") + std::to_string(size);
  }
  return out;
}

template <typename Dst, typename Src>
void permute_cast(const Src* src, Dst* dst, size_t c, size_t h, size_t w, bool src_chw,
                  bool dst_chw) {
  for (size_t ci = 0; ci < c; ++ci) {
    for (size_t y = 0; y < h; ++y) {
      for (size_t x = 0; x < w; ++x) {
        const size_t chw = (ci * h + y) * w + x;
        const size_t hwc = (y * w + x) * c + ci;
        dst[dst_chw ? chw : hwc] = static_cast<Dst>(static_cast<float>(src[src_chw ? chw : hwc]));
      }
    }
  }
}

template <typename Src>
Error permute_into(const Src* src, ScalarType type, void* out, size_t c, size_t h, size_t w,
                   bool src_chw, bool dst_chw) {
  switch (type) {
    case ScalarType::Float:
      permute_cast(src, static_cast<float*>(out), c, h, w, src_chw, dst_chw);
      return Error();
    case ScalarType::Half:
      permute_cast(src, static_cast<Half*>(out), c, h, w, src_chw, dst_chw);
      return Error();
    case ScalarType::BFloat16:
      permute_cast(src, static_cast<BFloat16*>(out), c, h, w, src_chw, dst_chw);
      return Error();
    case ScalarType::Byte:
      permute_cast(src, static_cast<uint8_t*>(out), c, h, w, src_chw, dst_chw);
      return Error();
    default:
      return Error(ErrorCode::NotSupported, "unsupported image dtype");
  }
}

bool is_channel_count(SizesType size) { return size == 1 || size == 3 || size == 4; }

}  // namespace

Error convert_floats(const float* values, size_t count, ScalarType dtype, void* out) {
  switch (dtype) {
    case ScalarType::Float:
      std::copy(values, values + count, static_cast<float*>(out));
      return Error();
    case ScalarType::Half:
      std::transform(values, values + count, static_cast<Half*>(out),
                     [](float v) { return Half(v); });
      return Error();
    case ScalarType::BFloat16:
      std::transform(values, values + count, static_cast<BFloat16*>(out),
                     [](float v) { return BFloat16(v); });
      return Error();
    default:
      return Error(ErrorCode::NotSupported, "only float32, float16 and bfloat16 are supported");
  }
}

Error to_floats(const void* values, size_t count, ScalarType dtype, float* out) {
  switch (dtype) {
    case ScalarType::Float:
      std::copy_n(static_cast<const float*>(values), count, out);
      return Error();
    case ScalarType::Half:
      std::transform(static_cast<const Half*>(values), static_cast<const Half*>(values) + count,
                     out, [](Half v) { return static_cast<float>(v); });
      return Error();
    case ScalarType::BFloat16:
      std::transform(static_cast<const BFloat16*>(values),
                     static_cast<const BFloat16*>(values) + count, out,
                     [](BFloat16 v) { return static_cast<float>(v); });
      return Error();
    default:
      return Error(ErrorCode::NotSupported, "only float32, float16 and bfloat16 are supported");
  }
}

Result<EncoderInput> image_input(const Image& image, const TensorInfo& declared,
                                 const std::string& method) {
  ET_LLM_CHECK_OK(image.validate());
  const std::vector<SizesType> sizes(declared.sizes().begin(), declared.sizes().end());
  const ScalarType type = declared.scalar_type();
  ET_LLM_CHECK((sizes.size() == 3 || (sizes.size() == 4 && sizes[0] == 1)) &&
                   (is_floating(type) || type == ScalarType::Byte),
               NotSupported,
               "method '" + method + "' takes a " + shape_string(sizes) +
                   " tensor; et_llm feeds images as [C,H,W], [H,W,C] or with a batch dim of 1, "
                   "uint8 or floating point");
  const size_t off = sizes.size() - 3;
  // CHW is the convention (docs/multimodal_conventions.md); a tensor only HWC fits is HWC.
  const bool dst_chw = is_channel_count(sizes[off]) || !is_channel_count(sizes[off + 2]);
  const SizesType c = dst_chw ? sizes[off] : sizes[off + 2];
  const SizesType h = dst_chw ? sizes[off + 1] : sizes[off];
  const SizesType w = dst_chw ? sizes[off + 2] : sizes[off + 1];
  const std::string wanted =
      std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w) + " (CxHxW)";
  ET_LLM_CHECK(image.channels() == c && image.height() == h && image.width() == w, InvalidArgument,
               "'" + method + "' takes " + wanted + " images; got " + image.describe() +
                   ". Resize the image (and convert its channels) first");
  ET_LLM_CHECK(!(type == ScalarType::Byte && image.is_float()), InvalidArgument,
               "'" + method + "' takes uint8 pixels; got a float32 image (pass uint8 values)");

  EncoderInput input;
  void* out = allocate(input, image.num_values(), type);
  const bool src_chw = image.layout() == ImageLayout::CHW;
  Error err =
      image.is_uint8()
          ? permute_into(image.get_uint8_data().data(), type, out, c, h, w, src_chw, dst_chw)
          : permute_into(image.get_float_data().data(), type, out, c, h, w, src_chw, dst_chw);
  ET_LLM_CHECK_OK(err);
  input.tensor = executorch::extension::from_blob(out, sizes, type);
  return input;
}

Result<EncoderInput> audio_input(const Audio& audio, const TensorInfo& declared,
                                 const std::string& method) {
  ET_LLM_CHECK_OK(audio.validate());
  const std::vector<SizesType> sizes(declared.sizes().begin(), declared.sizes().end());
  const ScalarType type = declared.scalar_type();
  ET_LLM_CHECK(sizes.size() == 3 && is_floating(type), NotSupported,
               "method '" + method + "' takes a " + shape_string(sizes) +
                   " tensor; et_llm feeds audio features as floating point [batch, bins, frames]");
  // A dynamic frame dimension declares its upper bound.
  ET_LLM_CHECK(
      audio.batch_size == sizes[0] && audio.n_bins == sizes[1] && audio.n_frames <= sizes[2],
      InvalidArgument,
      "'" + method + "' takes features " + shape_string(sizes) + " [batch, bins, frames]; got " +
          std::to_string(audio.batch_size) + "x" + std::to_string(audio.n_bins) + "x" +
          std::to_string(audio.n_frames));
  EncoderInput input;
  void* out = allocate(input, audio.data.size(), type);
  ET_LLM_CHECK_OK(convert_floats(audio.data.data(), audio.data.size(), type, out));
  input.tensor =
      executorch::extension::from_blob(out, {audio.batch_size, audio.n_bins, audio.n_frames}, type);
  return input;
}

Result<EncoderInput> waveform_input(const RawAudio& audio, const TensorInfo& declared,
                                    const std::string& method) {
  ET_LLM_CHECK_OK(audio.validate());
  const std::vector<SizesType> sizes(declared.sizes().begin(), declared.sizes().end());
  const ScalarType type = declared.scalar_type();
  ET_LLM_CHECK(is_floating(type), NotSupported,
               "method '" + method + "' must take floating point samples");
  size_t capacity = 1;
  for (auto size : sizes) {
    capacity *= static_cast<size_t>(size);
  }
  ET_LLM_CHECK(audio.data.size() <= capacity, InvalidArgument,
               "'" + method + "' takes at most " + std::to_string(capacity) + " samples; got " +
                   std::to_string(audio.data.size()) + " (split the audio into chunks)");
  // Fixed-window preprocessors (Whisper style) expect silence after the end.
  std::vector<float> padded(audio.data);
  padded.resize(capacity, 0.0f);
  EncoderInput input;
  void* out = allocate(input, capacity, type);
  ET_LLM_CHECK_OK(convert_floats(padded.data(), capacity, type, out));
  input.tensor = executorch::extension::from_blob(out, sizes, type);
  return input;
}

}  // namespace et_llm::detail
