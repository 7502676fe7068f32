// Encoding arbitrary bytes (often invalid UTF-8) with real tokenizers of every
// format: the files named by $ET_LLM_FUZZ_TOKENIZERS (colon-separated; the
// fuzz script passes tests/fixtures/tokenizer_formats' files). Encoding never
// fails and gives ids in the vocabulary, streamed decoding equals decode(),
// and the lossless formats (tiktoken, llama2.c) decode to the input with
// invalid UTF-8 replaced.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "et_llm/llama2c_tokenizer.h"
#include "et_llm/tiktoken_tokenizer.h"
#include "et_llm/tokenizer_loader.h"
#include "exercise_tokenizer.h"

namespace {

std::vector<std::unique_ptr<et_llm::Tokenizer>> g_tokenizers;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* paths = std::getenv("ET_LLM_FUZZ_TOKENIZERS");
  et_llm::fuzz::check(paths != nullptr && paths[0] != '\0',
                      "set ET_LLM_FUZZ_TOKENIZERS to tokenizer files, colon-separated");
  std::string list(paths);
  for (size_t start = 0; start <= list.size();) {
    size_t end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    const std::string path = list.substr(start, end - start);
    start = end + 1;
    if (path.empty()) continue;
    auto tokenizer = et_llm::load_tokenizer(path);
    if (!tokenizer.ok()) {
      std::fprintf(stderr, "%s\n", tokenizer.error().message().c_str());
      std::abort();
    }
    g_tokenizers.push_back(std::move(tokenizer).get());
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& tokenizer : g_tokenizers) {
    auto ids = tokenizer->encode(text);
    et_llm::fuzz::check(ids.ok(), "encode fails");
    for (et_llm::TokenId id : *ids) {
      et_llm::fuzz::check(id < tokenizer->vocab_size(), "an id outside the vocabulary");
    }
    et_llm::fuzz::check_streamed_decode(*tokenizer, *ids);
    const bool lossless = dynamic_cast<const et_llm::TiktokenTokenizer*>(tokenizer.get()) ||
                          dynamic_cast<const et_llm::Llama2cTokenizer*>(tokenizer.get());
    if (lossless) {
      auto decoded = tokenizer->decode(*ids);
      et_llm::fuzz::check(decoded.ok() && *decoded == et_llm::utf8_lossy(text),
                          "a lossless format does not decode to its input");
    }
  }
  return 0;
}
