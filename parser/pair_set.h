#pragma once
/// A set of pairs in one open-addressing array: what the evaluator and the IR builder ask of
/// sets of dependencies ("is this pair new?"), where a node-based set allocated per pair and
/// every `>>` of a DAG file asks it. `T` is hashed with std::hash (pointers, string views).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace dagport::parser {

template <typename T>
class PairSet {
 public:
  /// Adds (a, b); false when it was there already.
  bool Insert(const T& a, const T& b) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Slot& slot = slots_[SlotOf(a, b)];
    if (slot.used) return false;
    slot = {a, b, true};
    ++size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    T a{};
    T b{};
    bool used = false;
  };
  /// Where the pair is, or the empty slot where it would go (the table is at most half full).
  size_t SlotOf(const T& a, const T& b) const {
    uint64_t h = static_cast<uint64_t>(std::hash<T>{}(a)) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<uint64_t>(std::hash<T>{}(b)) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    const size_t mask = slots_.size() - 1;
    for (size_t at = h & mask;; at = (at + 1) & mask) {
      const Slot& s = slots_[at];
      if (!s.used || (s.a == a && s.b == b)) return at;
    }
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 32 : old.size() * 2, Slot{});
    for (const Slot& s : old)
      if (s.used) slots_[SlotOf(s.a, s.b)] = s;
  }

  std::vector<Slot> slots_;  ///< a power of two in size
  size_t size_ = 0;
};

}  // namespace dagport::parser
