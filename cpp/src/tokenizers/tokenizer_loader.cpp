#include "et_llm/tokenizer_loader.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <vector>

#include "et_llm/hf_tokenizer.h"
#include "et_llm/llama2c_tokenizer.h"
#include "et_llm/sentencepiece_tokenizer.h"
#include "tokenizers/file_contents.h"
#include "tokenizers/json_file.h"

namespace et_llm {

namespace {

namespace fs = std::filesystem;

using Loaded = Result<std::unique_ptr<Tokenizer>>;

template <typename T>
Loaded upcast(Result<std::unique_ptr<T>> result) {
  if (!result.ok()) return result.error();
  return std::unique_ptr<Tokenizer>(std::move(result).get());
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

// Why the content cannot be each format, or "" when it may be.
std::string not_json(std::string_view contents) {
  std::string_view rest = contents;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // UTF-8 BOM
  const size_t first = rest.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && rest[first] == '{') return "";
  return "does not start with '{'";
}

std::string not_sentencepiece(std::string_view contents) {
  // A ModelProto starts with its pieces: field 1, wire type 2 (length-delimited).
  if (!contents.empty() && contents[0] == '\x0A') return "";
  return "does not start like a protobuf ModelProto (byte 0x0A)";
}

std::string not_tiktoken(std::string_view contents) {
  const size_t start = contents.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "has no lines";
  size_t end = contents.find('\n', start);
  std::string_view line = contents.substr(start, end == std::string_view::npos ? end : end - start);
  const size_t space = line.find_first_of(" \t");
  const std::string_view token = line.substr(0, space);
  const bool base64 = !token.empty() && std::all_of(token.begin(), token.end(), is_base64_char);
  std::string_view rank = space == std::string_view::npos ? "" : line.substr(space + 1);
  while (!rank.empty() && (rank.back() == '\r' || rank.back() == ' ')) rank.remove_suffix(1);
  while (!rank.empty() && (rank.front() == ' ' || rank.front() == '\t')) rank.remove_prefix(1);
  const bool number = !rank.empty() && std::all_of(rank.begin(), rank.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (base64 && number) return "";
  return "first line is not '<base64> <rank>'";
}

std::string not_llama2c(std::string_view contents) {
  if (contents.size() >= 4) return "";
  return "is shorter than a llama2.c header";
}

struct Format {
  const char* name;
  std::function<std::string(std::string_view)> excluded;
  std::function<Loaded(const std::string& path, std::string_view contents)> load;
};

std::vector<Format> formats(const TiktokenOptions& tiktoken) {
  return {
      {"Hugging Face tokenizer.json", not_json,
       [](const std::string& path, std::string_view) { return upcast(HFTokenizer::load(path)); }},
      {"SentencePiece", not_sentencepiece,
       [](const std::string& path, std::string_view contents) {
         return upcast(SentencePieceTokenizer::parse(contents, path));
       }},
      {"tiktoken", not_tiktoken,
       [tiktoken](const std::string& path, std::string_view contents) {
         return upcast(TiktokenTokenizer::parse(contents, tiktoken, path));
       }},
      {"llama2.c", not_llama2c,
       [](const std::string& path, std::string_view contents) {
         return upcast(Llama2cTokenizer::parse(contents, path));
       }},
  };
}

Loaded load_file(const std::string& path, const TiktokenOptions& tiktoken) {
  ET_LLM_ASSIGN_OR_RETURN(std::string contents, detail::read_file_contents(path));
  ET_LLM_CHECK(!contents.empty(), InvalidTokenizer, "tokenizer file " + path + " is empty");
  std::string tried;
  std::optional<ErrorCode> first_failure;
  for (const Format& format : formats(tiktoken)) {
    std::string why = format.excluded(contents);
    if (why.empty()) {
      Loaded loaded = format.load(path, contents);
      if (loaded.ok()) return loaded;
      if (!first_failure) first_failure = loaded.error().code();
      why = loaded.error().message();
    }
    tried += std::string(tried.empty() ? "" : "; ") + format.name + ": " + why;
  }
  // The error of the format the content looked like, when there was one. The
  // parsers' messages may quote the file's bytes: keep the message UTF-8.
  return Error(first_failure.value_or(ErrorCode::InvalidTokenizer),
               utf8_lossy("Failed to load tokenizer " + path + " (tried " + tried + ")"));
}

// A tokenizer_config.json beside the tokenizer says whether a sequence starts
// with BOS, whatever the format (Gemma's tokenizer.model, Llama 3's tiktoken);
// an unreadable one is left to the formats that need it.
void apply_add_bos_token(const fs::path& config_path, Tokenizer& tokenizer) {
  std::error_code ec;
  if (!fs::is_regular_file(config_path, ec)) return;
  auto config = detail::read_json_file(config_path);
  if (!config.ok() || !config->is_object()) return;
  auto it = config->find("add_bos_token");
  if (it != config->end() && it->is_boolean()) {
    tokenizer.set_default_bos_count(it->get<bool>() && tokenizer.bos_id() ? 1 : 0);
  }
}

Loaded load_directory(const fs::path& dir, const TiktokenOptions& tiktoken) {
  std::vector<fs::path> candidates;
  for (const char* name : {"tokenizer.json", "tokenizer.model", "tokenizer.bin"}) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) candidates.push_back(dir / name);
  }
  std::vector<fs::path> tiktoken_files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code file_ec;
    if (entry.path().extension() == ".tiktoken" && entry.is_regular_file(file_ec)) {
      tiktoken_files.push_back(entry.path());
    }
  }
  std::sort(tiktoken_files.begin(), tiktoken_files.end());
  candidates.insert(candidates.end(), tiktoken_files.begin(), tiktoken_files.end());
  ET_LLM_CHECK(!candidates.empty(), NotFound,
               "no tokenizer in " + dir.string() +
                   " (looked for tokenizer.json, tokenizer.model, tokenizer.bin, *.tiktoken)");

  std::string failures;
  std::optional<ErrorCode> first_failure;
  for (const fs::path& candidate : candidates) {
    Loaded loaded = load_file(candidate.string(), tiktoken);
    if (loaded.ok()) return loaded;
    if (!first_failure) first_failure = loaded.error().code();
    failures += std::string(failures.empty() ? "" : "; ") + loaded.error().message();
  }
  return Error(*first_failure, "no loadable tokenizer in " + dir.string() + ": " + failures);
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& path,
                                                  const TiktokenOptions& tiktoken) {
  ET_LLM_CHECK(!path.empty(), InvalidArgument, "tokenizer path is empty");
  std::error_code ec;
  ET_LLM_CHECK(fs::exists(path, ec), NotFound, "tokenizer not found: " + path);
  const bool directory = fs::is_directory(path, ec);
  Loaded loaded = directory ? load_directory(path, tiktoken) : load_file(path, tiktoken);
  if (loaded.ok()) {
    const fs::path folder = directory ? fs::path(path) : fs::path(path).parent_path();
    apply_add_bos_token(folder / "tokenizer_config.json", **loaded);
  }
  return loaded;
}

}  // namespace et_llm
