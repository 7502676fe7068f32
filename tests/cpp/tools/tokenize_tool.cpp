// tokenize_tool: encodes texts with et_llm::HFTokenizer and prints a JSON line
// {"bos": ..., "eos": [...], "vocab_size": N}, then per text one JSON line
// {"ids": [...], "decoded": "...", "decoded_skip_special": "...", "stream_matches": true}
// ("stream_matches": decode_token pieces from kNoPreviousToken, through a
// Utf8StreamDecoder, add up to "decoded"). check_against_hf.py compares that
// output with HF tokenizers.
//
//   tokenize_tool TOKENIZER TEXTS            TEXTS: one text per line
//   tokenize_tool TOKENIZER TEXTS --json     TEXTS: a JSON array of strings
//   tokenize_tool TOKENIZER IDS --decode-ids IDS: a JSON array of id arrays,
//                                            decoded instead of encoded texts
//   tokenize_tool TOKENIZER TEXTS --json --bench SECONDS
//                                            prints encode throughput in MB/s
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "et_llm/hf_tokenizer.h"

namespace {

bool read_texts(const char* path, bool as_json, std::vector<std::string>& texts) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::stringstream contents;
  contents << file.rdbuf();
  if (as_json) {
    nlohmann::json json = nlohmann::json::parse(contents.str(), nullptr, false);
    if (json.is_discarded() || !json.is_array()) return false;
    for (const auto& text : json) texts.push_back(text.get<std::string>());
    return true;
  }
  std::string line;
  while (std::getline(contents, line)) texts.push_back(line);
  return true;
}

// Decodes token by token through a stream decoder, as a runner would, from
// the start of a text.
std::string stream_decode(const et_llm::Tokenizer& tokenizer,
                          const std::vector<et_llm::TokenId>& ids) {
  et_llm::Utf8StreamDecoder decoder;
  std::string text;
  et_llm::TokenId prev = et_llm::kNoPreviousToken;
  for (et_llm::TokenId id : ids) {
    text += decoder.push(tokenizer.decode_token(prev, id).get());
    prev = id;
  }
  return text + decoder.flush();
}

int bench(const et_llm::Tokenizer& tokenizer, const std::vector<std::string>& texts,
          double seconds) {
  size_t bytes = 0, tokens = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (const std::string& text : texts) {
      auto ids = tokenizer.encode(text);
      bytes += text.size();
      tokens += ids->size();
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("{\"mb_per_s\": %.3f, \"tokens_per_s\": %.0f}\n", bytes / elapsed / 1e6,
              tokens / elapsed);
  return 0;
}

// The JSON line of one id sequence.
et_llm::Result<nlohmann::json> describe(const et_llm::Tokenizer& tokenizer,
                                        const std::vector<et_llm::TokenId>& ids) {
  ET_LLM_ASSIGN_OR_RETURN(std::string decoded, tokenizer.decode(ids));
  ET_LLM_ASSIGN_OR_RETURN(std::string decoded_skip, tokenizer.decode(ids, true));
  return nlohmann::json{{"ids", ids},
                        {"decoded", decoded},
                        {"decoded_skip_special", decoded_skip},
                        {"stream_matches", stream_decode(tokenizer, ids) == decoded}};
}

bool read_id_lists(const char* path, std::vector<std::vector<et_llm::TokenId>>& lists) {
  std::ifstream file(path, std::ios::binary);
  nlohmann::json json = nlohmann::json::parse(file, nullptr, false);
  if (json.is_discarded() || !json.is_array()) return false;
  for (const auto& ids : json) lists.push_back(ids.get<std::vector<et_llm::TokenId>>());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TOKENIZER TEXTS [--json] [--decode-ids] [--bench SECONDS]\n",
                 argv[0]);
    return 2;
  }
  bool as_json = false;
  bool decode_ids = false;
  double bench_seconds = 0;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) as_json = true;
    if (std::strcmp(argv[i], "--decode-ids") == 0) decode_ids = true;
    if (std::strcmp(argv[i], "--bench") == 0 && i + 1 < argc) bench_seconds = std::atof(argv[++i]);
  }
  auto loaded = et_llm::HFTokenizer::load(argv[1]);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.error().to_string().c_str());
    return 1;
  }
  const et_llm::Tokenizer& tokenizer = **loaded;

  std::vector<std::vector<et_llm::TokenId>> id_lists;
  std::vector<std::string> texts;
  if (decode_ids ? !read_id_lists(argv[2], id_lists) : !read_texts(argv[2], as_json, texts)) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  if (bench_seconds > 0) return bench(tokenizer, texts, bench_seconds);
  for (const std::string& text : texts) {
    auto ids = tokenizer.encode(text);
    if (!ids.ok()) {
      std::fprintf(stderr, "%s\n", ids.error().to_string().c_str());
      return 1;
    }
    id_lists.push_back(std::move(ids).get());
  }

  nlohmann::json info = {
      {"bos", nullptr}, {"eos", tokenizer.eos_ids()}, {"vocab_size", tokenizer.vocab_size()}};
  if (tokenizer.bos_id()) info["bos"] = *tokenizer.bos_id();
  std::cout << info.dump() << '\n';
  for (const auto& ids : id_lists) {
    auto line = describe(tokenizer, ids);
    if (!line.ok()) {
      std::fprintf(stderr, "%s\n", line.error().to_string().c_str());
      return 1;
    }
    std::cout << line->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return 0;
}
