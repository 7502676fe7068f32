// A llama2.c tokenizer.bin in either layout (llama2.c's or
// pytorch-tokenizers'), then encoding and decoding.
#include "et_llm/llama2c_tokenizer.h"
#include "exercise_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return et_llm::fuzz::fuzz_tokenizer_loader(data, size, [](std::string_view contents) {
    return et_llm::Llama2cTokenizer::parse(contents);
  });
}
