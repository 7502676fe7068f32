// What the tokenizer targets do with a tokenizer that loaded from fuzzed
// bytes: encode fixed texts and the input itself (with BOS/EOS when the
// tokenizer has them), decode the ids whole, skipping specials and one by one
// through a stream decoder, and look up pieces of ids inside, at and past the
// vocabulary's end. et_llm errors are expected outcomes; only memory errors,
// undefined behaviour and broken stream decoding are findings.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "et_llm/hf_tokenizer.h"
#include "et_llm/tokenizer.h"
#include "fuzz_check.h"

namespace et_llm::fuzz {

// The token decode() puts before the first: HF's decoder chain applies its
// start-of-text rule to the first token, the other formats decode it as if it
// followed BOS.
inline TokenId decode_start(const Tokenizer& tokenizer) {
  if (dynamic_cast<const HFTokenizer*>(&tokenizer) != nullptr) return kNoPreviousToken;
  return tokenizer.bos_id().value_or(kNoPreviousToken);
}

// Token by token as a streaming caller decodes: equal to the whole decode.
inline void check_streamed_decode(const Tokenizer& tokenizer, const std::vector<TokenId>& ids) {
  auto whole = tokenizer.decode(ids);
  if (!whole.ok()) return;
  Utf8StreamDecoder stream;
  std::string streamed;
  TokenId prev = decode_start(tokenizer);
  for (TokenId id : ids) {
    auto piece = tokenizer.decode_token(prev, id);
    check(piece.ok(), "decode_token fails on an id decode() accepted");
    streamed += stream.push(*piece);
    prev = id;
  }
  streamed += stream.flush();
  check(streamed == *whole, "the streamed pieces differ from decode()");
}

inline void probe_id(const Tokenizer& tokenizer, TokenId id) {
  (void)tokenizer.is_special(id);
  (void)tokenizer.decode_token(kNoPreviousToken, id);
  (void)tokenizer.decode_token(id, id);
  auto piece = tokenizer.id_to_piece(id);
  if (piece.ok()) (void)tokenizer.piece_to_id(*piece);
}

inline void exercise_tokenizer(const Tokenizer& tokenizer, std::string_view input) {
  const size_t vocab = tokenizer.vocab_size();
  const size_t num_bos = tokenizer.bos_id() ? 1 : 0;
  check(tokenizer.default_bos_count() <= num_bos, "a default BOS without a BOS token");
  const size_t num_eos = tokenizer.eos_ids().empty() ? 0 : 1;
  const std::string_view texts[] = {
      "", "Hello, world!", "  spaces  and\ttabs\n",
      "\xD0\x9F\xD1\x80\xD0\xB8 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 <|begin_of_text|> <s>",
      input.substr(0, 256)};
  for (std::string_view text : texts) {
    auto ids = tokenizer.encode(text, num_bos, num_eos);
    if (!ids.ok()) continue;
    for (TokenId id : *ids) check(id < vocab, "encode gives an id outside the vocabulary");
    (void)tokenizer.decode(*ids, /*skip_special_tokens=*/true);
    check_streamed_decode(tokenizer, *ids);
  }
  std::vector<TokenId> probes = {0, 1, 2, vocab, vocab + 1, kNoPreviousToken - 1};
  if (vocab > 0) probes.push_back(vocab - 1);
  for (size_t i = 0; i < std::min<size_t>(input.size(), 8); ++i) {
    probes.push_back(static_cast<unsigned char>(input[i]));
  }
  for (TokenId id : probes) probe_id(tokenizer, id);
  for (TokenId id = 0; id < std::min<size_t>(vocab, 512); ++id) probe_id(tokenizer, id);
}

// A target's whole body: `load` (the bytes to a Result<unique_ptr<T>>) on the
// input, then the above with what loaded.
template <typename Load>
int fuzz_tokenizer_loader(const uint8_t* data, size_t size, Load load) {
  const std::string_view contents(reinterpret_cast<const char*>(data), size);
  auto tokenizer = load(contents);
  if (tokenizer.ok()) exercise_tokenizer(**tokenizer, contents);
  return 0;
}

}  // namespace et_llm::fuzz
