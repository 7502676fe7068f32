// A Hugging Face tokenizer.json: the JSON, the BPE model, normalizers,
// pre-tokenizers, decoders, added tokens and post-processor, then encoding
// and decoding with what loaded.
#include "et_llm/hf_tokenizer.h"
#include "exercise_tokenizer.h"
#include "scratch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return et_llm::fuzz::fuzz_tokenizer_loader(data, size, [](std::string_view contents) {
    return et_llm::HFTokenizer::load(et_llm::fuzz::scratch_dir().write("tokenizer.json", contents));
  });
}
