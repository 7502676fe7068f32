// The UTF-8 repair every decoder ends in: utf8_lossy gives valid UTF-8 (each
// character decodes back to itself), and a Utf8StreamDecoder fed the input
// in pieces (split where the input's first bytes say) gives the same text.
#include <cstdint>
#include <string>
#include <string_view>

#include "et_llm/tokenizer.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Byte 0 sets how many of the next bytes are piece lengths; the rest is text.
  const size_t num_lengths = size == 0 ? 0 : std::min<size_t>(data[0] % 16, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1 + num_lengths,
                              size == 0 ? 0 : size - 1 - num_lengths);
  const std::string whole = et_llm::utf8_lossy(text);
  et_llm::fuzz::check(et_llm::utf8_lossy(whole) == whole, "utf8_lossy output is not valid UTF-8");
  et_llm::Utf8StreamDecoder stream;
  std::string streamed;
  size_t at = 0;
  for (size_t i = 0; i < num_lengths && at < text.size(); ++i) {
    const size_t length = std::min<size_t>(data[1 + i], text.size() - at);
    streamed += stream.push(text.substr(at, length));
    at += length;
  }
  streamed += stream.push(text.substr(at));
  streamed += stream.flush();
  et_llm::fuzz::check(streamed == whole, "streamed text differs from utf8_lossy");
  return 0;
}
