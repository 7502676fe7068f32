// Describes an image with a vision-language .pte and streams the answer to stdout.
//   multimodal <model.pte> <tokenizer.json> <image.ppm> "<question>" [max_new_tokens] [num_bos]
// The image is a binary PPM (P6, 8-bit RGB), the format needing no image library;
// convert others with e.g. `convert photo.jpg -resize 32x32! image.ppm`.
#include <et_llm/llm_runner_helpers.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

// Reads a P6 PPM into an HWC uint8 image.
et_llm::Result<et_llm::Image> read_ppm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return et_llm::Error(et_llm::ErrorCode::NotFound, "cannot open " + path);
  }
  std::string magic;
  int width = 0, height = 0, max_value = 0;
  in >> magic;
  // Header fields may be separated by comments.
  auto next_int = [&in](int* value) {
    while (in >> std::ws && in.peek() == '#') {
      std::string comment;
      std::getline(in, comment);
    }
    in >> *value;
  };
  next_int(&width);
  next_int(&height);
  next_int(&max_value);
  in.get();  // the single whitespace before the pixels
  if (magic != "P6" || width <= 0 || height <= 0 || max_value != 255) {
    return et_llm::Error(et_llm::ErrorCode::InvalidArgument,
                         path + " is not an 8-bit binary PPM (P6)");
  }
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 3);
  in.read(reinterpret_cast<char*>(pixels.data()), static_cast<std::streamsize>(pixels.size()));
  if (in.gcount() != static_cast<std::streamsize>(pixels.size())) {
    return et_llm::Error(et_llm::ErrorCode::InvalidArgument, path + " is truncated");
  }
  return et_llm::Image(std::move(pixels), width, height, 3, et_llm::ImageLayout::HWC);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr
        << "usage: " << argv[0]
        << " <model.pte> <tokenizer.json> <image.ppm> <question> [max_new_tokens] [num_bos]\n";
    return 2;
  }
  auto runner = et_llm::create_multimodal_runner(argv[1], std::string(argv[2]));
  if (!runner.ok()) {
    std::cerr << "error: " << runner.error().to_string() << "\n";
    return 1;
  }
  auto image = read_ppm(argv[3]);
  if (!image.ok()) {
    std::cerr << "error: " << image.error().to_string() << "\n";
    return 1;
  }

  et_llm::GenerationConfig config;
  config.echo = false;
  config.temperature = 0.0f;
  config.max_new_tokens = argc > 5 ? std::atoi(argv[5]) : 32;
  if (argc > 6) {  // an explicit BOS count; by default the tokenizer config's
    config.num_bos = std::atoi(argv[6]);
    config.add_special_tokens = false;
  }

  // The question, the picture, then an instruction: any order and number of pieces works.
  std::vector<et_llm::MultimodalInput> inputs;
  inputs.push_back(et_llm::make_text_input(argv[4]));
  inputs.push_back(et_llm::make_image_input(std::move(*image)));
  inputs.push_back(et_llm::make_text_input("in a few words"));

  et_llm::Error err = (*runner)->generate(
      inputs, config, [](const std::string& piece) { std::cout << piece << std::flush; },
      [](const et_llm::Stats& stats) {
        std::cerr << "\nprefill " << stats.num_prompt_tokens << " positions in "
                  << stats.prefill_time_us / 1000.0 << " ms, decode "
                  << stats.decode_tokens_per_second() << " tok/s\n";
      });
  std::cout << "\n";
  if (!err.ok()) {
    std::cerr << "error: " << err.to_string() << "\n";
    return 1;
  }
  std::cerr << "ids:";
  for (auto id : (*runner)->generated_tokens()) {
    std::cerr << " " << id;
  }
  std::cerr << "\n";
  return 0;
}
