#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizers/regex.h"

#include <pcre2.h>

#include <algorithm>
#include <string>

#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {

struct Regex::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

namespace {

// One match-data block per thread, shared by all patterns: only the overall
// match (one offset pair) is ever read.
pcre2_match_data* thread_match_data() {
  struct Holder {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~Holder() { pcre2_match_data_free(data); }
  };
  thread_local Holder holder;
  return holder.data;
}

int run_match(const pcre2_code* code, bool jit, std::string_view text, size_t start,
              pcre2_match_data* data) {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  if (jit) return pcre2_jit_match(code, subject, text.size(), start, 0, data, nullptr);
  return pcre2_match(code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, data, nullptr);
}

// Oniguruma's Unicode classes, where they differ from PCRE2's, as items that
// fit inside a character class. Oniguruma's \s is White_Space (PCRE2 adds
// U+180E); its \w is Alphabetic, marks, Nd and Pc, plus the Latin-1 digits
// and fractions ¹²³¼½¾ (PCRE2's is [\p{L}\p{N}_]).
constexpr const char* kSpaceItems =
    R"(\t-\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";
constexpr const char* kWordItems =
    R"(\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{B2}\x{B3}\x{B9}\x{BC}-\x{BE})";

// Rewrites \s \S \w \W \b \B so that PCRE2 matches what Oniguruma would.
// \S and \W inside a character class have no item form and are kept.
std::string to_oniguruma_classes(std::string_view pattern) {
  const std::string space = kSpaceItems;
  const std::string word = kWordItems;
  const std::string word_class = "[" + word + "]";
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char escaped = pattern[++i];
      if (escaped == 's') {
        out += in_class ? space : "[" + space + "]";
      } else if (escaped == 'S' && !in_class) {
        out += "[^" + space + "]";
      } else if (escaped == 'w') {
        out += in_class ? word : word_class;
      } else if (escaped == 'W' && !in_class) {
        out += "[^" + word + "]";
      } else if (escaped == 'b' && !in_class) {
        out += "(?:(?<=" + word_class + ")(?!" + word_class + ")|(?<!" + word_class +
               ")(?=" + word_class + "))";
      } else if (escaped == 'B' && !in_class) {
        out += "(?:(?<=" + word_class + ")(?=" + word_class + ")|(?<!" + word_class + ")(?!" +
               word_class + "))";
      } else {
        out += c;
        out += escaped;
      }
      continue;
    }
    if (in_class && c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {
      // A POSIX class such as [:alpha:] inside a class: copy it whole.
      const size_t close = pattern.find(":]", i + 2);
      if (close != std::string_view::npos) {
        out.append(pattern.substr(i, close + 2 - i));
        i = close + 1;
        continue;
      }
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' (or '^]') right after the opening bracket is a literal.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern, bool literal) {
  // Unicode properties mean nothing to (and are refused with) a literal.
  const uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
  const std::string translated = literal ? std::string(pattern) : to_oniguruma_classes(pattern);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()),
                                   translated.size(), options, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    return Error(ErrorCode::InvalidTokenizer, "invalid regex '" + std::string(pattern) +
                                                  "' at offset " + std::to_string(error_offset) +
                                                  ": " + reinterpret_cast<char*>(message));
  }
  auto compiled = std::make_shared<Code>();
  compiled->code = code;
  compiled->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return Regex(std::move(compiled));
}

void Regex::find_all(std::string_view text, std::vector<Match>& out) const {
  out.clear();
  pcre2_match_data* data = thread_match_data();
  const PCRE2_SIZE* offsets = pcre2_get_ovector_pointer(data);
  size_t search_from = 0;
  size_t last_end = std::string_view::npos;
  while (search_from <= text.size()) {
    if (run_match(code_->code, code_->jit, text, search_from, data) < 0) break;
    const size_t begin = offsets[0];
    const size_t end = offsets[1];
    // Like Oniguruma's iterator: an empty match right where the previous match
    // ended is skipped by moving one character on.
    if (begin == end && end == last_end) {
      if (search_from >= text.size()) break;
      search_from += utf8_char_length(text, search_from);
      continue;
    }
    out.push_back({begin, end});
    last_end = end;
    search_from = end;
  }
}

bool Regex::search(std::string_view text) const {
  return run_match(code_->code, code_->jit, text, 0, thread_match_data()) >= 0;
}

}  // namespace et_llm::detail
