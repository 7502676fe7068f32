// A compiled PCRE2 pattern (UTF + Unicode properties, JIT when available)
// that lists the matches in a text the way Oniguruma, which HF tokenizers uses,
// iterates them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "et_llm/error.h"

namespace et_llm::detail {

struct Match {
  size_t begin;
  size_t end;
};

class Regex {
 public:
  // `literal`: the pattern is plain text, not a regular expression.
  static Result<Regex> compile(std::string_view pattern, bool literal = false);

  // Replaces `out` with the non-overlapping matches in `text`, left to right.
  // `text` must be valid UTF-8 (it is not checked again).
  void find_all(std::string_view text, std::vector<Match>& out) const;

  // Whether the pattern matches somewhere in `text`.
  bool search(std::string_view text) const;

 private:
  struct Code;
  explicit Regex(std::shared_ptr<const Code> code) : code_(std::move(code)) {}

  std::shared_ptr<const Code> code_;  // compiled once, shared by copies
};

}  // namespace et_llm::detail
