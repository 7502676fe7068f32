// MultimodalInput: one piece of a multimodal prompt — text, token ids, an
// image, audio features or a raw waveform. A prompt is a list of them, in the
// order the model should see them.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"

namespace et_llm {

// How an image's values are ordered: planes (C, H, W) or pixels (H, W, C).
enum class ImageLayout { CHW, HWC };

// Pixels as uint8 or float32. The runner converts them to what the
// vision_encoder declares (dtype, layout, batch dim); values are cast, never
// rescaled, so normalization belongs to the encoder or the caller.
class Image {
 public:
  Image() = default;
  Image(std::vector<uint8_t> data, int32_t width, int32_t height, int32_t channels,
        ImageLayout layout = ImageLayout::CHW);
  Image(std::vector<float> data, int32_t width, int32_t height, int32_t channels,
        ImageLayout layout = ImageLayout::CHW);

  bool is_uint8() const { return std::holds_alternative<std::vector<uint8_t>>(data_); }
  bool is_float() const { return std::holds_alternative<std::vector<float>>(data_); }
  int32_t width() const { return width_; }
  int32_t height() const { return height_; }
  int32_t channels() const { return channels_; }
  ImageLayout layout() const { return layout_; }
  // Empty when the image holds the other type.
  const std::vector<uint8_t>& get_uint8_data() const;
  const std::vector<float>& get_float_data() const;
  size_t num_values() const;

  // InvalidArgument unless the sizes are positive and match the data.
  Error validate() const;
  std::string describe() const;  // "uint8 3x32x32 (CHW)"

 private:
  std::variant<std::vector<uint8_t>, std::vector<float>> data_;
  int32_t width_ = 0;
  int32_t height_ = 0;
  int32_t channels_ = 0;
  ImageLayout layout_ = ImageLayout::CHW;
};

// Preprocessed audio features [batch_size, n_bins, n_frames] (e.g. a mel
// spectrogram), float32; converted to the audio_encoder's dtype.
struct Audio {
  std::vector<float> data;
  int32_t batch_size = 1;
  int32_t n_bins = 0;
  int32_t n_frames = 0;

  Error validate() const;
};

// A waveform, float32 samples [batch_size, n_channels, n_samples]; turned into
// features by the program's audio_preprocessor method or a preprocessor .pte.
struct RawAudio {
  std::vector<float> data;
  int32_t batch_size = 1;
  int32_t n_channels = 1;
  int32_t n_samples = 0;

  Error validate() const;
};

class MultimodalInput {
 public:
  enum class Type { Text, Tokens, Image, Audio, RawAudio };

  explicit MultimodalInput(std::string text) : value_(std::move(text)) {}
  explicit MultimodalInput(std::vector<TokenId> tokens) : value_(std::move(tokens)) {}
  explicit MultimodalInput(Image image) : value_(std::move(image)) {}
  explicit MultimodalInput(Audio audio) : value_(std::move(audio)) {}
  explicit MultimodalInput(RawAudio raw_audio) : value_(std::move(raw_audio)) {}

  Type type() const { return static_cast<Type>(value_.index()); }
  const char* type_name() const;  // "text", "tokens", "image", "audio", "raw audio"

  bool is_text() const { return type() == Type::Text; }
  bool is_tokens() const { return type() == Type::Tokens; }
  bool is_image() const { return type() == Type::Image; }
  bool is_audio() const { return type() == Type::Audio; }
  bool is_raw_audio() const { return type() == Type::RawAudio; }

  // nullptr when the input holds another type.
  const std::string* try_get_text() const { return std::get_if<std::string>(&value_); }
  const std::vector<TokenId>* try_get_tokens() const {
    return std::get_if<std::vector<TokenId>>(&value_);
  }
  const Image* try_get_image() const { return std::get_if<Image>(&value_); }
  const Audio* try_get_audio() const { return std::get_if<Audio>(&value_); }
  const RawAudio* try_get_raw_audio() const { return std::get_if<RawAudio>(&value_); }

  // InvalidArgument naming both types when the input holds another type.
  Result<const std::string*> get_text() const;
  Result<const std::vector<TokenId>*> get_tokens() const;
  Result<const Image*> get_image() const;
  Result<const Audio*> get_audio() const;
  Result<const RawAudio*> get_raw_audio() const;

 private:
  std::variant<std::string, std::vector<TokenId>, Image, Audio, RawAudio> value_;
};

MultimodalInput make_text_input(std::string text);
MultimodalInput make_token_input(std::vector<TokenId> tokens);
MultimodalInput make_image_input(Image image);
MultimodalInput make_audio_input(Audio audio);
MultimodalInput make_raw_audio_input(RawAudio raw_audio);

}  // namespace et_llm
