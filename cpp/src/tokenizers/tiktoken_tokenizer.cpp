#include "et_llm/tiktoken_tokenizer.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

#include "tokenizers/byte_level.h"
#include "tokenizers/file_contents.h"
#include "tokenizers/pair_merge.h"
#include "tokenizers/regex.h"

namespace et_llm {

namespace {

// Standard base64 (RFC 4648 alphabet, '=' padding), as tiktoken files use.
std::optional<std::string> decode_base64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t bits = 0;
  int count = 0;
  for (size_t i = 0; i < text.size() - padding; ++i) {
    const int v = value(text[i]);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 1) return std::nullopt;
  if (count == 2) {
    out.push_back(static_cast<char>(bits >> 4));
  } else if (count == 3) {
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>(bits >> 2));
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

struct RankedToken {
  TokenId rank;
  std::string bytes;
};

// Parses "<base64> <rank>" lines (blank lines skipped, like tiktoken's loader).
Result<std::vector<RankedToken>> parse_ranks(std::string_view contents, const std::string& name) {
  std::vector<RankedToken> tokens;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < contents.size()) {
    size_t end = contents.find('\n', pos);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    auto bad_line = [&](const std::string& why) {
      return Error(ErrorCode::InvalidTokenizer, name + " line " + std::to_string(line_number) +
                                                    ": " + why + " (expected '<base64> <rank>')");
    };
    const size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return bad_line("no rank");
    std::string_view encoded = line.substr(0, space);
    std::string_view rank_text = line.substr(space + 1);
    while (!rank_text.empty() && is_space(rank_text.front())) rank_text.remove_prefix(1);
    std::optional<std::string> bytes = decode_base64(encoded);
    if (!bytes) return bad_line("token is not base64");
    if (rank_text.empty() || rank_text.size() > 18 ||
        !std::all_of(rank_text.begin(), rank_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return bad_line("rank is not a number");
    }
    TokenId rank = 0;
    for (char c : rank_text) rank = rank * 10 + static_cast<TokenId>(c - '0');
    tokens.push_back({rank, std::move(*bytes)});
  }
  if (tokens.empty()) return Error(ErrorCode::InvalidTokenizer, name + " has no tokens");
  return tokens;
}

}  // namespace

const std::string& TiktokenTokenizer::llama3_pattern() {
  static const std::string pattern =
      R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  return pattern;
}

const std::vector<std::string>& TiktokenTokenizer::llama3_special_tokens() {
  static const std::vector<std::string> tokens = [] {
    std::vector<std::string> names = {
        "<|begin_of_text|>",
        "<|end_of_text|>",
        "<|reserved_special_token_0|>",
        "<|reserved_special_token_1|>",
        "<|finetune_right_pad_id|>",
        "<|step_id|>",
        "<|start_header_id|>",
        "<|end_header_id|>",
        "<|eom_id|>",
        "<|eot_id|>",
        "<|python_tag|>",
        "<|image|>",
    };
    // The rest of the 256 are reserved, numbered on from 2.
    for (size_t i = 2; names.size() < 256; ++i) {
      names.push_back("<|reserved_special_token_" + std::to_string(i) + "|>");
    }
    return names;
  }();
  return tokens;
}

struct TiktokenTokenizer::Impl {
  std::vector<RankedToken> tokens;                        // sorted by rank
  std::unordered_map<std::string_view, TokenId> rank_of;  // views into `tokens`
  std::vector<std::string> specials;
  std::unordered_map<std::string_view, TokenId> special_id;  // views into `specials`
  std::vector<size_t> special_lengths;                       // distinct, longest first
  std::array<bool, 256> starts_special{};
  TokenId first_special_id = 0;
  TokenId bos = 0;
  TokenId eos = 0;
  size_t vocab_size = 0;
  std::optional<detail::Regex> regex;

  const RankedToken* find_rank(TokenId rank) const {
    auto it = std::lower_bound(tokens.begin(), tokens.end(), rank,
                               [](const RankedToken& t, TokenId r) { return t.rank < r; });
    return it != tokens.end() && it->rank == rank ? &*it : nullptr;
  }

  // The leftmost special token at or after `from` (the longest one there).
  std::optional<std::pair<size_t, size_t>> next_special(std::string_view text, size_t from) const {
    for (size_t i = from; i < text.size(); ++i) {
      if (!starts_special[static_cast<uint8_t>(text[i])]) continue;
      for (size_t length : special_lengths) {
        if (length <= text.size() - i && special_id.count(text.substr(i, length))) {
          return std::make_pair(i, length);
        }
      }
    }
    return std::nullopt;
  }

  Error encode_piece(std::string_view piece, std::vector<TokenId>& out) const {
    auto whole = rank_of.find(piece);
    if (whole != rank_of.end()) {
      out.push_back(whole->second);
      return Error();
    }
    struct Span {
      uint32_t begin;
      uint32_t end;
    };
    std::vector<Span> parts(piece.size());
    for (uint32_t i = 0; i < piece.size(); ++i) parts[i] = {i, i + 1};
    detail::merge_adjacent_pairs<Span, TokenId>(
        parts, [&](const Span& left, const Span& right) -> std::optional<std::pair<TokenId, Span>> {
          auto it = rank_of.find(piece.substr(left.begin, right.end - left.begin));
          if (it == rank_of.end()) return std::nullopt;
          return std::make_pair(it->second, Span{left.begin, right.end});
        });
    for (const Span& part : parts) {
      auto it = rank_of.find(piece.substr(part.begin, part.end - part.begin));
      if (it == rank_of.end()) {
        return Error(ErrorCode::InvalidTokenizer,
                     "tiktoken vocabulary has no token for byte " +
                         std::to_string(static_cast<uint8_t>(piece[part.begin])));
      }
      out.push_back(it->second);
    }
    return Error();
  }

  Error encode_ordinary(std::string_view text, std::vector<TokenId>& out) const {
    std::vector<detail::Match> matches;
    regex->find_all(text, matches);
    for (const detail::Match& match : matches) {
      if (match.end == match.begin) continue;
      ET_LLM_CHECK_OK(encode_piece(text.substr(match.begin, match.end - match.begin), out));
    }
    return Error();
  }
};

TiktokenTokenizer::TiktokenTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TiktokenTokenizer::~TiktokenTokenizer() = default;

Result<std::unique_ptr<TiktokenTokenizer>> TiktokenTokenizer::load(const std::string& path,
                                                                   const TiktokenOptions& options) {
  ET_LLM_ASSIGN_OR_RETURN(std::string contents, detail::read_file_contents(path));
  return parse(contents, options, path);
}

Result<std::unique_ptr<TiktokenTokenizer>> TiktokenTokenizer::parse(std::string_view contents,
                                                                    const TiktokenOptions& options,
                                                                    const std::string& name) {
  auto impl = std::make_unique<Impl>();
  ET_LLM_ASSIGN_OR_RETURN(impl->tokens, parse_ranks(contents, name));
  std::sort(impl->tokens.begin(), impl->tokens.end(),
            [](const RankedToken& a, const RankedToken& b) { return a.rank < b.rank; });
  for (size_t i = 0; i < impl->tokens.size(); ++i) {
    const RankedToken& token = impl->tokens[i];
    if (i > 0 && impl->tokens[i - 1].rank == token.rank) {
      return Error(ErrorCode::InvalidTokenizer,
                   name + ": rank " + std::to_string(token.rank) + " appears twice");
    }
    if (!impl->rank_of.emplace(token.bytes, token.rank).second) {
      return Error(ErrorCode::InvalidTokenizer,
                   name + ": a token appears twice (rank " + std::to_string(token.rank) + ")");
    }
  }

  // Like pytorch-tokenizers: special ids follow the number of ranked tokens.
  impl->specials = options.special_tokens.value_or(llama3_special_tokens());
  impl->first_special_id = impl->tokens.size();
  for (size_t i = 0; i < impl->specials.size(); ++i) {
    const std::string& special = impl->specials[i];
    const TokenId id = impl->first_special_id + i;
    ET_LLM_CHECK(!special.empty(), InvalidArgument,
                 "special token " + std::to_string(i) + " is empty");
    ET_LLM_CHECK(impl->find_rank(id) == nullptr, InvalidArgument,
                 "special token '" + special + "' would take id " + std::to_string(id) +
                     ", which " + name + " already gives a ranked token");
    ET_LLM_CHECK(impl->special_id.emplace(special, id).second, InvalidArgument,
                 "special token '" + special + "' given twice");
    impl->starts_special[static_cast<uint8_t>(special[0])] = true;
    if (std::find(impl->special_lengths.begin(), impl->special_lengths.end(), special.size()) ==
        impl->special_lengths.end()) {
      impl->special_lengths.push_back(special.size());
    }
  }
  std::sort(impl->special_lengths.rbegin(), impl->special_lengths.rend());
  ET_LLM_CHECK(options.bos_token_index < impl->specials.size() &&
                   options.eos_token_index < impl->specials.size(),
               InvalidArgument,
               "bos/eos token index (" + std::to_string(options.bos_token_index) + ", " +
                   std::to_string(options.eos_token_index) + ") is outside the " +
                   std::to_string(impl->specials.size()) + " special tokens");
  impl->bos = impl->first_special_id + options.bos_token_index;
  impl->eos = impl->first_special_id + options.eos_token_index;
  impl->vocab_size = static_cast<size_t>(std::max<TokenId>(
      impl->tokens.back().rank + 1, impl->first_special_id + impl->specials.size()));

  auto regex = detail::Regex::compile(options.pattern.value_or(llama3_pattern()));
  if (!regex.ok()) return Error(ErrorCode::InvalidArgument, regex.error().message());
  impl->regex = std::move(regex).get();
  return std::unique_ptr<TiktokenTokenizer>(new TiktokenTokenizer(std::move(impl)));
}

Result<std::vector<TokenId>> TiktokenTokenizer::encode(std::string_view input, size_t num_bos,
                                                       size_t num_eos) const {
  const std::string text = utf8_lossy(input);
  std::vector<TokenId> ids(num_bos, impl_->bos);
  ids.reserve(text.size() / 3 + num_bos + num_eos);
  size_t pos = 0;
  while (pos < text.size()) {
    auto special = impl_->next_special(text, pos);
    const size_t ordinary_end = special ? special->first : text.size();
    ET_LLM_CHECK_OK(
        impl_->encode_ordinary(std::string_view(text).substr(pos, ordinary_end - pos), ids));
    if (!special) break;
    ids.push_back(
        impl_->special_id.at(std::string_view(text).substr(special->first, special->second)));
    pos = special->first + special->second;
  }
  ids.insert(ids.end(), num_eos, impl_->eos);
  return ids;
}

Result<std::string> TiktokenTokenizer::decode_token(TokenId /*prev*/, TokenId token) const {
  if (is_special(token)) return impl_->specials[token - impl_->first_special_id];
  const RankedToken* ranked = impl_->find_rank(token);
  ET_LLM_CHECK(ranked != nullptr, InvalidArgument,
               "token id " + std::to_string(token) + " is not in the vocabulary (size " +
                   std::to_string(impl_->vocab_size) + ")");
  return ranked->bytes;
}

Result<std::string> TiktokenTokenizer::id_to_piece(TokenId id) const {
  if (is_special(id)) return impl_->specials[id - impl_->first_special_id];
  const RankedToken* ranked = impl_->find_rank(id);
  ET_LLM_CHECK(ranked != nullptr, InvalidArgument,
               "token id " + std::to_string(id) + " is not in the vocabulary");
  std::string piece;
  detail::ByteLevelTable::instance().encode(ranked->bytes, piece);
  return piece;
}

std::optional<TokenId> TiktokenTokenizer::piece_to_id(std::string_view piece) const {
  auto special = impl_->special_id.find(piece);
  if (special != impl_->special_id.end()) return special->second;
  std::string bytes;
  if (detail::ByteLevelTable::instance().decode(piece, bytes)) {
    auto it = impl_->rank_of.find(bytes);
    if (it != impl_->rank_of.end()) return it->second;
  }
  return std::nullopt;
}

bool TiktokenTokenizer::is_special(TokenId id) const {
  return id >= impl_->first_special_id && id - impl_->first_special_id < impl_->specials.size();
}

std::optional<TokenId> TiktokenTokenizer::bos_id() const { return impl_->bos; }
std::vector<TokenId> TiktokenTokenizer::eos_ids() const { return {impl_->eos}; }
size_t TiktokenTokenizer::vocab_size() const { return impl_->vocab_size; }

}  // namespace et_llm
