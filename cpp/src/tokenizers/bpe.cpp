#include "tokenizers/bpe.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tokenizers/utf8_chars.h"

namespace et_llm::detail {
namespace {

Error invalid_model(const std::string& message) {
  return Error(ErrorCode::InvalidTokenizer, "model (BPE): " + message);
}

std::string optional_string(const nlohmann::json& model, const char* key) {
  auto it = model.find(key);
  if (it == model.end() || it->is_null()) return {};
  return it->get<std::string>();
}

}  // namespace

void MergeTable::reserve(size_t count) {
  size_t capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  slots_.assign(capacity, Slot{0, {0, 0}, false});
  mask_ = capacity - 1;
  size_ = 0;
}

size_t MergeTable::slot_of(uint64_t key) const {
  // Fibonacci hashing spreads the two packed ids over the table.
  return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
}

void MergeTable::insert(uint32_t left, uint32_t right, Merge merge) {
  if ((size_ + 1) * 2 > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    reserve(std::max<size_t>(old.size(), size_ + 1));
    for (const Slot& slot : old) {
      if (slot.used)
        insert(static_cast<uint32_t>(slot.key >> 32), static_cast<uint32_t>(slot.key), slot.merge);
    }
  }
  const uint64_t key = (static_cast<uint64_t>(left) << 32) | right;
  for (size_t i = slot_of(key);; i = (i + 1) & mask_) {
    Slot& slot = slots_[i];
    if (!slot.used) {
      slot = Slot{key, merge, true};
      ++size_;
      return;
    }
    if (slot.key == key) {
      slot.merge = merge;
      return;
    }
  }
}

const MergeTable::Merge* MergeTable::find(uint32_t left, uint32_t right) const {
  if (slots_.empty()) return nullptr;
  const uint64_t key = (static_cast<uint64_t>(left) << 32) | right;
  for (size_t i = slot_of(key);; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (!slot.used) return nullptr;
    if (slot.key == key) return &slot.merge;
  }
}

Result<std::unique_ptr<BpeModel>> BpeModel::from_json(const nlohmann::json& model) {
  std::unique_ptr<BpeModel> bpe(new BpeModel());
  auto dropout = model.find("dropout");
  if (dropout != model.end() && !dropout->is_null() && dropout->get<double>() > 0.0) {
    return Error(ErrorCode::NotSupported, "model (BPE): dropout > 0");
  }
  ET_LLM_CHECK_OK(bpe->load_vocab(model.at("vocab")));
  bpe->continuing_subword_prefix_ = optional_string(model, "continuing_subword_prefix");
  bpe->end_of_word_suffix_ = optional_string(model, "end_of_word_suffix");
  ET_LLM_CHECK_OK(bpe->load_merges(model.value("merges", nlohmann::json::array())));
  bpe->short_char_ids_.assign(0x800, kNoId);
  for (const auto& [token, id] : bpe->token_to_id_) {
    const auto lead = static_cast<uint8_t>(token.empty() ? 0 : token[0]);
    if (token.size() == 1 && lead < 0x80) bpe->short_char_ids_[lead] = id;
    if (token.size() == 2 && (lead & 0xE0) == 0xC0) {
      bpe->short_char_ids_[((lead & 0x1Fu) << 6) | (static_cast<uint8_t>(token[1]) & 0x3Fu)] = id;
    }
  }

  const std::string unk_token = optional_string(model, "unk_token");
  if (!unk_token.empty()) bpe->unk_id_ = bpe->token_to_id(unk_token);
  bpe->fuse_unk_ = model.value("fuse_unk", false);
  bpe->byte_fallback_ = model.value("byte_fallback", false);
  bpe->ignore_merges_ = model.value("ignore_merges", false);
  if (bpe->byte_fallback_) {
    for (int byte = 0; byte < 256; ++byte) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", byte);
      bpe->byte_fallback_ids_[byte] = bpe->token_to_id(name);
    }
  }
  return bpe;
}

Error BpeModel::load_vocab(const nlohmann::json& vocab) {
  if (!vocab.is_object()) return invalid_model("vocab is not an object");
  token_to_id_.reserve(vocab.size());
  // Ids index a table, so they are bounded by the file's own size: a few
  // bytes cannot ask for gigabytes (real vocabularies are dense, 0..n-1).
  const uint64_t id_limit = 4 * static_cast<uint64_t>(vocab.size()) + 4096;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_unsigned() || it.value().get<uint64_t>() >= id_limit) {
      return invalid_model("vocab id " + it.value().dump() + " of '" + it.key() +
                           "' is not an id of a " + std::to_string(vocab.size()) +
                           "-entry vocabulary (0.." + std::to_string(id_limit - 1) + ")");
    }
    const uint32_t id = it.value().get<uint32_t>();
    const std::string& token = token_storage_.emplace_back(it.key());
    token_to_id_[token] = id;
    if (id >= id_to_token_.size()) id_to_token_.resize(id + 1, nullptr);
    id_to_token_[id] = &token;
  }
  return Error::success();
}

Error BpeModel::load_merges(const nlohmann::json& merges) {
  merges_.reserve(merges.size());
  uint32_t rank = 0;
  for (const nlohmann::json& entry : merges) {
    std::string left, right;
    if (entry.is_string()) {
      // "a b": tokens of this form never contain a space.
      const std::string text = entry.get<std::string>();
      const size_t space = text.find(' ');
      if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos) {
        return invalid_model("merge '" + text + "' is not two tokens separated by a space");
      }
      left = text.substr(0, space);
      right = text.substr(space + 1);
    } else if (entry.is_array() && entry.size() == 2) {
      left = entry[0].get<std::string>();
      right = entry[1].get<std::string>();
    } else {
      return invalid_model("merge #" + std::to_string(rank) + " is neither \"a b\" nor [a, b]");
    }
    // Like HF, the right token loses the length of the continuing-subword prefix.
    const std::string joined =
        left + right.substr(std::min(right.size(), continuing_subword_prefix_.size()));
    const auto left_id = token_to_id(left);
    const auto right_id = token_to_id(right);
    const auto joined_id = token_to_id(joined);
    if (!left_id || !right_id || !joined_id) {
      return invalid_model("merge '" + left + " " + right + "' uses a token missing from vocab");
    }
    merges_.insert(*left_id, *right_id, {rank, *joined_id});
    ++rank;
  }
  return Error::success();
}

std::optional<uint32_t> BpeModel::token_to_id(std::string_view token) const {
  auto it = token_to_id_.find(token);
  if (it == token_to_id_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(uint32_t id) const {
  return id < id_to_token_.size() ? id_to_token_[id] : nullptr;
}

std::optional<uint32_t> BpeModel::symbol_to_id(std::string_view symbol) const {
  const auto lead = static_cast<uint8_t>(symbol[0]);
  uint32_t id = kNoId;
  if (symbol.size() == 1 && lead < 0x80) {
    id = short_char_ids_[lead];
  } else if (symbol.size() == 2 && (lead & 0xE0) == 0xC0) {
    id = short_char_ids_[((lead & 0x1Fu) << 6) | (static_cast<uint8_t>(symbol[1]) & 0x3Fu)];
  } else {
    return token_to_id(symbol);
  }
  if (id == kNoId) return std::nullopt;
  return id;
}

void BpeModel::tokenize(std::string_view word, std::vector<TokenId>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (auto id = token_to_id(word)) {
      out.push_back(*id);
      return;
    }
  }
  const bool cacheable = word.size() <= kMaxCachedWordBytes;
  if (cacheable && cache_.get(word, out)) return;

  std::vector<uint32_t> symbols;
  initial_symbols(word, symbols);
  merge(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
  if (cacheable) cache_.put(word, std::move(symbols));
}

// One symbol per character, as HF's BPE::merge_word: a character missing from
// the vocabulary becomes its <0xXX> byte tokens (byte_fallback) or the unknown
// token (runs of them fused into one with fuse_unk), or is dropped.
void BpeModel::initial_symbols(std::string_view word, std::vector<uint32_t>& symbols) const {
  const bool decorate = !continuing_subword_prefix_.empty() || !end_of_word_suffix_.empty();
  std::string decorated;
  bool unk_pending = false;
  for (size_t pos = 0; pos < word.size();) {
    const size_t length = utf8_char_length(word, pos);
    std::string_view symbol = word.substr(pos, length);
    if (decorate) {
      decorated.clear();
      if (pos > 0) decorated += continuing_subword_prefix_;
      decorated += symbol;
      if (pos + length == word.size()) decorated += end_of_word_suffix_;
      symbol = decorated;
    }
    pos += length;

    if (auto id = symbol_to_id(symbol)) {
      if (unk_pending) symbols.push_back(*unk_id_);
      unk_pending = false;
      symbols.push_back(*id);
      continue;
    }
    if (byte_fallback_ && std::all_of(symbol.begin(), symbol.end(), [this](char c) {
          return byte_fallback_ids_[static_cast<unsigned char>(c)].has_value();
        })) {
      // HF adds these without first flushing a pending unknown token.
      for (char c : symbol) symbols.push_back(*byte_fallback_ids_[static_cast<unsigned char>(c)]);
      continue;
    }
    if (unk_id_) {
      if (unk_pending && !fuse_unk_) symbols.push_back(*unk_id_);
      unk_pending = true;
    }
  }
  if (unk_pending) symbols.push_back(*unk_id_);
}

// Applies merges lowest rank first (leftmost first among equal ranks) over a
// linked list of symbols, with a heap of candidate pairs: O(n log n) per word.
void BpeModel::merge(std::vector<uint32_t>& ids) const {
  if (ids.size() < 2) return;
  struct Symbol {
    uint32_t id;
    int32_t prev;
    int32_t next;
    bool alive;
  };
  struct Candidate {
    uint32_t rank;
    uint32_t pos;
    uint32_t new_id;
    bool operator>(const Candidate& other) const {
      return rank != other.rank ? rank > other.rank : pos > other.pos;
    }
  };
  const int32_t count = static_cast<int32_t>(ids.size());
  std::vector<Symbol> symbols(ids.size());
  std::vector<Candidate> heap;
  for (int32_t i = 0; i < count; ++i) {
    symbols[i] = {ids[i], i - 1, i + 1 < count ? i + 1 : -1, true};
    if (i + 1 < count) {
      if (const MergeTable::Merge* merge = merges_.find(ids[i], ids[i + 1])) {
        heap.push_back({merge->rank, static_cast<uint32_t>(i), merge->new_id});
      }
    }
  }
  const auto greater = std::greater<Candidate>();
  std::make_heap(heap.begin(), heap.end(), greater);
  auto push = [&](int32_t left) {
    const int32_t right = symbols[left].next;
    if (const MergeTable::Merge* merge = merges_.find(symbols[left].id, symbols[right].id)) {
      heap.push_back({merge->rank, static_cast<uint32_t>(left), merge->new_id});
      std::push_heap(heap.begin(), heap.end(), greater);
    }
  };

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), greater);
    const Candidate top = heap.back();
    heap.pop_back();
    Symbol& left = symbols[top.pos];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    const MergeTable::Merge* current = merges_.find(left.id, right.id);
    if (current == nullptr || current->new_id != top.new_id) continue;  // stale

    left.id = top.new_id;
    right.alive = false;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = static_cast<int32_t>(top.pos);
    if (left.prev >= 0) push(left.prev);
    if (left.next >= 0) push(static_cast<int32_t>(top.pos));
  }

  ids.clear();
  for (int32_t i = 0; i >= 0; i = symbols[i].next) ids.push_back(symbols[i].id);
}

}  // namespace et_llm::detail
