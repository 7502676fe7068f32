// Character properties the HF normalizers and pre-tokenizers test, with the
// Unicode data HF tokenizers has (see gen_unicode_tables.py).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace et_llm::detail {

// Unicode White_Space: Rust's char::is_whitespace.
bool is_white_space(uint32_t cp);

// A mark (Mn, Mc, Me), what HF's StripAccents removes.
bool is_mark(uint32_t cp);

// Punctuation as HF's Punctuation and BertPreTokenizer see it: the P
// categories plus ASCII symbols such as $ + < = > ^ ` | ~.
bool is_punctuation(uint32_t cp);

// `text` with every character replaced by its full lowercase mapping, one
// character at a time (no context rules), as HF's Lowercase normalizer does.
std::string to_lowercase(std::string_view text);

}  // namespace et_llm::detail
