// A tiktoken file ("<base64> <rank>" lines) with Llama 3's pattern and
// special tokens, then encoding and decoding.
#include "et_llm/tiktoken_tokenizer.h"
#include "exercise_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return et_llm::fuzz::fuzz_tokenizer_loader(data, size, [](std::string_view contents) {
    return et_llm::TiktokenTokenizer::parse(contents);
  });
}
