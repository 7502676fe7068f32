// Unicode normalization forms (NFC, NFD, NFKC, NFKD) with the Unicode data HF
// tokenizers has, for its NFC/NFD/NFKC/NFKD normalizers.
#pragma once

#include <string>
#include <string_view>

namespace et_llm::detail {

enum class NormalizationForm { NFC, NFD, NFKC, NFKD };

// `text` in normalization form `form`; `text` must be valid UTF-8.
std::string normalize_unicode(std::string_view text, NormalizationForm form);

}  // namespace et_llm::detail
