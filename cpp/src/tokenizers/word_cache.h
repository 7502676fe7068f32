// A bounded, thread-safe cache from a word to its BPE token ids: real text
// repeats a small set of words, so most words skip the merge loop entirely.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace et_llm::detail {

class WordCache {
 public:
  explicit WordCache(size_t capacity) : shard_capacity_(capacity / kShards + 1) {}

  // Appends the cached ids of `word` to `out`; false when not cached.
  template <typename Id>
  bool get(std::string_view word, std::vector<Id>& out) const {
    Shard& shard = shard_of(word);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.entries.find(word);
    if (it == shard.entries.end()) return false;
    out.insert(out.end(), it->second.ids.begin(), it->second.ids.end());
    return true;
  }

  void put(std::string_view word, std::vector<uint32_t> ids) const {
    Shard& shard = shard_of(word);
    std::lock_guard<std::mutex> lock(shard.mutex);
    // A full shard starts over rather than tracking recency: cheap, and the
    // frequent words come back within a few sentences.
    if (shard.entries.size() >= shard_capacity_) shard.entries.clear();
    auto key = std::make_unique<std::string>(word);
    const std::string_view key_view = *key;
    shard.entries.emplace(key_view, Entry{std::move(key), std::move(ids)});
  }

 private:
  static constexpr size_t kShards = 16;

  struct Entry {
    std::unique_ptr<std::string> key;  // owns the bytes the map key views
    std::vector<uint32_t> ids;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string_view, Entry> entries;
  };

  Shard& shard_of(std::string_view word) const {
    // Shard by a cheap mix of the first and last bytes and the length.
    const size_t mix = word.size() * 31 + static_cast<unsigned char>(word.front()) * 7 +
                       static_cast<unsigned char>(word.back());
    return shards_[mix % kShards];
  }

  size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace et_llm::detail
