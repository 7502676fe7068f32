// The HF `model` of type BPE: a vocabulary plus ranked merges, applied to one
// pre-tokenized word at a time.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "et_llm/error.h"
#include "et_llm/tokenizer.h"
#include "tokenizers/word_cache.h"

namespace et_llm::detail {

// Open-addressing map from a pair of token ids to the merge that joins them.
class MergeTable {
 public:
  struct Merge {
    uint32_t rank;
    uint32_t new_id;
  };

  void reserve(size_t count);
  void insert(uint32_t left, uint32_t right, Merge merge);  // a later duplicate wins
  const Merge* find(uint32_t left, uint32_t right) const;

 private:
  struct Slot {
    uint64_t key;
    Merge merge;
    bool used;
  };
  size_t slot_of(uint64_t key) const;

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

class BpeModel {
 public:
  static Result<std::unique_ptr<BpeModel>> from_json(const nlohmann::json& model);

  // Appends the ids of `word`, which is spelled in vocabulary characters.
  void tokenize(std::string_view word, std::vector<TokenId>& out) const;

  std::optional<uint32_t> token_to_id(std::string_view token) const;
  const std::string* id_to_token(uint32_t id) const;       // nullptr when unknown
  size_t id_bound() const { return id_to_token_.size(); }  // max id + 1

 private:
  BpeModel() : cache_(kCacheCapacity) {}

  Error load_vocab(const nlohmann::json& vocab);
  Error load_merges(const nlohmann::json& merges);
  std::optional<uint32_t> symbol_to_id(std::string_view symbol) const;
  void initial_symbols(std::string_view word, std::vector<uint32_t>& symbols) const;
  void merge(std::vector<uint32_t>& symbols) const;

  static constexpr size_t kCacheCapacity = 10000;
  static constexpr size_t kMaxCachedWordBytes = 256;

  std::deque<std::string> token_storage_;  // stable storage the maps view
  std::unordered_map<std::string_view, uint32_t> token_to_id_;
  std::vector<const std::string*> id_to_token_;
  MergeTable merges_;

  std::array<std::optional<uint32_t>, 256> byte_fallback_ids_{};  // "<0x41>" style tokens
  // Ids of the one- and two-byte characters (all byte-level spellings), so
  // that splitting a word into characters needs no hashing; kNoId if absent.
  static constexpr uint32_t kNoId = UINT32_MAX;
  std::vector<uint32_t> short_char_ids_;
  std::optional<uint32_t> unk_id_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::string continuing_subword_prefix_;
  std::string end_of_word_suffix_;
  WordCache cache_;
};

}  // namespace et_llm::detail
