#include "et_llm/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include <utility>

#include "tokenizers/byte_piece.h"
#include "tokenizers/file_contents.h"
#include "tokenizers/sentencepiece_model_check.h"

namespace et_llm {

namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";  // U+2581 "▁"

std::string replace_space_symbols(std::string_view piece) {
  std::string out;
  out.reserve(piece.size());
  size_t pos = 0;
  while (pos < piece.size()) {
    const size_t found = piece.find(kSpaceSymbol, pos);
    if (found == std::string_view::npos) {
      out.append(piece.substr(pos));
      break;
    }
    out.append(piece.substr(pos, found - pos));
    out.push_back(' ');
    pos = found + kSpaceSymbol.size();
  }
  return out;
}

}  // namespace

struct SentencePieceTokenizer::Impl {
  enum class Kind : uint8_t { Text, Control, Byte };
  struct Surface {
    Kind kind = Kind::Text;
    std::string text;  // Text: the surface; Byte: the one byte
    bool leading_space = false;
  };

  sentencepiece::SentencePieceProcessor processor;
  std::vector<Surface> surfaces;  // by id, so decoding needs no library call
  bool drops_leading_space = true;

  void build_surfaces() {
    const int size = processor.GetPieceSize();
    surfaces.resize(static_cast<size_t>(size));
    // The library decides whether a leading space is dropped at the start
    // (add_dummy_prefix or remove_extra_whitespaces in the normalizer spec):
    // ask it with the first ordinary piece that starts with "▁".
    std::optional<int> probe;
    for (int id = 0; id < size; ++id) {
      Surface& surface = surfaces[static_cast<size_t>(id)];
      const std::string& piece = processor.IdToPiece(id);
      if (processor.IsControl(id)) {
        surface.kind = Kind::Control;
      } else if (processor.IsByte(id) && detail::byte_of_piece(piece)) {
        surface.kind = Kind::Byte;
        surface.text.assign(1, static_cast<char>(*detail::byte_of_piece(piece)));
      } else if (processor.IsUnknown(id)) {
        surface.text = processor.DecodeIds({id});  // the model's unk_surface
      } else {
        surface.text = replace_space_symbols(piece);
        surface.leading_space = piece.compare(0, kSpaceSymbol.size(), kSpaceSymbol) == 0;
        if (!probe && surface.leading_space) probe = id;
      }
    }
    if (probe) {
      const std::string decoded = processor.DecodeIds({*probe});
      drops_leading_space = decoded.empty() || decoded.front() != ' ';
    }
  }

  bool at_start(TokenId prev) const {
    return prev >= surfaces.size() || surfaces[prev].kind == Kind::Control;
  }
};

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(
    const std::string& path) {
  ET_LLM_ASSIGN_OR_RETURN(std::string contents, detail::read_file_contents(path));
  return parse(contents, path);
}

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::parse(
    std::string_view serialized_model, const std::string& name) {
  const Error damage = detail::check_sentencepiece_model(serialized_model);
  ET_LLM_CHECK(damage.ok(), InvalidTokenizer, name + ": " + damage.message());
  auto impl = std::make_unique<Impl>();
  const auto status = impl->processor.LoadFromSerializedProto(serialized_model);
  if (!status.ok()) {
    return Error(ErrorCode::InvalidTokenizer,
                 name + " is not a SentencePiece model: " + status.ToString());
  }
  ET_LLM_CHECK(impl->processor.GetPieceSize() > 0, InvalidTokenizer,
               name + " is a SentencePiece model without pieces");
  impl->build_surfaces();
  return std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer(std::move(impl)));
}

Result<std::vector<TokenId>> SentencePieceTokenizer::encode(std::string_view text, size_t num_bos,
                                                            size_t num_eos) const {
  const std::optional<TokenId> bos = bos_id();
  const std::vector<TokenId> eos = eos_ids();
  ET_LLM_CHECK(num_bos == 0 || bos, InvalidArgument,
               "BOS requested but the tokenizer has no BOS token");
  ET_LLM_CHECK(num_eos == 0 || !eos.empty(), InvalidArgument,
               "EOS requested but the tokenizer has no EOS token");
  std::vector<int> pieces;
  const auto status = impl_->processor.Encode(text, &pieces);
  ET_LLM_CHECK(status.ok(), InvalidArgument, "SentencePiece cannot encode: " + status.ToString());
  std::vector<TokenId> ids;
  ids.reserve(pieces.size() + num_bos + num_eos);
  ids.insert(ids.end(), num_bos, bos.value_or(0));
  for (int id : pieces) ids.push_back(static_cast<TokenId>(id));
  ids.insert(ids.end(), num_eos, eos.empty() ? 0 : eos.front());
  return ids;
}

Result<std::string> SentencePieceTokenizer::decode_token(TokenId prev, TokenId token) const {
  ET_LLM_CHECK(token < impl_->surfaces.size(), InvalidArgument,
               "token id " + std::to_string(token) + " is not in the vocabulary (size " +
                   std::to_string(impl_->surfaces.size()) + ")");
  const Impl::Surface& surface = impl_->surfaces[token];
  if (surface.kind == Impl::Kind::Control) return std::string();
  if (surface.leading_space && impl_->drops_leading_space && impl_->at_start(prev)) {
    return surface.text.substr(1);
  }
  return surface.text;
}

Result<std::string> SentencePieceTokenizer::id_to_piece(TokenId id) const {
  ET_LLM_CHECK(id < impl_->surfaces.size(), InvalidArgument,
               "token id " + std::to_string(id) + " is not in the vocabulary");
  return impl_->processor.IdToPiece(static_cast<int>(id));
}

std::optional<TokenId> SentencePieceTokenizer::piece_to_id(std::string_view piece) const {
  const int id = impl_->processor.PieceToId(piece);
  // Unknown pieces map to <unk>: only an exact match counts.
  if (id < 0 || impl_->processor.IdToPiece(id) != piece) return std::nullopt;
  return static_cast<TokenId>(id);
}

bool SentencePieceTokenizer::is_special(TokenId id) const {
  if (id >= impl_->surfaces.size()) return false;
  const int i = static_cast<int>(id);
  return impl_->processor.IsControl(i) || impl_->processor.IsUnknown(i);
}

std::optional<TokenId> SentencePieceTokenizer::bos_id() const {
  const int id = impl_->processor.bos_id();
  return id >= 0 ? std::optional<TokenId>(id) : std::nullopt;
}

std::vector<TokenId> SentencePieceTokenizer::eos_ids() const {
  const int id = impl_->processor.eos_id();
  return id >= 0 ? std::vector<TokenId>{static_cast<TokenId>(id)} : std::vector<TokenId>{};
}

size_t SentencePieceTokenizer::vocab_size() const { return impl_->surfaces.size(); }

}  // namespace et_llm
