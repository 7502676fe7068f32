// A SentencePiece model (serialized ModelProto): et_llm's checks of the proto
// before SentencePiece parses it, then encoding and decoding.
#include "et_llm/sentencepiece_tokenizer.h"
#include "exercise_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return et_llm::fuzz::fuzz_tokenizer_loader(data, size, [](std::string_view contents) {
    return et_llm::SentencePieceTokenizer::parse(contents);
  });
}
