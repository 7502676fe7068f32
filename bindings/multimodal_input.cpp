// MultimodalInput, Image, Audio and RawAudio for Python, with upstream's
// names. Pixel and sample data may be numpy arrays or lists; et_llm's Python
// layer (et_llm.multimodal) builds them from numpy / PIL without torch.
#include "et_llm/multimodal_input.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "bindings.h"

namespace et_llm::python {

namespace {

// A numpy array or a list as a contiguous array; lists of ints become uint8
// only when asked for integers.
py::array as_array(const py::object& data) {
  py::array array = py::array::ensure(data, py::array::c_style);
  if (!array) {
    throw_error(Error(ErrorCode::InvalidArgument, "data must be a numpy array or a list"));
  }
  return array;
}

std::vector<float> float_values(const py::object& data, const char* what) {
  py::array array = as_array(data);
  const char kind = array.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u') {
    throw_error(Error(ErrorCode::InvalidArgument, std::string(what) +
                                                      " data must be numbers, got dtype " +
                                                      py::str(array.dtype()).cast<std::string>()));
  }
  auto values = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array);
  return std::vector<float>(values.data(), values.data() + values.size());
}

Image make_image(const py::object& data, int32_t width, int32_t height, int32_t channels,
                 ImageLayout layout) {
  py::array array = as_array(data);
  const char kind = array.dtype().kind();
  if (kind == 'u' && array.itemsize() == 1) {
    auto values = py::array_t<uint8_t, py::array::c_style>::ensure(array);
    return Image(std::vector<uint8_t>(values.data(), values.data() + values.size()), width, height,
                 channels, layout);
  }
  if (kind == 'i' || kind == 'u') {
    // A list of ints: pixel values, which must fit uint8.
    auto values = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(array);
    std::vector<uint8_t> pixels(static_cast<size_t>(values.size()));
    for (py::ssize_t i = 0; i < values.size(); ++i) {
      const int64_t v = values.data()[i];
      if (v < 0 || v > 255) {
        throw_error(Error(ErrorCode::InvalidArgument,
                          "integer pixel values must be in 0..255, got " + std::to_string(v)));
      }
      pixels[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
    }
    return Image(std::move(pixels), width, height, channels, layout);
  }
  return Image(float_values(array, "image"), width, height, channels, layout);
}

std::string image_repr(const Image& self) {
  return "Image(height=" + std::to_string(self.height()) +
         ", width=" + std::to_string(self.width()) +
         ", channels=" + std::to_string(self.channels()) +
         ", dtype=" + (self.is_uint8() ? "uint8" : "float32") +
         ", layout=" + (self.layout() == ImageLayout::CHW ? "CHW" : "HWC") + ")";
}

template <typename T>
std::optional<T> optional_copy(const T* value) {
  return value ? std::optional<T>(*value) : std::nullopt;
}

// The int32 dimensions of Audio and RawAudio, by name, in their order.
template <typename T>
using Dims = std::array<std::pair<const char*, int32_t T::*>, 3>;
constexpr Dims<Audio> kAudioDims = {{{"batch_size", &Audio::batch_size},
                                     {"n_bins", &Audio::n_bins},
                                     {"n_frames", &Audio::n_frames}}};
constexpr Dims<RawAudio> kRawAudioDims = {{{"batch_size", &RawAudio::batch_size},
                                           {"n_channels", &RawAudio::n_channels},
                                           {"n_samples", &RawAudio::n_samples}}};

// "1x80x3000"
template <typename T>
std::string shape_text(const T& value, const Dims<T>& dims) {
  return std::to_string(value.*dims[0].second) + "x" + std::to_string(value.*dims[1].second) + "x" +
         std::to_string(value.*dims[2].second);
}

// Audio or RawAudio: float32 data and its three dimensions.
template <typename T>
void bind_features(py::module_& m, const char* name, const char* doc, const char* what,
                   const Dims<T>& dims) {
  py::class_<T> cls(m, name, doc);
  cls.def(py::init<>())
      .def(py::init([what, dims](const typed::ArrayLike& data, const typed::Int& first,
                                 const typed::Int& second, const typed::Int& third) {
             T value;
             value.data = float_values(data, what);
             value.*dims[0].second = int32_from(first, dims[0].first);
             value.*dims[1].second = int32_from(second, dims[1].first);
             value.*dims[2].second = int32_from(third, dims[2].first);
             return value;
           }),
           py::arg("data"), py::arg(dims[0].first), py::arg(dims[1].first), py::arg(dims[2].first))
      .def_readwrite("data", &T::data)
      .def("__repr__", [name, dims](const T& self) {
        return std::string(name) + "(" + shape_text(self, dims) + ")";
      });
  for (const auto& [dim, member] : dims) {
    def_int32(cls, dim, member);
  }
}

}  // namespace

void bind_multimodal_input(py::module_& m) {
  py::enum_<ImageLayout>(m, "ImageLayout", "How an Image's values are ordered.")
      .value("CHW", ImageLayout::CHW)
      .value("HWC", ImageLayout::HWC);

  py::class_<Image>(m, "Image", "Pixels (uint8 or float32) with their size and layout.")
      .def(py::init<>())
      .def(py::init([](const typed::ArrayLike& data, const typed::Int& width,
                       const typed::Int& height, const typed::Int& channels, ImageLayout layout) {
             return make_image(data, int32_from(width, "width"), int32_from(height, "height"),
                               int32_from(channels, "channels"), layout);
           }),
           py::arg("data"), py::arg("width"), py::arg("height"), py::arg("channels"),
           py::arg_v("layout", ImageLayout::CHW, "ImageLayout.CHW"),
           "data: uint8 or float numpy array, or a list (ints become uint8), in `layout` order.")
      .def("is_uint8", &Image::is_uint8)
      .def("is_float", &Image::is_float)
      .def_property_readonly("width", &Image::width)
      .def_property_readonly("height", &Image::height)
      .def_property_readonly("channels", &Image::channels)
      .def_property_readonly("layout", &Image::layout)
      // Lists, as upstream's (np.asarray() makes an array of one).
      .def_property_readonly("uint8_data", &Image::get_uint8_data)
      .def_property_readonly("float_data", &Image::get_float_data)
      .def("__repr__", &image_repr);

  bind_features<Audio>(m, "Audio", "Audio features [batch_size, n_bins, n_frames], float32.",
                       "audio", kAudioDims);
  bind_features<RawAudio>(m, "RawAudio", "A waveform [batch_size, n_channels, n_samples], float32.",
                          "raw audio", kRawAudioDims);

  py::class_<MultimodalInput>(m, "MultimodalInput",
                              "One piece of a multimodal prompt: text, token ids, image, audio "
                              "features or raw audio.")
      .def(py::init<std::string>(), py::arg("text"))
      .def(py::init<Image>(), py::arg("image"))
      .def(py::init<Audio>(), py::arg("audio"))
      .def(py::init<RawAudio>(), py::arg("raw_audio"))
      .def(py::init<std::vector<TokenId>>(), py::arg("tokens"))
      .def_property_readonly("type", &MultimodalInput::type_name)
      .def("is_text", &MultimodalInput::is_text)
      .def("is_tokens", &MultimodalInput::is_tokens)
      .def("is_image", &MultimodalInput::is_image)
      .def("is_audio", &MultimodalInput::is_audio)
      .def("is_raw_audio", &MultimodalInput::is_raw_audio)
      .def("get_text",
           [](const MultimodalInput& self) { return optional_copy(self.try_get_text()); })
      .def("get_tokens",
           [](const MultimodalInput& self) { return optional_copy(self.try_get_tokens()); })
      .def("get_image",
           [](const MultimodalInput& self) { return optional_copy(self.try_get_image()); })
      .def("get_audio",
           [](const MultimodalInput& self) { return optional_copy(self.try_get_audio()); })
      .def("get_raw_audio",
           [](const MultimodalInput& self) { return optional_copy(self.try_get_raw_audio()); })
      .def("__repr__", [](const MultimodalInput& self) {
        // Upstream's form: type=..., then what the input holds.
        std::string detail;
        if (const auto* text = self.try_get_text()) {
          detail =
              ", text=" + py::repr(py::str(text->size() > 40 ? text->substr(0, 40) + "..." : *text))
                              .cast<std::string>();
        } else if (const auto* tokens = self.try_get_tokens()) {
          detail = ", num_tokens=" + std::to_string(tokens->size());
        } else if (const auto* image = self.try_get_image()) {
          detail = ", image=" + image_repr(*image);
        } else if (const auto* audio = self.try_get_audio()) {
          detail = ", audio=" + shape_text(*audio, kAudioDims);
        } else if (const auto* raw = self.try_get_raw_audio()) {
          detail = ", raw_audio=" + shape_text(*raw, kRawAudioDims);
        }
        std::string type = self.type_name();
        std::replace(type.begin(), type.end(), ' ', '_');
        return "MultimodalInput(type=" + type + detail + ")";
      });

  m.def("make_text_input", &make_text_input, py::arg("text"));
  m.def("make_token_input", &make_token_input, py::arg("tokens"));
}

std::vector<MultimodalInput> inputs_from(const py::object& inputs) {
  if (py::isinstance<MultimodalInput>(inputs)) {
    return {inputs.cast<MultimodalInput>()};
  }
  std::vector<MultimodalInput> out;
  for (py::handle item : inputs) {
    if (!py::isinstance<MultimodalInput>(item)) {
      throw_error(Error(ErrorCode::InvalidArgument,
                        "inputs must be MultimodalInput objects (et_llm.MultimodalRunner also "
                        "takes str, numpy arrays and PIL images), got " +
                            py::str(py::type::of(item).attr("__name__")).cast<std::string>()));
    }
    out.push_back(item.cast<MultimodalInput>());
  }
  return out;
}

}  // namespace et_llm::python
