// Checks a serialized SentencePiece ModelProto for the damage that makes
// libsentencepiece 0.1.x (Debian's) crash instead of failing: it trusts the
// precompiled normalization tries (a damaged one reads out of bounds on every
// encode), recurses once per byte of a piece when building its trie, and
// that trie's builder throws (past the library's API) on an empty piece or a
// NUL byte in one.
// Newer SentencePiece releases check the tries themselves.
#pragma once

#include <string_view>

#include "et_llm/error.h"

namespace et_llm::detail {

// InvalidTokenizer naming what is wrong; success when the library may be
// given the model (it still checks everything else).
Error check_sentencepiece_model(std::string_view model);

}  // namespace et_llm::detail
