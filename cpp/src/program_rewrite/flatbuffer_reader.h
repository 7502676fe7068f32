// A minimal, bounds-checked reader for the FlatBuffers wire format, enough to
// walk a .pte program before the runtime loads it.
//
// The executorch wheel ships neither the generated schema header nor the
// flatbuffers library, and the program may be corrupt: every read is checked
// against the buffer and an out-of-range read marks the reader failed (and
// yields zeros) instead of touching memory it does not own. Callers check
// failed() once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace et_llm::program_rewrite {

class FlatbufferReader {
 public:
  // A vector's element count and the buffer position of its first element.
  struct Vector {
    uint32_t start = 0;
    uint32_t length = 0;
  };

  FlatbufferReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool failed() const { return failed_; }

  // The root table's position.
  uint32_t root() { return follow(0); }

  // Position of field `id` of the table at `table`, or 0 when absent.
  uint32_t field(uint32_t table, int id) {
    const int32_t to_vtable = read<int32_t>(table);
    const int64_t vtable = static_cast<int64_t>(table) - to_vtable;
    if (vtable < 0 || static_cast<uint64_t>(vtable) > size_) return fail();
    const uint16_t vtable_size = read<uint16_t>(static_cast<uint32_t>(vtable));
    const uint32_t entry = 4 + 2 * static_cast<uint32_t>(id);
    if (entry + 2 > vtable_size) return 0;
    const uint16_t offset = read<uint16_t>(static_cast<uint32_t>(vtable) + entry);
    return offset == 0 ? 0 : table + offset;
  }

  template <typename T>
  T scalar(uint32_t table, int id, T fallback = T()) {
    const uint32_t at = field(table, id);
    return at == 0 ? fallback : read<T>(at);
  }

  // The table, vector or string a field points to (0 when absent).
  uint32_t reference(uint32_t table, int id) {
    const uint32_t at = field(table, id);
    return at == 0 ? 0 : follow(at);
  }

  // A vector of `width`-byte elements (4 for tables: their offsets).
  Vector vector(uint32_t table, int id, uint32_t width) {
    const uint32_t at = reference(table, id);
    if (at == 0) return {};
    const uint32_t length = read<uint32_t>(at);
    if (static_cast<uint64_t>(at) + 4 + static_cast<uint64_t>(length) * width > size_) {
      fail();
      return {};
    }
    // Corrupt offsets can point many fields at one long vector: bound the total
    // read to a few times the buffer so memory stays proportional to it.
    elements_read_ += length;
    if (elements_read_ > 4 * static_cast<uint64_t>(size_) + 4096) {
      fail();
      return {};
    }
    return {at + 4, length};
  }

  // Element `i` of a vector of tables.
  uint32_t table_at(Vector v, uint32_t i) { return follow(element(v, i, 4)); }

  // Position of element `i` of a vector of `width`-byte scalars.
  uint32_t element(Vector v, uint32_t i, uint32_t width) {
    if (i >= v.length) return fail();
    const uint64_t at = v.start + static_cast<uint64_t>(i) * width;
    if (at + width > size_) return fail();
    return static_cast<uint32_t>(at);
  }

  template <typename T>
  T scalar_at(Vector v, uint32_t i) {
    return read<T>(element(v, i, sizeof(T)));
  }

  std::string_view string(uint32_t table, int id) {
    const uint32_t at = reference(table, id);
    if (at == 0) return {};
    const uint32_t length = read<uint32_t>(at);
    if (static_cast<uint64_t>(at) + 4 + length > size_) {
      fail();
      return {};
    }
    return {reinterpret_cast<const char*>(data_ + at + 4), length};
  }

  template <typename T>
  T read(uint32_t at) {
    T value{};
    if (failed_ || static_cast<uint64_t>(at) + sizeof(T) > size_) {
      fail();
      return value;
    }
    std::memcpy(&value, data_ + at, sizeof(T));
    return value;
  }

 private:
  uint32_t follow(uint32_t at) {
    const uint32_t offset = read<uint32_t>(at);
    const uint64_t target = static_cast<uint64_t>(at) + offset;
    if (failed_ || target >= size_) return fail();
    return static_cast<uint32_t>(target);
  }

  uint32_t fail() {
    failed_ = true;
    return 0;
  }

  const uint8_t* data_;
  size_t size_;
  bool failed_ = false;
  uint64_t elements_read_ = 0;
};

}  // namespace et_llm::program_rewrite
