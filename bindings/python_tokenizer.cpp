// A Python tokenizer object (a Hugging Face `tokenizers.Tokenizer`, a
// transformers tokenizer, or anything with encode() and decode()) as an
// et_llm::Tokenizer, so the runners can use it instead of a file.
//
// The runners call the tokenizer from C++ with the GIL released: every method
// takes the GIL, and a Python exception becomes a CallbackFailed error.
//
// Streaming needs the exact bytes each token adds, which a decode() returning
// str cannot give for a token holding part of a character. So decode_token:
//  - special and added tokens: decode([token]) (their content);
//  - byte-level vocabularies (GPT-2 style, detected by how "é" is spelled):
//    the token's piece mapped back through GPT-2's byte-to-character table
//    (the core tokenizers', et_llm/byte_level.h);
//  - byte-fallback pieces "<0xAB>": that byte;
//  - any other token: decode([prev, token]) minus decode([prev]), so that
//    context rules (a word-start space) apply; at the start of the text (prev
//    out of range or special) decode([token]), where decoders drop the
//    leading space as SentencePiece does after BOS (a `prev` that decode()
//    rejects counts as the start too).
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bindings.h"
#include "et_llm/byte_level.h"
#include "et_llm/tokenizer.h"

namespace et_llm::python {

namespace {

std::optional<uint8_t> byte_of_fallback_piece(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return std::nullopt;
  try {
    size_t used = 0;
    const int value = std::stoi(piece.substr(3, 2), &used, 16);
    if (used == 2) return static_cast<uint8_t>(value);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Whether `function` takes keyword `name`; `unknown` when it has no signature.
bool accepts_keyword(const py::object& function, const char* name, bool unknown) {
  try {
    py::object signature = py::module_::import("inspect").attr("signature")(function);
    py::dict parameters = signature.attr("parameters");
    if (parameters.contains(name)) return true;
    for (auto item : parameters) {
      if (py::str(item.second.attr("kind").attr("name")).cast<std::string>() == "VAR_KEYWORD") {
        return true;
      }
    }
    return false;
  } catch (py::error_already_set&) {
    return unknown;
  }
}

std::optional<TokenId> optional_id(const py::object& value) {
  if (value.is_none()) return std::nullopt;
  try {
    const auto id = value.cast<int64_t>();
    if (id >= 0) return static_cast<TokenId>(id);
  } catch (const py::cast_error&) {
  }
  return std::nullopt;
}

class PythonTokenizer : public Tokenizer {
 public:
  // With the GIL held.
  explicit PythonTokenizer(py::object tokenizer) : object_(std::move(tokenizer)) {
    encode_ = object_.attr("encode");
    decode_ = object_.attr("decode");
    // HF's and transformers' methods take the first two.
    encode_takes_special_flag_ = accepts_keyword(encode_, "add_special_tokens", true);
    decode_takes_skip_flag_ = accepts_keyword(decode_, "skip_special_tokens", true);
    decode_takes_cleanup_flag_ = accepts_keyword(decode_, "clean_up_tokenization_spaces", false);
    if (py::hasattr(object_, "id_to_token")) {  // tokenizers.Tokenizer
      id_to_token_ = object_.attr("id_to_token");
      token_to_id_ = object_.attr("token_to_id");
    } else if (py::hasattr(object_, "convert_ids_to_tokens")) {  // transformers
      id_to_token_ = object_.attr("convert_ids_to_tokens");
      token_to_id_ = object_.attr("convert_tokens_to_ids");
    }
    read_vocab_size();
    read_special_tokens();
    read_bos_eos();
    byte_level_ = detect_byte_level();
  }

  ~PythonTokenizer() override {
    if (!Py_IsInitialized()) {
      // The interpreter is gone: the references can only be leaked.
      for (py::object* o : {&object_, &encode_, &decode_, &id_to_token_, &token_to_id_})
        (void)o->release();
      return;
    }
    py::gil_scoped_acquire gil;
    object_ = encode_ = decode_ = id_to_token_ = token_to_id_ = py::object();
  }

  Result<std::vector<TokenId>> encode(std::string_view text, size_t num_bos,
                                      size_t num_eos) const override {
    ET_LLM_CHECK(num_bos == 0 || bos_, InvalidArgument,
                 "BOS requested but the Python tokenizer has no bos_token_id");
    ET_LLM_CHECK(num_eos == 0 || !eos_.empty(), InvalidArgument,
                 "EOS requested but the Python tokenizer has no eos_token_id");
    py::gil_scoped_acquire gil;
    return guarded("encode", [&]() -> Result<std::vector<TokenId>> {
      const py::str input(utf8_lossy(text));
      py::object result = encode_takes_special_flag_
                              ? encode_(input, py::arg("add_special_tokens") = false)
                              : encode_(input);
      if (py::hasattr(result, "ids")) result = result.attr("ids");  // tokenizers.Encoding
      std::vector<TokenId> ids(num_bos, bos_.value_or(0));
      for (TokenId id : result.cast<std::vector<TokenId>>()) ids.push_back(id);
      ids.insert(ids.end(), num_eos, eos_.empty() ? 0 : eos_.front());
      return ids;
    });
  }

  Result<std::string> decode_token(TokenId prev, TokenId token) const override {
    ET_LLM_CHECK_OK(check_id(token));
    py::gil_scoped_acquire gil;
    return guarded("decode", [&]() -> Result<std::string> {
      if (special_.count(token) || added_.count(token)) return decode_ids({token});
      if (id_to_token_) {
        py::object piece = id_to_token_(token);
        if (!piece.is_none()) {
          if (byte_level_) {
            if (auto bytes = byte_level_bytes(piece.cast<std::string>())) return *bytes;
          } else if (auto byte = byte_of_fallback_piece(piece.cast<std::string>())) {
            return std::string(1, static_cast<char>(*byte));
          }
        }
      }
      const bool at_start = check_id(prev) || special_.count(prev);
      if (at_start) return decode_ids({token});
      std::string before;
      try {
        before = decode_ids({prev});
      } catch (py::error_already_set&) {
        return decode_ids({token});  // a `prev` the tokenizer cannot decode: the start
      }
      const std::string both = decode_ids({prev, token});
      if (both.compare(0, before.size(), before) == 0) return both.substr(before.size());
      return decode_ids({token});
    });
  }

  Result<std::string> id_to_piece(TokenId id) const override {
    ET_LLM_CHECK_OK(check_id(id));
    py::gil_scoped_acquire gil;
    return guarded("id_to_piece", [&]() -> Result<std::string> {
      if (!id_to_token_) return decode_ids({id});
      py::object piece = id_to_token_(id);
      ET_LLM_CHECK(!piece.is_none(), InvalidArgument,
                   "token id " + std::to_string(id) + " is not in the vocabulary");
      return piece.cast<std::string>();
    });
  }

  std::optional<TokenId> piece_to_id(std::string_view piece) const override {
    if (!token_to_id_) return std::nullopt;
    py::gil_scoped_acquire gil;
    try {
      const py::str text{std::string(piece)};
      const std::optional<TokenId> id = optional_id(token_to_id_(text));
      // transformers answers the unknown token's id for any unknown piece.
      if (id && id_to_token_ && py::str(id_to_token_(*id)).equal(text)) return id;
    } catch (py::error_already_set&) {
    } catch (const py::cast_error&) {
    }
    return std::nullopt;
  }

  bool is_special(TokenId id) const override { return special_.count(id) > 0; }
  std::optional<TokenId> bos_id() const override { return bos_; }
  std::vector<TokenId> eos_ids() const override { return eos_; }
  size_t vocab_size() const override { return vocab_size_; }

 private:
  // Runs `f` with the GIL held, turning Python failures into CallbackFailed.
  template <typename F>
  auto guarded(const char* what, F&& f) const -> decltype(f()) {
    try {
      return f();
    } catch (py::error_already_set& e) {
      return Error(ErrorCode::CallbackFailed,
                   std::string("the Python tokenizer's ") + what + " raised " + e.what());
    } catch (const py::cast_error& e) {
      return Error(ErrorCode::CallbackFailed, std::string("the Python tokenizer's ") + what +
                                                  " returned an unexpected type: " + e.what());
    }
  }

  // Error() when `id` may be decoded (no vocabulary size known: any id).
  Error check_id(TokenId id) const {
    if (vocab_size_ == 0 || id < vocab_size_) return Error();
    return Error(ErrorCode::InvalidArgument, "token id " + std::to_string(id) +
                                                 " is not in the vocabulary (size " +
                                                 std::to_string(vocab_size_) + ")");
  }

  std::string decode_ids(const std::vector<TokenId>& ids) const {
    py::list list = py::cast(ids);
    py::object text;
    if (decode_takes_skip_flag_ && decode_takes_cleanup_flag_) {
      text = decode_(list, py::arg("skip_special_tokens") = false,
                     py::arg("clean_up_tokenization_spaces") = false);
    } else if (decode_takes_skip_flag_) {
      text = decode_(list, py::arg("skip_special_tokens") = false);
    } else {
      text = decode_(list);
    }
    return text.cast<std::string>();
  }

  void read_vocab_size() {
    if (py::hasattr(object_, "get_vocab_size")) {
      vocab_size_ = object_.attr("get_vocab_size")().cast<size_t>();
    } else if (py::hasattr(object_, "__len__")) {
      vocab_size_ = py::len(object_);
    } else if (py::hasattr(object_, "vocab_size")) {
      vocab_size_ = object_.attr("vocab_size").cast<size_t>();
    }
  }

  // Added tokens from tokenizers' get_added_tokens_decoder() or transformers'
  // added_tokens_decoder ({id: AddedToken}), plus transformers' all_special_ids.
  void read_special_tokens() {
    py::object added;
    if (py::hasattr(object_, "get_added_tokens_decoder")) {
      added = object_.attr("get_added_tokens_decoder")();
    } else if (py::hasattr(object_, "added_tokens_decoder")) {
      added = object_.attr("added_tokens_decoder");
    }
    if (added && py::isinstance<py::dict>(added)) {
      for (auto item : py::reinterpret_borrow<py::dict>(added)) {
        const auto id = item.first.cast<TokenId>();
        const bool special = py::getattr(item.second, "special", py::bool_(false)).cast<bool>();
        (special ? special_ : added_).insert(id);
      }
    }
    if (py::hasattr(object_, "all_special_ids")) {
      for (auto id : object_.attr("all_special_ids")) {
        if (auto value = optional_id(py::reinterpret_borrow<py::object>(id))) {
          special_.insert(*value);
          added_.erase(*value);
        }
      }
    }
  }

  // transformers' bos_token_id / eos_token_id, or bos_id / eos_ids attributes.
  void read_bos_eos() {
    for (const char* name : {"bos_token_id", "bos_id"}) {
      if (!bos_ && py::hasattr(object_, name)) bos_ = optional_id(object_.attr(name));
    }
    for (const char* name : {"eos_token_id", "eos_ids"}) {
      if (!eos_.empty() || !py::hasattr(object_, name)) continue;
      py::object value = object_.attr(name);
      if (py::isinstance<py::sequence>(value) && !py::isinstance<py::str>(value)) {
        for (auto item : value) {
          if (auto id = optional_id(py::reinterpret_borrow<py::object>(item))) eos_.push_back(*id);
        }
      } else if (auto id = optional_id(value)) {
        eos_.push_back(*id);
      }
    }
  }

  // Byte-level BPE spells "é" (bytes C3 A9) as "Ã©", perhaps after a "Ġ" prefix.
  bool detect_byte_level() const {
    if (!id_to_token_) return false;
    try {
      std::vector<TokenId> ids = encode("\xC3\xA9", 0, 0).get();
      std::u32string spelled;
      for (TokenId id : ids) spelled += id_to_token_(id).cast<std::u32string>();
      const std::u32string expected = U"\u00C3\u00A9";
      return spelled == expected || spelled == U"\u0120" + expected;
    } catch (...) {
      return false;
    }
  }

  py::object object_;
  py::object encode_;
  py::object decode_;
  py::object id_to_token_;
  py::object token_to_id_;
  bool encode_takes_special_flag_ = true;
  bool decode_takes_skip_flag_ = true;
  bool decode_takes_cleanup_flag_ = false;
  bool byte_level_ = false;
  size_t vocab_size_ = 0;
  std::unordered_set<TokenId> special_;
  std::unordered_set<TokenId> added_;  // added tokens that are not special
  std::optional<TokenId> bos_;
  std::vector<TokenId> eos_;
};

}  // namespace

std::shared_ptr<Tokenizer> tokenizer_from_python(const py::object& tokenizer) {
  if (py::isinstance<Tokenizer>(tokenizer)) return tokenizer.cast<std::shared_ptr<Tokenizer>>();
  if (!py::hasattr(tokenizer, "encode") || !py::hasattr(tokenizer, "decode")) {
    throw py::type_error(
        "a tokenizer must be a path, an et_llm.Tokenizer or an object with "
        "encode() and decode(), not " +
        py::str(py::type::of(tokenizer).attr("__name__")).cast<std::string>());
  }
  return std::make_shared<PythonTokenizer>(tokenizer);
}

}  // namespace et_llm::python
