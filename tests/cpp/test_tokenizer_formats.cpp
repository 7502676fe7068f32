// tiktoken and llama2.c tokenizers on small hand-made vocabularies whose
// merges can be worked out by hand, and load_tokenizer's format detection.
// (The comparisons with the reference libraries are in
// tests/python/test_tokenizer_formats.py.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "et_llm/llama2c_tokenizer.h"
#include "et_llm/tiktoken_tokenizer.h"
#include "et_llm/tokenizer_loader.h"

namespace {

using et_llm::ErrorCode;
using et_llm::TokenId;
namespace fs = std::filesystem;

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint8_t(bytes[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Every byte (rank = byte value, listed last to first), then "ab" 256,
// "abc" 257, " ab" 258, "  " 259.
std::string tiny_tiktoken() {
  std::string text;
  const std::vector<std::pair<std::string, int>> merges = {
      {"ab", 256}, {"abc", 257}, {" ab", 258}, {"  ", 259}};
  for (const auto& [token, rank] : merges)
    text += base64(token) + " " + std::to_string(rank) + "\r\n";
  text += "\n";
  for (int b = 255; b >= 0; --b)
    text += base64(std::string(1, char(b))) + " " + std::to_string(b) + "\n";
  return text;
}

TEST(Tiktoken, MergesByRank) {
  auto tok = et_llm::TiktokenTokenizer::parse(tiny_tiktoken());
  ASSERT_TRUE(tok.ok()) << tok.error().to_string();
  // "abcab": ab+c+a+b -> ab+c+ab -> abc+ab (the lowest rank first, leftmost on ties).
  EXPECT_EQ(*(*tok)->encode("abcab"), (std::vector<TokenId>{257, 256}));
  // Llama 3's pattern keeps " ab" together; "   " splits as "  " + " ".
  EXPECT_EQ(*(*tok)->encode(" ab"), (std::vector<TokenId>{258}));
  EXPECT_EQ(*(*tok)->encode("x   ab"), (std::vector<TokenId>{'x', 259, 258}));
  EXPECT_EQ((*tok)->vocab_size(), 260u + 256u);
}

TEST(Tiktoken, SpecialTokensAndBytes) {
  auto tok = et_llm::TiktokenTokenizer::parse(tiny_tiktoken());
  ASSERT_TRUE(tok.ok());
  const TokenId bos = 260;  // Llama 3's specials follow the 260 ranks
  EXPECT_EQ((*tok)->bos_id(), bos);
  EXPECT_EQ((*tok)->eos_ids(), std::vector<TokenId>{bos + 1});
  EXPECT_EQ(*(*tok)->encode("<|begin_of_text|>ab<|eot_id|>"),
            (std::vector<TokenId>{bos, 256, bos + 9}));
  EXPECT_EQ(*(*tok)->encode("ab", 1, 2), (std::vector<TokenId>{bos, 256, bos + 1, bos + 1}));
  EXPECT_TRUE((*tok)->is_special(bos + 255));
  EXPECT_FALSE((*tok)->is_special(bos + 256));
  // Byte tokens decode to single bytes, even halves of a character.
  EXPECT_EQ(*(*tok)->decode_token(0, 0xE4), "\xE4");
  EXPECT_EQ(*(*tok)->decode({0xE4, 0xBD, 0xA0}), "\xE4\xBD\xA0");
  EXPECT_EQ(*(*tok)->decode({bos, 256}), "<|begin_of_text|>ab");
  EXPECT_EQ(*(*tok)->id_to_piece(258),
            "\xC4\xA0"
            "ab");  // "Ġab"
  EXPECT_EQ((*tok)->piece_to_id("\xC4\xA0"
                                "ab"),
            TokenId{258});
  // Invalid UTF-8 is replaced with U+FFFD (bytes EF BF BD) before encoding.
  EXPECT_EQ(*(*tok)->encode("\xFF"), (std::vector<TokenId>{0xEF, 0xBF, 0xBD}));
  EXPECT_EQ((*tok)->decode_token(0, 999).error().code(), ErrorCode::InvalidArgument);
}

TEST(Tiktoken, GivenSpecialTokensAndPattern) {
  et_llm::TiktokenOptions options;
  options.special_tokens = std::vector<std::string>{"<eos>", "<bos>"};
  options.bos_token_index = 1;
  options.eos_token_index = 0;
  options.pattern = "[a-z]+|[^a-z]+";
  auto tok = et_llm::TiktokenTokenizer::parse(tiny_tiktoken(), options);
  ASSERT_TRUE(tok.ok()) << tok.error().to_string();
  EXPECT_EQ((*tok)->bos_id(), TokenId{261});
  EXPECT_EQ((*tok)->eos_ids(), std::vector<TokenId>{260});
  // The pattern splits " ab" into " " and "ab".
  EXPECT_EQ(*(*tok)->encode("<bos> ab<eos>"), (std::vector<TokenId>{261, ' ', 256, 260}));
  EXPECT_EQ((*(*tok)->encode("<|begin_of_text|>")).front(), TokenId{'<'});
}

TEST(Tiktoken, BadFiles) {
  auto bad_line = et_llm::TiktokenTokenizer::parse("YQ== 0\nnot-base64! 1\n", {}, "t.tiktoken");
  ASSERT_FALSE(bad_line.ok());
  EXPECT_EQ(bad_line.error().code(), ErrorCode::InvalidTokenizer);
  EXPECT_NE(bad_line.error().message().find("t.tiktoken line 2"), std::string::npos);
  auto repeated_rank = et_llm::TiktokenTokenizer::parse("YQ== 0\nYg== 0\n");
  ASSERT_FALSE(repeated_rank.ok());
  EXPECT_NE(repeated_rank.error().message().find("rank 0 appears twice"), std::string::npos);
  auto repeated_token = et_llm::TiktokenTokenizer::parse("YQ== 0\nYQ== 1\n");
  EXPECT_FALSE(repeated_token.ok());
  et_llm::TiktokenOptions options;
  options.special_tokens = std::vector<std::string>{"<only>"};
  auto bad_index = et_llm::TiktokenTokenizer::parse(tiny_tiktoken(), options);
  ASSERT_FALSE(bad_index.ok());
  EXPECT_EQ(bad_index.error().code(), ErrorCode::InvalidArgument);
  // A byte without a rank cannot be encoded.
  auto partial = et_llm::TiktokenTokenizer::parse("YQ== 0\n");
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE((*partial)->encode("b").ok());
}

// A llama2.c vocabulary: <unk> <s> </s>, the 256 byte tokens, then pieces.
struct Piece {
  std::string text;
  float score;
};

std::vector<Piece> tiny_llama2c_vocab() {
  std::vector<Piece> vocab = {{"<unk>", 0}, {"\n<s>\n", 0}, {"\n</s>\n", 0}};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    vocab.push_back({name, 0});
  }
  // ids 259..
  for (const Piece& p : std::vector<Piece>{{" ", -1},
                                           {"a", -2},
                                           {"b", -3},
                                           {" a", -4},
                                           {"ab", -5},
                                           {" ab", -6},
                                           {"c", -7},
                                           {"ca", -4}}) {
    vocab.push_back(p);
  }
  return vocab;
}
constexpr TokenId kSpace = 259, kA = 260, kB = 261, kSpaceA = 262, kAB = 263, kSpaceAB = 264,
                  kC = 265, kCA = 266;

std::string serialize(const std::vector<Piece>& vocab, bool with_header) {
  std::string out;
  auto put_u32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  size_t max_length = 0;
  for (const Piece& p : vocab) max_length = std::max(max_length, p.text.size());
  if (with_header) {
    put_u32(uint32_t(vocab.size()));
    put_u32(1);
    put_u32(2);
  }
  put_u32(uint32_t(max_length));
  for (const Piece& p : vocab) {
    out.append(reinterpret_cast<const char*>(&p.score), 4);
    put_u32(uint32_t(p.text.size()));
    out += p.text;
  }
  return out;
}

TEST(Llama2c, BothLayoutsMergeByScore) {
  for (bool with_header : {false, true}) {
    auto tok = et_llm::Llama2cTokenizer::parse(serialize(tiny_llama2c_vocab(), with_header));
    ASSERT_TRUE(tok.ok()) << tok.error().to_string();
    EXPECT_EQ((*tok)->vocab_size(), 267u);
    EXPECT_EQ((*tok)->bos_id(), TokenId{1});
    // " "+"a"+"b": " a" (-4) beats "ab" (-5), then " ab" (-6).
    EXPECT_EQ(*(*tok)->encode("ab"), std::vector<TokenId>{kSpaceAB});
    // " "+"c"+"a": "ca" (-4) is the only merge; " ca" is not a piece.
    EXPECT_EQ(*(*tok)->encode("ca"), (std::vector<TokenId>{kSpace, kCA}));
    // " "+"a"+"c"+"a": " a" and "ca" tie at -4: the leftmost merges first.
    EXPECT_EQ(*(*tok)->encode("aca"), (std::vector<TokenId>{kSpaceA, kCA}));
    // Characters without a piece become byte tokens (byte + 3).
    EXPECT_EQ(*(*tok)->encode("\xC3\xA9"), (std::vector<TokenId>{kSpace, 0xC3 + 3, 0xA9 + 3}));
    EXPECT_EQ(*(*tok)->encode("b", 1, 1), (std::vector<TokenId>{1, kSpace, kB, 2}));
    EXPECT_TRUE((*tok)->encode("")->empty());
  }
}

TEST(Llama2c, DecodeDropsTheDummySpaceAtTheStart) {
  auto tok = et_llm::Llama2cTokenizer::parse(serialize(tiny_llama2c_vocab(), true));
  ASSERT_TRUE(tok.ok());
  EXPECT_EQ(*(*tok)->decode_token(1, kSpaceAB), "ab");
  EXPECT_EQ(*(*tok)->decode_token(kA, kSpaceAB), " ab");
  EXPECT_EQ(*(*tok)->decode_token(kA, 0xC3 + 3), "\xC3");
  EXPECT_EQ(*(*tok)->decode_token(kA, 1), "");
  EXPECT_EQ(*(*tok)->decode({kSpaceAB, kSpaceA, kC}), "ab ac");
  EXPECT_EQ(*(*tok)->id_to_piece(kSpaceAB), " ab");
  EXPECT_EQ((*tok)->piece_to_id(" ab"), kSpaceAB);
  EXPECT_FLOAT_EQ((*tok)->score(kCA), -4.0f);
  EXPECT_EQ((*tok)->decode_token(0, 267).error().code(), ErrorCode::InvalidArgument);
}

TEST(Llama2c, BadFilesSayWhyForBothLayouts) {
  std::string file = serialize(tiny_llama2c_vocab(), false);
  file.resize(file.size() - 1);
  auto tok = et_llm::Llama2cTokenizer::parse(file, "t.bin");
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.error().code(), ErrorCode::InvalidTokenizer);
  EXPECT_NE(tok.error().message().find("pytorch-tokenizers' layout"), std::string::npos);
  EXPECT_NE(tok.error().message().find("llama2.c's layout: entry 266"), std::string::npos);
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("et_llm_formats_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& contents) const {
    std::ofstream(path_ / name, std::ios::binary) << contents;
    return (path_ / name).string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(LoadTokenizer, DetectsTheFormatFromTheContent) {
  TempDir dir;
  auto tiktoken = et_llm::load_tokenizer(dir.write("tokenizer.model", tiny_tiktoken()));
  ASSERT_TRUE(tiktoken.ok()) << tiktoken.error().to_string();
  EXPECT_EQ(*(*tiktoken)->encode("abcab"), (std::vector<TokenId>{257, 256}));
  auto llama2c =
      et_llm::load_tokenizer(dir.write("vocab.json", serialize(tiny_llama2c_vocab(), false)));
  ASSERT_TRUE(llama2c.ok()) << llama2c.error().to_string();
  EXPECT_EQ(*(*llama2c)->encode("ab"), std::vector<TokenId>{kSpaceAB});
}

TEST(LoadTokenizer, ModelDirectory) {
  TempDir dir;
  auto empty = et_llm::load_tokenizer(dir.path());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::NotFound);
  dir.write("model.pte", "ignored");
  dir.write("cl100k.tiktoken", tiny_tiktoken());
  auto tok = et_llm::load_tokenizer(dir.path());
  ASSERT_TRUE(tok.ok()) << tok.error().to_string();
  EXPECT_EQ((*tok)->vocab_size(), 516u);
  // tokenizer.bin comes before *.tiktoken.
  dir.write("tokenizer.bin", serialize(tiny_llama2c_vocab(), true));
  EXPECT_EQ((*et_llm::load_tokenizer(dir.path()))->vocab_size(), 267u);
}

TEST(LoadTokenizer, FailureListsEveryFormatTried) {
  TempDir dir;
  auto tok = et_llm::load_tokenizer(dir.write("tokenizer.model", "\x0A\x03not a model at all"));
  ASSERT_FALSE(tok.ok());
  const std::string message = tok.error().message();
  for (const char* format : {"Hugging Face tokenizer.json: does not start with '{'",
                             "SentencePiece: ", "tiktoken: first line is not", "llama2.c: "}) {
    EXPECT_NE(message.find(format), std::string::npos) << message;
  }
  EXPECT_EQ(et_llm::load_tokenizer(dir.path() + "/missing").error().code(), ErrorCode::NotFound);
  EXPECT_EQ(et_llm::load_tokenizer("").error().code(), ErrorCode::InvalidArgument);
}

}  // namespace
