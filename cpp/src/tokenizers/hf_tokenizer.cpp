// Loading a tokenizer.json and running its pipeline: added tokens, then
// normalizer, pre-tokenizer and BPE model on the text between them.
#include "et_llm/hf_tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "tokenizers/added_tokens.h"
#include "tokenizers/bpe.h"
#include "tokenizers/hf_special_tokens.h"
#include "tokenizers/json_file.h"
#include "tokenizers/normalizer.h"
#include "tokenizers/pre_tokenizer.h"
#include "tokenizers/token_decoder.h"

namespace et_llm {

struct HFTokenizer::Impl {
  std::unique_ptr<detail::BpeModel> model;
  std::unique_ptr<detail::Normalizer> normalizer;       // null: none
  std::unique_ptr<detail::PreTokenizer> pre_tokenizer;  // null: the whole text is one word
  detail::TokenDecoder decoder;

  std::vector<detail::AddedToken> added_tokens;
  std::unordered_map<TokenId, size_t> added_index_by_id;
  std::unordered_map<std::string, TokenId> added_id_by_content;
  // Added tokens are looked for in the raw text, except those marked
  // `normalized`, which are looked for after normalization (as HF does).
  std::optional<detail::AddedTokenMatcher> raw_matcher;
  std::optional<detail::AddedTokenMatcher> normalized_matcher;

  detail::SpecialTokenIds special;
  size_t vocab_size = 0;

  static Result<std::unique_ptr<Impl>> create(const std::filesystem::path& file,
                                              const nlohmann::json& json);

  // `starts_text`: `text` begins where the text given to encode() begins.
  void encode_words(std::string text, bool starts_text, std::vector<TokenId>& ids) const;
  void encode_normalized(const std::string& text, bool starts_text,
                         std::vector<TokenId>& ids) const;
  void encode_raw(std::string_view text, std::vector<TokenId>& ids) const;
  const std::string* piece(TokenId id) const;
  Result<std::string> decode_piece(TokenId id, bool starts_text) const;
};

namespace {

Error component_error(const std::filesystem::path& file, const char* component,
                      const Error& error) {
  return Error(error.code(), file.string() + ": " + component + ": " + error.message());
}

Result<std::vector<detail::AddedToken>> parse_added_tokens(const nlohmann::json& list) {
  std::vector<detail::AddedToken> tokens;
  if (list.is_null()) return tokens;
  for (const nlohmann::json& entry : list) {
    detail::AddedToken token;
    const nlohmann::json& id = entry.at("id");
    // Bounded as the vocabulary's ids are (bpe.cpp); added tokens follow it.
    constexpr uint64_t kMaxAddedId = uint64_t{1} << 24;
    ET_LLM_CHECK(id.is_number_unsigned() && id.get<uint64_t>() < kMaxAddedId, InvalidTokenizer,
                 "added token id " + id.dump() + " is not an id below 2^24");
    token.id = id.get<uint32_t>();
    token.content = entry.at("content").get<std::string>();
    token.special = entry.value("special", false);
    token.lstrip = entry.value("lstrip", false);
    token.rstrip = entry.value("rstrip", false);
    token.single_word = entry.value("single_word", false);
    token.normalized = entry.value("normalized", !token.special);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// Builds the matcher for the added tokens whose `normalized` flag equals
// `normalized`; nullopt when there are none.
Result<std::optional<detail::AddedTokenMatcher>> make_matcher(
    const std::vector<detail::AddedToken>& all, bool normalized,
    const detail::Normalizer* normalizer) {
  std::vector<detail::AddedToken> tokens;
  std::vector<std::string> patterns;
  for (const detail::AddedToken& token : all) {
    if (token.normalized != normalized) continue;
    tokens.push_back(token);
    patterns.push_back(normalized && normalizer != nullptr ? normalizer->normalize(token.content)
                                                           : token.content);
  }
  if (tokens.empty()) return std::optional<detail::AddedTokenMatcher>();
  ET_LLM_ASSIGN_OR_RETURN(
      auto matcher, detail::AddedTokenMatcher::create(std::move(tokens), std::move(patterns)));
  return std::optional<detail::AddedTokenMatcher>(std::move(matcher));
}

bool is_null_or_missing(const nlohmann::json& json, const char* key) {
  return !json.contains(key) || json[key].is_null();
}

// The post-processor is never applied (the caller asks for BOS/EOS), but an
// unknown one may do something the caller would miss.
Error check_post_processor(const nlohmann::json& processor) {
  const std::string type = processor.at("type").get<std::string>();
  if (type == "Sequence") {
    for (const nlohmann::json& step : processor.at("processors")) {
      ET_LLM_CHECK_OK(check_post_processor(step));
    }
    return Error::success();
  }
  if (type == "TemplateProcessing" || type == "ByteLevel" || type == "RobertaProcessing" ||
      type == "BertProcessing") {
    return Error::success();
  }
  return Error(ErrorCode::NotSupported, "post_processor type '" + type + "'");
}

}  // namespace

HFTokenizer::HFTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  set_default_bos_count(impl_->special.adds_bos ? 1 : 0);
}
HFTokenizer::~HFTokenizer() = default;

Result<std::unique_ptr<HFTokenizer>> HFTokenizer::load(const std::string& path) {
  std::filesystem::path file(path);
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) file /= "tokenizer.json";
  ET_LLM_ASSIGN_OR_RETURN(nlohmann::json json, detail::read_json_file(file));
  try {
    ET_LLM_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, Impl::create(file, json));
    return std::unique_ptr<HFTokenizer>(new HFTokenizer(std::move(impl)));
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::InvalidTokenizer, file.string() + ": unexpected content: " + e.what());
  }
}

Result<std::unique_ptr<HFTokenizer::Impl>> HFTokenizer::Impl::create(
    const std::filesystem::path& file, const nlohmann::json& json) {
  if (!json.is_object())
    return Error(ErrorCode::InvalidTokenizer, file.string() + " is not an object");
  auto impl = std::make_unique<HFTokenizer::Impl>();

  const nlohmann::json& model = json.at("model");
  const std::string model_type = model.value("type", "BPE");
  if (model_type != "BPE") {
    return Error(ErrorCode::NotSupported, file.string() + ": model type '" + model_type + "'");
  }
  auto bpe = detail::BpeModel::from_json(model);
  if (!bpe.ok()) return component_error(file, "model", bpe.error());
  impl->model = std::move(bpe).get();

  if (!is_null_or_missing(json, "normalizer")) {
    auto normalizer = detail::make_normalizer(json["normalizer"]);
    if (!normalizer.ok()) return component_error(file, "normalizer", normalizer.error());
    impl->normalizer = std::move(normalizer).get();
  }
  if (!is_null_or_missing(json, "pre_tokenizer")) {
    auto pre_tokenizer = detail::make_pre_tokenizer(json["pre_tokenizer"]);
    if (!pre_tokenizer.ok()) return component_error(file, "pre_tokenizer", pre_tokenizer.error());
    impl->pre_tokenizer = std::move(pre_tokenizer).get();
  }
  auto decoder = detail::TokenDecoder::from_json(json.value("decoder", nlohmann::json()));
  if (!decoder.ok()) return component_error(file, "decoder", decoder.error());
  impl->decoder = std::move(decoder).get();
  if (!is_null_or_missing(json, "post_processor")) {
    Error error = check_post_processor(json["post_processor"]);
    if (!error.ok()) return component_error(file, "post_processor", error);
  }

  ET_LLM_ASSIGN_OR_RETURN(impl->added_tokens,
                          parse_added_tokens(json.value("added_tokens", nlohmann::json())));
  impl->vocab_size = impl->model->id_bound();
  for (size_t i = 0; i < impl->added_tokens.size(); ++i) {
    const detail::AddedToken& token = impl->added_tokens[i];
    impl->added_index_by_id[token.id] = i;
    impl->added_id_by_content[token.content] = token.id;
    impl->vocab_size = std::max<size_t>(impl->vocab_size, token.id + 1);
  }
  ET_LLM_ASSIGN_OR_RETURN(impl->raw_matcher, make_matcher(impl->added_tokens, false, nullptr));
  ET_LLM_ASSIGN_OR_RETURN(impl->normalized_matcher,
                          make_matcher(impl->added_tokens, true, impl->normalizer.get()));

  const HFTokenizer::Impl* view = impl.get();
  auto added_lookup = [view](std::string_view piece) -> std::optional<TokenId> {
    auto it = view->added_id_by_content.find(std::string(piece));
    if (it == view->added_id_by_content.end()) return std::nullopt;
    return it->second;
  };
  auto lookup = [view, added_lookup](std::string_view piece) -> std::optional<TokenId> {
    if (auto id = added_lookup(piece)) return id;
    if (auto id = view->model->token_to_id(piece)) return TokenId{*id};
    return std::nullopt;
  };
  ET_LLM_ASSIGN_OR_RETURN(
      impl->special, detail::resolve_special_tokens(file.parent_path(), json, added_lookup, lookup,
                                                    impl->vocab_size));
  return impl;
}

void HFTokenizer::Impl::encode_words(std::string text, bool starts_text,
                                     std::vector<TokenId>& ids) const {
  if (text.empty()) return;
  if (!pre_tokenizer) return model->tokenize(text, ids);
  detail::PreTokenizedText words;
  words.words.push_back(std::move(text));
  words.first_starts_text = starts_text;
  pre_tokenizer->pre_tokenize(words);
  for (const std::string& word : words.words) model->tokenize(word, ids);
}

namespace {

// Appends the id of each added token `matcher` finds in `text`, and hands the
// text between them, with its offset in `text`, to `encode_between`.
template <typename EncodeBetween>
void encode_around_added_tokens(const std::optional<detail::AddedTokenMatcher>& matcher,
                                std::string_view text, std::vector<TokenId>& ids,
                                EncodeBetween&& encode_between) {
  if (!matcher) return encode_between(text, 0);
  std::vector<detail::TextSegment> segments;
  matcher->split(text, segments);
  for (const detail::TextSegment& segment : segments) {
    if (segment.token) {
      ids.push_back(*segment.token);
    } else {
      encode_between(text.substr(segment.begin, segment.end - segment.begin), segment.begin);
    }
  }
}

}  // namespace

void HFTokenizer::Impl::encode_normalized(const std::string& text, bool starts_text,
                                          std::vector<TokenId>& ids) const {
  encode_around_added_tokens(normalized_matcher, text, ids,
                             [&](std::string_view between, size_t offset) {
                               encode_words(std::string(between), starts_text && offset == 0, ids);
                             });
}

void HFTokenizer::Impl::encode_raw(std::string_view text, std::vector<TokenId>& ids) const {
  encode_around_added_tokens(raw_matcher, text, ids, [&](std::string_view between, size_t offset) {
    if (between.empty()) return;
    encode_normalized(normalizer ? normalizer->normalize(between) : std::string(between),
                      offset == 0, ids);
  });
}

const std::string* HFTokenizer::Impl::piece(TokenId id) const {
  auto added = added_index_by_id.find(id);
  if (added != added_index_by_id.end()) return &added_tokens[added->second].content;
  if (id > UINT32_MAX) return nullptr;
  return model->id_to_token(static_cast<uint32_t>(id));
}

// The post-processor template (e.g. "<|begin_of_text|> $A") is deliberately
// not applied here: the runner asks for BOS/EOS through num_bos/num_eos.
Result<std::vector<TokenId>> HFTokenizer::encode(std::string_view text, size_t num_bos,
                                                 size_t num_eos) const {
  if (num_bos > 0 && !impl_->special.bos) {
    return Error(ErrorCode::InvalidArgument, "BOS requested but the tokenizer has no BOS token");
  }
  if (num_eos > 0 && impl_->special.eos.empty()) {
    return Error(ErrorCode::InvalidArgument, "EOS requested but the tokenizer has no EOS token");
  }
  std::string repaired = utf8_lossy(text);
  std::vector<TokenId> ids(num_bos, impl_->special.bos.value_or(0));
  ids.reserve(text.size() / 3 + num_bos + num_eos);
  impl_->encode_raw(repaired, ids);
  ids.insert(ids.end(), num_eos, num_eos > 0 ? impl_->special.eos.front() : 0);
  return ids;
}

Result<std::string> HFTokenizer::Impl::decode_piece(TokenId id, bool starts_text) const {
  const std::string* token = piece(id);
  if (token == nullptr) {
    return Error(ErrorCode::InvalidArgument, "token id " + std::to_string(id) +
                                                 " is not in the vocabulary (size " +
                                                 std::to_string(vocab_size) + ")");
  }
  std::string bytes;
  decoder.decode(*token, starts_text, bytes);
  return bytes;
}

Result<std::string> HFTokenizer::decode_token(TokenId prev, TokenId token) const {
  // kNoPreviousToken, like any id outside the vocabulary, means "nothing before".
  return impl_->decode_piece(token, prev >= impl_->vocab_size);
}

Result<std::string> HFTokenizer::decode(const std::vector<TokenId>& ids,
                                        bool skip_special_tokens) const {
  std::string bytes;
  bool starts_text = true;
  for (TokenId id : ids) {
    if (skip_special_tokens && is_special(id)) continue;
    ET_LLM_ASSIGN_OR_RETURN(std::string piece, impl_->decode_piece(id, starts_text));
    bytes += piece;
    starts_text = false;
  }
  return utf8_lossy(bytes);
}

Result<std::string> HFTokenizer::id_to_piece(TokenId id) const {
  const std::string* piece = impl_->piece(id);
  if (piece == nullptr) {
    return Error(ErrorCode::InvalidArgument,
                 "token id " + std::to_string(id) + " is not in the vocabulary");
  }
  return *piece;
}

std::optional<TokenId> HFTokenizer::piece_to_id(std::string_view piece) const {
  auto added = impl_->added_id_by_content.find(std::string(piece));
  if (added != impl_->added_id_by_content.end()) return added->second;
  if (auto id = impl_->model->token_to_id(piece)) return TokenId{*id};
  return std::nullopt;
}

bool HFTokenizer::is_special(TokenId id) const {
  auto added = impl_->added_index_by_id.find(id);
  return added != impl_->added_index_by_id.end() && impl_->added_tokens[added->second].special;
}

std::optional<TokenId> HFTokenizer::bos_id() const { return impl_->special.bos; }
std::vector<TokenId> HFTokenizer::eos_ids() const { return impl_->special.eos; }
size_t HFTokenizer::vocab_size() const { return impl_->vocab_size; }

}  // namespace et_llm
