#include "tokenizers/token_decoder.h"

#include <nlohmann/json.hpp>

#include "et_llm/tokenizer.h"
#include "tokenizers/byte_level.h"
#include "tokenizers/string_replacer.h"

namespace et_llm::detail {
namespace {

// HF's default without a decoder: the pieces joined with spaces.
class JoinWithSpaces : public DecodeStep {
 public:
  void apply(std::string& piece, bool starts_text) const override {
    if (!starts_text) piece.insert(piece.begin(), ' ');
  }
};

// Pieces spelled with GPT-2's byte characters become those bytes; a piece
// with other characters (an added token) stands for its own text.
class ByteLevelStep : public DecodeStep {
 public:
  void apply(std::string& piece, bool) const override {
    std::string bytes;
    if (ByteLevelTable::instance().decode(piece, bytes)) piece.swap(bytes);
  }
};

// "<0xE4>" becomes the byte E4.
class ByteFallbackStep : public DecodeStep {
 public:
  void apply(std::string& piece, bool) const override {
    if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return;
    const int high = hex_value(piece[3]);
    const int low = hex_value(piece[4]);
    if (high >= 0 && low >= 0) piece.assign(1, static_cast<char>(high * 16 + low));
  }

 private:
  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
};

class ReplaceStep : public DecodeStep {
 public:
  explicit ReplaceStep(StringReplacer replacer) : replacer_(std::move(replacer)) {}

  void apply(std::string& piece, bool) const override {
    // A regex only runs on whole characters; a lone byte is left as it is.
    if (replacer_.is_regex() && utf8_lossy(piece) != piece) return;
    std::string replaced;
    replacer_.replace(piece, replaced);
    piece.swap(replaced);
  }

 private:
  StringReplacer replacer_;
};

// Removes up to `start` copies of `content` at the front and `stop` at the
// back of each token, or, after a Fuse, at the front of the whole text.
class StripStep : public DecodeStep {
 public:
  StripStep(std::string content, size_t start, size_t stop, bool whole_text)
      : content_(std::move(content)), start_(start), stop_(stop), whole_text_(whole_text) {}

  void apply(std::string& piece, bool starts_text) const override {
    if (content_.empty()) return;
    if (!whole_text_ || starts_text) {
      size_t begin = 0;
      for (size_t n = 0; n < start_ && piece.compare(begin, content_.size(), content_) == 0; ++n) {
        begin += content_.size();
      }
      piece.erase(0, begin);
    }
    for (size_t n = 0;
         n < stop_ && piece.size() >= content_.size() &&
         piece.compare(piece.size() - content_.size(), content_.size(), content_) == 0;
         ++n) {
      piece.resize(piece.size() - content_.size());
    }
  }

 private:
  std::string content_;
  size_t start_;
  size_t stop_;
  bool whole_text_;
};

// The replacement character ("▁") becomes a space, except in the first token
// (the whole text after a Fuse), where the prepended one is dropped.
class MetaspaceStep : public DecodeStep {
 public:
  MetaspaceStep(std::string replacement, bool drop_first, bool whole_text)
      : replacement_(std::move(replacement)), drop_first_(drop_first), whole_text_(whole_text) {}

  void apply(std::string& piece, bool starts_text) const override {
    if (piece.find(replacement_) == std::string::npos) return;
    const bool drop = drop_first_ && (starts_text || whole_text_);
    std::string out;
    out.reserve(piece.size());
    size_t previous = 0;
    for (size_t pos = piece.find(replacement_); pos != std::string::npos;
         pos = piece.find(replacement_, previous)) {
      out.append(piece, previous, pos - previous);
      if (!drop) out.push_back(' ');
      previous = pos + replacement_.size();
    }
    out.append(piece, previous);
    piece.swap(out);
  }

 private:
  std::string replacement_;
  bool drop_first_;
  bool whole_text_;
};

Error unsupported(const std::string& what) {
  return Error(ErrorCode::NotSupported, "decoder " + what);
}

// The UTF-8 of a tokenizer.json `char` field.
Result<std::string> single_character(const nlohmann::json& config, const char* key,
                                     const char* fallback) {
  const std::string text = config.value(key, fallback);
  if (text.empty()) return Error(ErrorCode::InvalidTokenizer, std::string("decoder: empty ") + key);
  return text;
}

// Appends the steps of `config` to `steps`. `fused`: a step that joins all
// tokens into one (Fuse, ByteLevel) came before; it is updated.
Error add_steps(const nlohmann::json& config, std::vector<std::shared_ptr<const DecodeStep>>& steps,
                bool& fused) {
  const std::string type = config.at("type").get<std::string>();
  if (type == "Sequence") {
    for (const nlohmann::json& step : config.at("decoders")) {
      ET_LLM_CHECK_OK(add_steps(step, steps, fused));
    }
    return Error::success();
  }
  if (type == "ByteLevel") {
    steps.push_back(std::make_shared<ByteLevelStep>());
    fused = true;
  } else if (type == "Fuse") {
    fused = true;
  } else if (type == "ByteFallback") {
    // After a Fuse HF sees one long string, never a "<0x..>" token.
    if (!fused) steps.push_back(std::make_shared<ByteFallbackStep>());
  } else if (type == "Replace") {
    ET_LLM_ASSIGN_OR_RETURN(StringReplacer replacer, StringReplacer::from_json(config));
    steps.push_back(std::make_shared<ReplaceStep>(std::move(replacer)));
  } else if (type == "Strip") {
    ET_LLM_ASSIGN_OR_RETURN(std::string content, single_character(config, "content", " "));
    const size_t start = config.value("start", size_t{0});
    const size_t stop = config.value("stop", size_t{0});
    // The end of the whole text is never known while streaming.
    if (fused && stop > 0) return unsupported("Strip with stop > 0 after Fuse");
    steps.push_back(std::make_shared<StripStep>(std::move(content), start, stop, fused));
  } else if (type == "Metaspace") {
    ET_LLM_ASSIGN_OR_RETURN(std::string replacement,
                            single_character(config, "replacement", "\xE2\x96\x81"));
    bool drop_first = config.value("add_prefix_space", true);
    if (config.contains("prepend_scheme") && config["prepend_scheme"].is_string()) {
      drop_first = config["prepend_scheme"].get<std::string>() != "never";
    }
    steps.push_back(std::make_shared<MetaspaceStep>(std::move(replacement), drop_first, fused));
  } else {
    return unsupported("type '" + type + "'");
  }
  return Error::success();
}

}  // namespace

Result<TokenDecoder> TokenDecoder::from_json(const nlohmann::json& config) {
  TokenDecoder decoder;
  if (config.is_null()) {
    decoder.steps_.push_back(std::make_shared<JoinWithSpaces>());
    return decoder;
  }
  bool fused = false;
  ET_LLM_CHECK_OK(add_steps(config, decoder.steps_, fused));
  return decoder;
}

void TokenDecoder::decode(std::string_view piece, bool starts_text, std::string& out) const {
  std::string bytes(piece);
  for (const auto& step : steps_) step->apply(bytes, starts_text);
  out += bytes;
}

}  // namespace et_llm::detail
