// Generates a continuation of a prompt with et_llm and streams it to stdout.
//   text_generation <model.pte> <tokenizer.json> "<prompt>" [max_new_tokens] [temperature]
//   [num_bos]
#include <et_llm/llm_runner_helpers.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr
        << "usage: " << argv[0]
        << " <model.pte> <tokenizer.json> <prompt> [max_new_tokens] [temperature] [num_bos]\n";
    return 2;
  }
  auto runner = et_llm::create_text_llm_runner(argv[1], std::string(argv[2]));
  if (!runner.ok()) {
    std::cerr << "error: " << runner.error().to_string() << "\n";
    return 1;
  }

  et_llm::GenerationConfig config;
  config.echo = false;
  config.max_new_tokens = argc > 4 ? std::atoi(argv[4]) : 32;
  config.temperature = argc > 5 ? static_cast<float>(std::atof(argv[5])) : 0.0f;
  if (argc > 6) {  // an explicit BOS count; by default the tokenizer config's
    config.num_bos = std::atoi(argv[6]);
    config.add_special_tokens = false;
  }

  et_llm::Error err = (*runner)->generate(
      argv[3], config, [](const std::string& piece) { std::cout << piece << std::flush; },
      [](const et_llm::Stats& stats) {
        std::cerr << "\nprefill " << stats.prefill_tokens_per_second() << " tok/s, decode "
                  << stats.decode_tokens_per_second() << " tok/s\n";
      });
  std::cout << "\n";
  if (!err.ok()) {
    std::cerr << "error: " << err.to_string() << "\n";
    return 1;
  }
  // The ids, for scripts that check the output.
  std::cerr << "ids:";
  for (auto id : (*runner)->generated_tokens()) {
    std::cerr << " " << id;
  }
  std::cerr << "\n";
  return 0;
}
