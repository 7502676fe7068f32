// The stop-string filter on streamed text: the input gives up to four stop
// strings and the text's pieces. What it emits before a match is exactly the
// text before the earliest stop string in everything pushed so far; without
// a match, emitted text plus flush() is all of it.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <string>
#include <vector>

#include "decode/stop_string_filter.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::vector<std::string> stops(input.ConsumeIntegralInRange<size_t>(0, 4));
  for (std::string& stop : stops) stop = input.ConsumeRandomLengthString(16);
  et_llm::detail::StopStringFilter filter(stops);
  std::string pushed;
  std::string emitted;
  bool matched = false;
  do {  // at least one piece, maybe empty
    const std::string piece = input.ConsumeRandomLengthString(32);
    pushed += piece;
    emitted += filter.push(piece, &matched);
  } while (!matched && input.remaining_bytes() > 0);
  size_t first = std::string::npos;
  for (const std::string& stop : stops) first = std::min(first, pushed.find(stop));
  if (matched) {
    et_llm::fuzz::check(first != std::string::npos, "a match without a stop string");
    et_llm::fuzz::check(emitted == pushed.substr(0, first),
                        "emitted text is not what precedes the stop");
  } else {
    et_llm::fuzz::check(first == std::string::npos, "a stop string went unmatched");
    emitted += filter.flush();
    et_llm::fuzz::check(emitted == pushed, "emitted text differs from the text pushed");
  }
  return 0;
}
