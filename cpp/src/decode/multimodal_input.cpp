#include "et_llm/multimodal_input.h"

namespace et_llm {

namespace {

Error check_sizes(const std::string& what, std::initializer_list<int32_t> sizes, size_t values) {
  size_t expected = 1;
  std::string shape;
  for (int32_t size : sizes) {
    ET_LLM_CHECK(size > 0, InvalidArgument, what + " sizes must be positive");
    expected *= static_cast<size_t>(size);
    shape += (shape.empty() ? "" : "x") + std::to_string(size);
  }
  ET_LLM_CHECK(values == expected, InvalidArgument,
               what + " of shape " + shape + " needs " + std::to_string(expected) +
                   " values, got " + std::to_string(values));
  return Error();
}

}  // namespace

Image::Image(std::vector<uint8_t> data, int32_t width, int32_t height, int32_t channels,
             ImageLayout layout)
    : data_(std::move(data)),
      width_(width),
      height_(height),
      channels_(channels),
      layout_(layout) {}

Image::Image(std::vector<float> data, int32_t width, int32_t height, int32_t channels,
             ImageLayout layout)
    : data_(std::move(data)),
      width_(width),
      height_(height),
      channels_(channels),
      layout_(layout) {}

const std::vector<uint8_t>& Image::get_uint8_data() const {
  static const std::vector<uint8_t> empty;
  const auto* data = std::get_if<std::vector<uint8_t>>(&data_);
  return data ? *data : empty;
}

const std::vector<float>& Image::get_float_data() const {
  static const std::vector<float> empty;
  const auto* data = std::get_if<std::vector<float>>(&data_);
  return data ? *data : empty;
}

size_t Image::num_values() const {
  return is_uint8() ? get_uint8_data().size() : get_float_data().size();
}

Error Image::validate() const {
  return check_sizes("image", {channels_, height_, width_}, num_values());
}

std::string Image::describe() const {
  const std::string dims = layout_ == ImageLayout::CHW
                               ? std::to_string(channels_) + "x" + std::to_string(height_) + "x" +
                                     std::to_string(width_) + " (CHW)"
                               : std::to_string(height_) + "x" + std::to_string(width_) + "x" +
                                     std::to_string(channels_) + " (HWC)";
  return std::string(is_uint8() ? "uint8 " : "float32 ") + dims;
}

Error Audio::validate() const {
  return check_sizes("audio features", {batch_size, n_bins, n_frames}, data.size());
}

Error RawAudio::validate() const {
  return check_sizes("raw audio", {batch_size, n_channels, n_samples}, data.size());
}

const char* MultimodalInput::type_name() const {
  switch (type()) {
    case Type::Text:
      return "text";
    case Type::Tokens:
      return "tokens";
    case Type::Image:
      return "image";
    case Type::Audio:
      return "audio";
    case Type::RawAudio:
      return "raw audio";
  }
  return "unknown";
}

namespace {

template <typename T>
Result<const T*> typed(const T* value, const MultimodalInput& input, const char* wanted) {
  if (value == nullptr) {
    return Error(ErrorCode::InvalidArgument,
                 std::string("the input is ") + input.type_name() + ", not " + wanted);
  }
  return value;
}

}  // namespace

Result<const std::string*> MultimodalInput::get_text() const {
  return typed(try_get_text(), *this, "text");
}
Result<const std::vector<TokenId>*> MultimodalInput::get_tokens() const {
  return typed(try_get_tokens(), *this, "tokens");
}
Result<const Image*> MultimodalInput::get_image() const {
  return typed(try_get_image(), *this, "an image");
}
Result<const Audio*> MultimodalInput::get_audio() const {
  return typed(try_get_audio(), *this, "audio");
}
Result<const RawAudio*> MultimodalInput::get_raw_audio() const {
  return typed(try_get_raw_audio(), *this, "raw audio");
}

MultimodalInput make_text_input(std::string text) { return MultimodalInput(std::move(text)); }
MultimodalInput make_token_input(std::vector<TokenId> tokens) {
  return MultimodalInput(std::move(tokens));
}
MultimodalInput make_image_input(Image image) { return MultimodalInput(std::move(image)); }
MultimodalInput make_audio_input(Audio audio) { return MultimodalInput(std::move(audio)); }
MultimodalInput make_raw_audio_input(RawAudio raw_audio) {
  return MultimodalInput(std::move(raw_audio));
}

}  // namespace et_llm
