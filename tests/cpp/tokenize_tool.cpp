// tokenize_tool: encodes texts with et_llm::HFTokenizer and prints a JSON line
// {"bos": ..., "eos": [...], "vocab_size": N}, then per text one JSON line
// {"ids": [...], "decoded": "...", "decoded_skip_special": "...", "stream_matches": true}.
// check_against_hf.py compares that output with HF tokenizers.
//
//   tokenize_tool TOKENIZER TEXTS            TEXTS: one text per line
//   tokenize_tool TOKENIZER TEXTS --json     TEXTS: a JSON array of strings
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

// Decodes token by token through a stream decoder, as a runner would.
std::string stream_decode(const et_llm::Tokenizer& tokenizer,
                          const std::vector<et_llm::TokenId>& ids) {
  et_llm::Utf8StreamDecoder decoder;
  std::string text;
  et_llm::TokenId prev = tokenizer.bos_id().value_or(~et_llm::TokenId{0});
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TOKENIZER TEXTS [--json] [--bench SECONDS]\n", argv[0]);
    return 2;
  }
  bool as_json = false;
  double bench_seconds = 0;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) as_json = true;
    if (std::strcmp(argv[i], "--bench") == 0 && i + 1 < argc) bench_seconds = std::atof(argv[++i]);
  }
  auto tokenizer = et_llm::HFTokenizer::load(argv[1]);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "%s\n", tokenizer.error().to_string().c_str());
    return 1;
  }
  std::vector<std::string> texts;
  if (!read_texts(argv[2], as_json, texts)) {
    std::fprintf(stderr, "cannot read texts from %s\n", argv[2]);
    return 1;
  }
  if (bench_seconds > 0) return bench(**tokenizer, texts, bench_seconds);

  const et_llm::Tokenizer& tok = **tokenizer;
  nlohmann::json info = {
      {"bos", nullptr}, {"eos", tok.eos_ids()}, {"vocab_size", tok.vocab_size()}};
  if (tok.bos_id()) info["bos"] = *tok.bos_id();
  std::cout << info.dump() << '\n';
  for (const std::string& text : texts) {
    auto ids = (*tokenizer)->encode(text);
    if (!ids.ok()) {
      std::fprintf(stderr, "%s\n", ids.error().to_string().c_str());
      return 1;
    }
    auto decoded = (*tokenizer)->decode(*ids);
    auto decoded_skip = (*tokenizer)->decode(*ids, /*skip_special_tokens=*/true);
    if (!decoded.ok() || !decoded_skip.ok()) {
      std::fprintf(stderr, "decode failed\n");
      return 1;
    }
    nlohmann::json line = {{"ids", *ids},
                           {"decoded", *decoded},
                           {"decoded_skip_special", *decoded_skip},
                           {"stream_matches", stream_decode(**tokenizer, *ids) == *decoded}};
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return 0;
}
