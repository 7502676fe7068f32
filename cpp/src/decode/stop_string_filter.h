// Holds back streamed text that might be the start of a stop string, so no
// part of a stop string is ever emitted.
#pragma once

#include <string>
#include <vector>

namespace et_llm::detail {

class StopStringFilter {
 public:
  explicit StopStringFilter(const std::vector<std::string>& stops) : stops_(stops) {}

  // Adds `text`; returns what can be emitted now. When a stop string is
  // complete, `*matched` becomes true and the text before it is returned.
  std::string push(const std::string& text, bool* matched);
  // The text still held back (generation ended without a match).
  std::string flush();

 private:
  const std::vector<std::string>& stops_;
  std::string held_;
};

}  // namespace et_llm::detail
