// GPT-2's byte-level spelling: the reversible byte <-> printable character
// table that byte-level BPE vocabularies spell their pieces with (the
// tokenizers' own, for code that reads such pieces from elsewhere, e.g. a
// Python tokenizer's vocabulary).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace et_llm {

// The bytes the byte-level piece `piece` (UTF-8) spells, or std::nullopt when
// some character of it is not in the table.
std::optional<std::string> byte_level_bytes(std::string_view piece);

}  // namespace et_llm
