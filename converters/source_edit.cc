#include "converters/source_edit.h"

#include <algorithm>

#include <fmt/format.h>

namespace dagport::converters {

void EditList::Replace(uint32_t begin, uint32_t end, std::string text) {
  if (end < begin) std::swap(begin, end);
  edits_.push_back(
      Edit{begin, end, std::move(text), static_cast<uint32_t>(edits_.size()), /*claim=*/false});
}

void EditList::Claim(uint32_t begin, uint32_t end, std::string text) {
  Replace(begin, end, std::move(text));
  edits_.back().claim = true;
}

bool EditList::Touches(uint32_t begin, uint32_t end) const {
  for (const Edit& e : edits_) {
    if (e.begin == e.end || begin == end) continue;
    if (begin < e.end && e.begin < end) return true;
  }
  return false;
}

bool EditList::HasInsert(uint32_t at, std::string_view text) const {
  for (const Edit& e : edits_) {
    if (e.begin == at && e.end == at && e.text == text) return true;
  }
  return false;
}

bool EditList::InsertsAt(uint32_t at) const {
  for (const Edit& e : edits_) {
    if (e.begin == at && e.end == at) return true;
  }
  return false;
}

std::vector<Edit> EditList::Sorted(std::string_view original) const {
  std::vector<Edit> sorted = edits_;
  // Edits inside a claimed range give way to the claim (insertions at its ends stay).
  for (const Edit& c : edits_) {
    if (!c.claim || c.begin == c.end) continue;
    std::erase_if(sorted, [&](const Edit& e) {
      if (e.claim) return false;
      if (e.begin == e.end) return c.begin < e.begin && e.begin < c.end;
      return c.begin <= e.begin && e.end <= c.end;
    });
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const Edit& a, const Edit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    // At one offset: insertions first (in the order made), then the replacement.
    const bool a_insert = a.begin == a.end, b_insert = b.begin == b.end;
    if (a_insert != b_insert) return a_insert;
    return a.order < b.order;
  });
  uint32_t cursor = 0;
  for (const Edit& e : sorted) {
    if (e.end > original.size()) {
      throw EditConflict(fmt::format("edit at bytes {}..{} lies outside the {}-byte text", e.begin,
                                     e.end, original.size()));
    }
    if (e.begin < cursor) {
      throw EditConflict(
          fmt::format("two edits overlap at byte {} (the second would replace "
                      "'{}')",
                      e.begin, original.substr(e.begin, e.end - e.begin)));
    }
    cursor = e.end;
  }
  return sorted;
}

std::string EditList::Apply(std::string_view original) const {
  std::string out;
  out.reserve(original.size() + 256);
  uint32_t cursor = 0;
  for (const Edit& e : Sorted(original)) {
    out.append(original.substr(cursor, e.begin - cursor));
    out.append(e.text);
    cursor = e.end;
  }
  out.append(original.substr(cursor));
  return out;
}

}  // namespace dagport::converters
