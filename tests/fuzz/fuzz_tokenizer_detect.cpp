// load_tokenizer on a file of any content: the format detection, then every
// parser the content may be for, in turn, and encoding and decoding with the
// one that loaded.
#include "et_llm/tokenizer_loader.h"
#include "exercise_tokenizer.h"
#include "scratch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return et_llm::fuzz::fuzz_tokenizer_loader(data, size, [](std::string_view contents) {
    return et_llm::load_tokenizer(et_llm::fuzz::scratch_dir().write("tokenizer.model", contents));
  });
}
