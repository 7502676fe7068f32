#include "et_llm/tokenizer.h"

#include <limits>
#include <string>
#include <vector>

namespace et_llm {

Result<std::string> Tokenizer::decode(const std::vector<TokenId>& ids,
                                      bool skip_special_tokens) const {
  // The first token is decoded as if it followed BOS, so that formats which
  // drop a leading space after BOS (SentencePiece) decode a whole sequence the
  // way their reference implementations do. A skipped special token still
  // counts as the previous token of the one after it.
  TokenId prev = bos_id().value_or(std::numeric_limits<TokenId>::max());
  std::string bytes;
  for (TokenId id : ids) {
    if (!(skip_special_tokens && is_special(id))) {
      ET_LLM_ASSIGN_OR_RETURN(std::string piece, decode_token(prev, id));
      bytes += piece;
    }
    prev = id;
  }
  return utf8_lossy(bytes);
}

}  // namespace et_llm
