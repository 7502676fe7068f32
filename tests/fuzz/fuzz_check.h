// How a fuzz target reports a broken property: the message on stderr, then
// abort(), which libFuzzer records as a crash and saves the input for.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace et_llm::fuzz {

inline void check(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property failed: %s\n", what);
  std::abort();
}

}  // namespace et_llm::fuzz
