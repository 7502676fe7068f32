// Unicode Normalization Form C, for tokenizers whose normalizer is NFC (Qwen).
#pragma once

#include <string>
#include <string_view>

namespace et_llm::detail {

// The NFC form of `text`, which must be valid UTF-8.
std::string to_nfc(std::string_view text);

}  // namespace et_llm::detail
