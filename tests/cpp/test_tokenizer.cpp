// Tests of the UTF-8 helpers and of HFTokenizer on small tokenizer.json files
// written by the tests themselves.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/hf_tokenizer.h"
#include "et_llm/tokenizer.h"

namespace et_llm {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

TEST(Error, ToStringNamesTheCode) {
  EXPECT_EQ(Error(ErrorCode::InvalidArgument, "temperature must be >= 0").to_string(),
            "InvalidArgument: temperature must be >= 0");
  EXPECT_EQ(Error().to_string(), "Ok");
  EXPECT_STREQ(error_code_name(ErrorCode::InvalidTokenizer), "InvalidTokenizer");
  EXPECT_STREQ(error_code_name(ErrorCode::CallbackFailed), "CallbackFailed");
}

TEST(Utf8Lossy, KeepsValidText) {
  const std::string text = "ascii, é, 中文, 😀, \x7F";
  EXPECT_EQ(utf8_lossy(text), text);
  EXPECT_EQ(utf8_lossy(""), "");
}

TEST(Utf8Lossy, ReplacesMaximalSubparts) {
  EXPECT_EQ(utf8_lossy("\xC3"), kReplacement);
  EXPECT_EQ(utf8_lossy("a\xE2\x82z"), "a" + kReplacement + "z");  // truncated 3-byte
  EXPECT_EQ(utf8_lossy("\xF0\x9F\x98"
                       "A"),
            kReplacement + "A");                                       // truncated 4-byte
  EXPECT_EQ(utf8_lossy("\xED\xA0\x80"), repeat(kReplacement, 3));      // surrogate
  EXPECT_EQ(utf8_lossy("\xC0\xAF"), repeat(kReplacement, 2));          // overlong
  EXPECT_EQ(utf8_lossy("\xF4\x90\x80\x80"), repeat(kReplacement, 4));  // past U+10FFFF
  EXPECT_EQ(utf8_lossy("\x80\xBF"), repeat(kReplacement, 2));          // lone continuations
  EXPECT_EQ(utf8_lossy("\xFF"
                       "b"),
            kReplacement + "b");
  EXPECT_EQ(utf8_lossy("\xE0\xA0"), kReplacement);  // one subpart, not two
}

// Random bytes that are often, but not always, parts of real characters.
std::string random_bytes(std::mt19937& rng, size_t count) {
  static const std::vector<std::string> pieces = {"a",
                                                  " ",
                                                  "é",
                                                  "中",
                                                  "😀",
                                                  "\xC3",
                                                  "\xE4\xB8",
                                                  "\xF0\x9F",
                                                  "\xF0\x9F\x98",
                                                  "\x80",
                                                  "\xBF",
                                                  "\xFF",
                                                  "\xED\xA0\x80",
                                                  "\xF4\x90",
                                                  "\xC0"};
  std::string out;
  while (out.size() < count) {
    if (rng() % 4 == 0) {
      out.push_back(static_cast<char>(rng() % 256));
    } else {
      out += pieces[rng() % pieces.size()];
    }
  }
  return out;
}

TEST(Utf8StreamDecoder, AnySplitGivesTheLossyWhole) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::string bytes = random_bytes(rng, 1 + rng() % 40);
    Utf8StreamDecoder decoder;
    std::string streamed;
    for (size_t pos = 0; pos < bytes.size();) {
      const size_t length = std::min<size_t>(bytes.size() - pos, rng() % 5);
      const std::string out = decoder.push(bytes.substr(pos, length));
      EXPECT_EQ(utf8_lossy(out), out) << "push emitted invalid UTF-8";
      streamed += out;
      pos += length;
    }
    streamed += decoder.flush();
    EXPECT_FALSE(decoder.has_pending());
    ASSERT_EQ(streamed, utf8_lossy(bytes)) << "trial " << trial;
  }
}

TEST(Utf8StreamDecoder, HoldsBackIncompleteCharacters) {
  Utf8StreamDecoder decoder;
  EXPECT_EQ(decoder.push("a\xF0\x9F"), "a");
  EXPECT_TRUE(decoder.has_pending());
  EXPECT_EQ(decoder.push("\x98"), "");
  EXPECT_EQ(decoder.push("\x80!"), "😀!");
  EXPECT_EQ(decoder.push("\xE4\xB8"), "");
  EXPECT_EQ(decoder.flush(), kReplacement);
  decoder.push("\xC3");
  decoder.reset();
  EXPECT_EQ(decoder.flush(), "");
}

// A byte-level BPE over the characters of "hello world" and "é" (bytes C3 A9,
// spelled "Ã©"), with one special and one plain added token.
constexpr const char* kTokenizerJson = R"({
  "version": "1.0",
  "added_tokens": [
    {"id": 20, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
     "rstrip": false, "normalized": false, "special": true},
    {"id": 21, "content": "<|im_end|>", "single_word": false, "lstrip": false,
     "rstrip": false, "normalized": false, "special": true},
    {"id": 22, "content": "<|begin|>", "single_word": false, "lstrip": false,
     "rstrip": false, "normalized": false, "special": true},
    {"id": 23, "content": "[tool]", "single_word": false, "lstrip": false,
     "rstrip": false, "normalized": false, "special": false}
  ],
  "normalizer": null,
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true,
                    "use_regex": true},
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<|begin|>", "type_id": 0}},
               {"Sequence": {"id": "A", "type_id": 0}}],
    "pair": [], "special_tokens": {"<|begin|>": {"id": "<|begin|>", "ids": [22],
                                                 "tokens": ["<|begin|>"]}}},
  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true,
              "use_regex": true},
  "model": {"type": "BPE", "dropout": null, "unk_token": null,
    "continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": false,
    "byte_fallback": false, "ignore_merges": false,
    "vocab": {"h": 0, "e": 1, "l": 2, "o": 3, "w": 4, "r": 5, "d": 6, "Ġ": 7, "Ã": 8, "©": 9,
              "he": 10, "ll": 11, "hell": 12, "hello": 13, "Ġw": 14, "or": 15, "Ġwor": 16,
              "Ġworld": 17, "Ã©": 18},
    "merges": [["h", "e"], ["l", "l"], ["he", "ll"], ["hell", "o"], ["Ġ", "w"], ["o", "r"],
               ["Ġw", "or"], "Ġwor ld_missing", ["Ã", "©"]]}
})";

class HFTokenizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() /
        ("et_llm_tok_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  void write(const std::string& name, const std::string& contents) {
    std::ofstream(directory_ / name, std::ios::binary) << contents;
  }

  // The test tokenizer with the one merge that names a missing token removed.
  std::string valid_json() const {
    std::string json = kTokenizerJson;
    const std::string bad = "\"Ġwor ld_missing\", ";
    json.erase(json.find(bad), bad.size());
    return json;
  }

  std::unique_ptr<HFTokenizer> load_valid() {
    write("tokenizer.json", valid_json());
    auto tokenizer = HFTokenizer::load(directory_.string());
    EXPECT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
    return tokenizer.ok() ? std::move(tokenizer).get() : nullptr;
  }

  std::filesystem::path directory_;
};

TEST_F(HFTokenizerTest, EncodesWordsAndAddedTokens) {
  auto tokenizer = load_valid();
  ASSERT_NE(tokenizer, nullptr);
  auto ids = tokenizer->encode("hello world<|endoftext|>hello[tool]");
  ASSERT_TRUE(ids.ok()) << ids.error().to_string();
  // " world" has no "ld" merge: Ġwor + l + d.
  EXPECT_EQ(*ids, (std::vector<TokenId>{13, 16, 2, 6, 20, 13, 23}));
  EXPECT_EQ(tokenizer->vocab_size(), 24u);
  EXPECT_TRUE(tokenizer->is_special(20));
  EXPECT_FALSE(tokenizer->is_special(23));
  EXPECT_FALSE(tokenizer->is_special(13));
}

TEST_F(HFTokenizerTest, DecodesBytesAndAddedTokens) {
  auto tokenizer = load_valid();
  ASSERT_NE(tokenizer, nullptr);
  auto ids = tokenizer->encode("hello é<|im_end|>");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*tokenizer->decode(*ids), "hello é<|im_end|>");
  EXPECT_EQ(*tokenizer->decode(*ids, /*skip_special_tokens=*/true), "hello é");
  // A token that is half a character decodes to that raw byte.
  EXPECT_EQ(*tokenizer->decode_token(0, 8), "\xC3");
  EXPECT_EQ(*tokenizer->decode({8}), kReplacement);
  EXPECT_EQ(*tokenizer->decode_token(0, 7), " ");
  EXPECT_EQ(*tokenizer->id_to_piece(14), "Ġw");
  EXPECT_EQ(tokenizer->piece_to_id("Ġworld"), TokenId{17});
  EXPECT_EQ(tokenizer->piece_to_id("<|im_end|>"), TokenId{21});
  EXPECT_FALSE(tokenizer->piece_to_id("nope").has_value());
}

TEST_F(HFTokenizerTest, UnknownIdIsInvalidArgument) {
  auto tokenizer = load_valid();
  ASSERT_NE(tokenizer, nullptr);
  EXPECT_EQ(tokenizer->decode_token(0, 19).error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(tokenizer->decode_token(0, 1u << 31).error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(tokenizer->decode({13, 999}).error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(tokenizer->id_to_piece(999).error().code(), ErrorCode::InvalidArgument);
}

TEST_F(HFTokenizerTest, BosFromTemplateAndEosFromConventionalNames) {
  auto tokenizer = load_valid();
  ASSERT_NE(tokenizer, nullptr);
  EXPECT_EQ(tokenizer->bos_id(), TokenId{22});
  EXPECT_EQ(tokenizer->eos_ids(), (std::vector<TokenId>{20, 21}));
  auto ids = tokenizer->encode("hello", 2, 1);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<TokenId>{22, 22, 13, 20}));
}

TEST_F(HFTokenizerTest, BosAndEosFromConfigFiles) {
  write(
      "tokenizer_config.json",
      R"({"bos_token": {"content": "<|endoftext|>", "lstrip": false}, "eos_token": "<|im_end|>"})");
  write("generation_config.json", R"({"eos_token_id": [21, 20]})");
  auto tokenizer = load_valid();
  ASSERT_NE(tokenizer, nullptr);
  EXPECT_EQ(tokenizer->bos_id(), TokenId{20});
  EXPECT_EQ(tokenizer->eos_ids(), (std::vector<TokenId>{21, 20}));
}

TEST_F(HFTokenizerTest, LoadsFromFilePathToo) {
  write("tokenizer.json", valid_json());
  auto tokenizer = HFTokenizer::load((directory_ / "tokenizer.json").string());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
}

TEST_F(HFTokenizerTest, RepairsInvalidUtf8Input) {
  auto tokenizer = load_valid();
  ASSERT_NE(tokenizer, nullptr);
  // U+FFFD is not in this vocabulary, and byte-level BPE without byte
  // fallback drops what it cannot spell: only "hello" remains.
  auto ids = tokenizer->encode("hello\xFF");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<TokenId>{13}));
}

TEST_F(HFTokenizerTest, ReportsMissingAndBrokenFiles) {
  auto missing = HFTokenizer::load((directory_ / "nope").string());
  EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);
  auto empty_directory = HFTokenizer::load(directory_.string());
  EXPECT_EQ(empty_directory.error().code(), ErrorCode::NotFound);

  write("tokenizer.json", "{not json");
  auto broken = HFTokenizer::load(directory_.string());
  EXPECT_EQ(broken.error().code(), ErrorCode::InvalidTokenizer);
  EXPECT_NE(broken.error().message().find("tokenizer.json"), std::string::npos);

  write("tokenizer.json", kTokenizerJson);  // a merge naming a missing token
  auto bad_merge = HFTokenizer::load(directory_.string());
  EXPECT_EQ(bad_merge.error().code(), ErrorCode::InvalidTokenizer);
  EXPECT_NE(bad_merge.error().message().find("model"), std::string::npos);

  write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": []}})");
  EXPECT_EQ(HFTokenizer::load(directory_.string()).error().code(), ErrorCode::InvalidTokenizer);

  write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": {"a": "zero"}}})");
  EXPECT_EQ(HFTokenizer::load(directory_.string()).error().code(), ErrorCode::InvalidTokenizer);

  write("tokenizer.json", valid_json());
  write("tokenizer_config.json", "[");
  EXPECT_EQ(HFTokenizer::load(directory_.string()).error().code(), ErrorCode::InvalidTokenizer);
}

TEST_F(HFTokenizerTest, NamesUnsupportedComponents) {
  auto expect_not_supported = [&](const std::string& from, const std::string& to,
                                  const std::string& named) {
    std::string json = valid_json();
    json.replace(json.find(from), from.size(), to);
    write("tokenizer.json", json);
    auto result = HFTokenizer::load(directory_.string());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code(), ErrorCode::NotSupported) << result.error().to_string();
    EXPECT_NE(result.error().message().find(named), std::string::npos)
        << result.error().to_string();
  };
  expect_not_supported(R"("type": "BPE")", R"("type": "WordPiece")", "WordPiece");
  expect_not_supported(R"("normalizer": null)",
                       R"("normalizer": {"type": "Precompiled", "precompiled_charsmap": ""})",
                       "normalizer type 'Precompiled'");
  expect_not_supported(R"("type": "ByteLevel", "add_prefix_space": false)",
                       R"("type": "UnicodeScripts", "add_prefix_space": false)",
                       "pre_tokenizer type 'UnicodeScripts'");
  expect_not_supported(R"("decoder": {"type": "ByteLevel")", R"("decoder": {"type": "WordPiece")",
                       "decoder type 'WordPiece'");
  expect_not_supported(R"("decoder": {"type": "ByteLevel", "add_prefix_space": true,)",
                       R"("decoder": {"type": "Sequence", "decoders": [{"type": "Fuse"},
                          {"type": "Strip", "content": " ", "start": 0, "stop": 1}]},
                          "unused": {)",
                       "Strip with stop > 0 after Fuse");
  expect_not_supported(R"("post_processor": {"type": "TemplateProcessing")",
                       R"("post_processor": {"type": "Future")", "post_processor type 'Future'");
}

TEST_F(HFTokenizerTest, IgnoreMergesTakesWholeWords) {
  // " world" has no merge path to "Ġworld", but with ignore_merges a word
  // found whole in the vocabulary wins.
  std::string json = valid_json();
  write("tokenizer.json", json);
  auto plain = HFTokenizer::load(directory_.string());
  ASSERT_TRUE(plain.ok()) << plain.error().to_string();
  json.replace(json.find("\"ignore_merges\": false"), 22, "\"ignore_merges\": true");
  write("tokenizer.json", json);
  auto ignoring = HFTokenizer::load(directory_.string());
  ASSERT_TRUE(ignoring.ok()) << ignoring.error().to_string();
  EXPECT_EQ(*(*plain)->encode(" world"), (std::vector<TokenId>{16, 2, 6}));
  EXPECT_EQ(*(*ignoring)->encode(" world"), (std::vector<TokenId>{17}));
}

// A SentencePiece-style tokenizer as Llama 2's tokenizer.json has it: spaces
// become "▁" (with one in front), unknown characters fall back to byte tokens
// or, failing that, to <unk>; the decoder undoes it all and drops the leading
// space of the text.
nlohmann::json sentencepiece_style_json() {
  nlohmann::json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
  for (const char* token :
       {"<0x0A>",   "<0xE4>",     "<0xB8>",      "<0xAD>",  "\u2581", "H",         "e",
        "l",        "o",          "w",           "r",       "d",      "\u2581H",   "ll",
        "\u2581He", "\u2581Hell", "\u2581Hello", "\u2581w", "or",     "\u2581wor", "\u2581world"}) {
    vocab[token] = vocab.size();
  }
  nlohmann::json merges = nlohmann::json::array();
  for (const auto& [left, right] :
       std::vector<std::pair<std::string, std::string>>{{"\u2581", "H"},
                                                        {"l", "l"},
                                                        {"\u2581H", "e"},
                                                        {"\u2581He", "ll"},
                                                        {"\u2581Hell", "o"},
                                                        {"\u2581", "w"},
                                                        {"o", "r"},
                                                        {"\u2581w", "or"}}) {
    merges.push_back(nlohmann::json::array({left, right}));
  }
  nlohmann::json json = {
      {"added_tokens",
       nlohmann::json::array(
           {{{"id", 0}, {"content", "<unk>"}, {"special", true}, {"normalized", false}},
            {{"id", 1}, {"content", "<s>"}, {"special", true}, {"normalized", false}},
            {{"id", 2}, {"content", "</s>"}, {"special", true}, {"normalized", false}}})},
      {"normalizer",
       {{"type", "Sequence"},
        {"normalizers",
         {{{"type", "Prepend"}, {"prepend", "\u2581"}},
          {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}}},
      {"pre_tokenizer", nullptr},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single",
         {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
          {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
        {"pair", nlohmann::json::array()},
        {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
      {"decoder",
       {{"type", "Sequence"},
        {"decoders",
         {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
          {{"type", "ByteFallback"}},
          {{"type", "Fuse"}},
          {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
      {"model",
       {{"type", "BPE"},
        {"unk_token", "<unk>"},
        {"fuse_unk", true},
        {"byte_fallback", true},
        {"vocab", vocab},
        {"merges", merges}}}};
  return json;
}

class SentencePieceStyleTest : public HFTokenizerTest {
 protected:
  std::unique_ptr<HFTokenizer> load(const nlohmann::json& json) {
    write("tokenizer.json", json.dump());
    auto tokenizer = HFTokenizer::load(directory_.string());
    EXPECT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
    return tokenizer.ok() ? std::move(tokenizer).get() : nullptr;
  }
  TokenId id(const HFTokenizer& tokenizer, const std::string& piece) {
    return tokenizer.piece_to_id(piece).value_or(kNoPreviousToken);
  }
};

TEST_F(SentencePieceStyleTest, EncodesWithSpacePrefixByteFallbackAndFusedUnknowns) {
  auto tokenizer = load(sentencepiece_style_json());
  ASSERT_NE(tokenizer, nullptr);
  const TokenId hello = id(*tokenizer, "\u2581Hello");
  const TokenId space = id(*tokenizer, "\u2581");
  EXPECT_EQ(*tokenizer->encode("Hello"), (std::vector<TokenId>{hello}));
  // "中" is not in the vocabulary: its three bytes are. "zzz" has neither, so
  // the three unknown characters fuse into one <unk>.
  EXPECT_EQ(*tokenizer->encode("中"),
            (std::vector<TokenId>{space, id(*tokenizer, "<0xE4>"), id(*tokenizer, "<0xB8>"),
                                  id(*tokenizer, "<0xAD>")}));
  EXPECT_EQ(*tokenizer->encode("zzz"), (std::vector<TokenId>{space, 0}));
  // Each stretch between special tokens gets its own "▁" (Llama 2's legacy way).
  EXPECT_EQ(*tokenizer->encode("<s>Hello</s>"), (std::vector<TokenId>{1, hello, 2}));
  EXPECT_EQ(tokenizer->bos_id(), TokenId{1});
  EXPECT_EQ(tokenizer->eos_ids(), (std::vector<TokenId>{2}));
}

TEST_F(SentencePieceStyleTest, DropsTheLeadingSpaceOnlyAtTheStartOfTheText) {
  auto tokenizer = load(sentencepiece_style_json());
  ASSERT_NE(tokenizer, nullptr);
  const TokenId hello = id(*tokenizer, "\u2581Hello");
  const TokenId world = id(*tokenizer, "\u2581wor");
  EXPECT_EQ(*tokenizer->decode_token(kNoPreviousToken, hello), "Hello");
  EXPECT_EQ(*tokenizer->decode_token(hello, world), " wor");
  EXPECT_EQ(*tokenizer->decode_token(1, hello), " Hello");  // after BOS, as HF
  EXPECT_EQ(*tokenizer->decode({hello, world}), "Hello wor");
  EXPECT_EQ(*tokenizer->decode({1, hello, world}), "<s> Hello wor");
  EXPECT_EQ(*tokenizer->decode({1, hello, world}, /*skip_special_tokens=*/true), "Hello wor");
}

TEST_F(SentencePieceStyleTest, StreamedPiecesAddUpToTheDecode) {
  auto tokenizer = load(sentencepiece_style_json());
  ASSERT_NE(tokenizer, nullptr);
  for (const std::string text : {"Hello world", "中中 Hello\n", " Hello  zz 中", "<s>Hello</s>"}) {
    auto ids = tokenizer->encode(text);
    ASSERT_TRUE(ids.ok());
    Utf8StreamDecoder stream;
    std::string streamed;
    TokenId prev = kNoPreviousToken;
    for (TokenId token : *ids) {
      streamed += stream.push(*tokenizer->decode_token(prev, token));
      prev = token;
    }
    streamed += stream.flush();
    EXPECT_EQ(streamed, *tokenizer->decode(*ids)) << text;
  }
  // A byte-fallback token alone is a raw byte, completed by the next ones.
  EXPECT_EQ(*tokenizer->decode_token(kNoPreviousToken, id(*tokenizer, "<0xE4>")), "\xE4");
}

TEST_F(SentencePieceStyleTest, MetaspacePrependsFirstOnlyAtTheStart) {
  nlohmann::json json = sentencepiece_style_json();
  json["normalizer"] = nullptr;
  json["pre_tokenizer"] = {{"type", "Metaspace"},
                           {"replacement", "\u2581"},
                           {"prepend_scheme", "first"},
                           {"split", false}};
  auto tokenizer = load(json);
  ASSERT_NE(tokenizer, nullptr);
  const TokenId hello = id(*tokenizer, "\u2581Hello");
  EXPECT_EQ(*tokenizer->encode("Hello"), (std::vector<TokenId>{hello}));
  EXPECT_EQ(*tokenizer->encode("<s>Hello"),
            (std::vector<TokenId>{1, id(*tokenizer, "H"), id(*tokenizer, "e"), id(*tokenizer, "ll"),
                                  id(*tokenizer, "o")}));
  EXPECT_EQ(*tokenizer->encode("<s> Hello"), (std::vector<TokenId>{1, hello}));
}

TEST_F(SentencePieceStyleTest, NormalizersAndNoDecoder) {
  // NFKC turns the ligature "ﬁ" into "fi"; Lowercase and Strip follow. With no
  // decoder HF joins the pieces with spaces.
  nlohmann::json json = {
      {"normalizer",
       {{"type", "Sequence"},
        {"normalizers", {{{"type", "NFKC"}}, {{"type", "Lowercase"}}, {{"type", "Strip"}}}}}},
      {"pre_tokenizer", {{"type", "Whitespace"}}},
      {"model",
       {{"type", "BPE"},
        {"vocab", {{"f", 0}, {"i", 1}, {"x", 2}, {"\u00e9", 3}}},
        {"merges", nlohmann::json::array()}}}};
  auto tokenizer = load(json);
  ASSERT_NE(tokenizer, nullptr);
  EXPECT_EQ(*tokenizer->encode("  \uFB01 E\u0301 "), (std::vector<TokenId>{0, 1, 3}));
  EXPECT_EQ(*tokenizer->decode({0, 1, 3}), "f i \u00e9");
  EXPECT_EQ(*tokenizer->decode_token(kNoPreviousToken, 0), "f");
  EXPECT_EQ(*tokenizer->decode_token(0, 1), " i");
}

}  // namespace
}  // namespace et_llm
