#pragma once
/// The dependencies a file's code made, each once: (upstream, downstream) task pairs in one
/// open-addressing array. A node-based set allocated a node per dependency, and every `>>` of
/// a DAG file asks it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dagport::parser {

struct TaskObj;

class EdgeSet {
 public:
  /// Adds the dependency; false when it was there already.
  bool Insert(const TaskObj* up, const TaskObj* down) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Slot& slot = slots_[SlotOf(up, down)];
    if (slot.up != nullptr) return false;
    slot = {up, down};
    ++size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    const TaskObj* up = nullptr;  ///< null: empty (a dependency's tasks never are)
    const TaskObj* down = nullptr;
  };
  /// Where the pair is, or the empty slot where it would go. The table is at most half full.
  size_t SlotOf(const TaskObj* up, const TaskObj* down) const {
    uint64_t h = reinterpret_cast<uintptr_t>(up) * 0x9E3779B97F4A7C15ULL;
    h ^= reinterpret_cast<uintptr_t>(down) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    const size_t mask = slots_.size() - 1;
    for (size_t at = h & mask;; at = (at + 1) & mask) {
      const Slot& s = slots_[at];
      if (s.up == nullptr || (s.up == up && s.down == down)) return at;
    }
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    for (const Slot& s : old)
      if (s.up != nullptr) slots_[SlotOf(s.up, s.down)] = s;
  }

  std::vector<Slot> slots_;  ///< a power of two in size
  size_t size_ = 0;
};

}  // namespace dagport::parser
