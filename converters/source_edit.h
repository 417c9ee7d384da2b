#pragma once
/// `EditList`: the changes a converter makes to one source file, as byte-range replacements on
/// the original text. Everything outside the edited ranges (comments, blank lines, quoting,
/// formatting) is copied as it was, so a reviewer's diff holds only real changes.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dagport::converters {

struct Edit {
  uint32_t begin = 0;  ///< byte offset in the original text
  uint32_t end = 0;    ///< one past the last replaced byte; == begin for an insertion
  std::string text;    ///< what the range becomes
  uint32_t order = 0;  ///< insertions at one offset are applied in the order they were made
  bool claim = false;  ///< replaces its range whatever other edits lie inside it (`Claim`)
};

/// Two edits that touch the same bytes: a bug in a rule, reported for the file instead of
/// producing a mangled one.
class EditConflict : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class EditList {
 public:
  void Replace(uint32_t begin, uint32_t end, std::string text);
  void Insert(uint32_t at, std::string text) { Replace(at, at, std::move(text)); }
  void Delete(uint32_t begin, uint32_t end) { Replace(begin, end, ""); }
  /// A replacement that wins over the edits other rules make strictly inside its range: they
  /// are dropped (a rule that rewrites a whole construct claims it, and what other rules would
  /// change in the text it removes does not matter). Claims must not overlap each other.
  void Claim(uint32_t begin, uint32_t end, std::string text);

  bool empty() const { return edits_.empty(); }
  size_t size() const { return edits_.size(); }
  /// True when [begin, end) overlaps a replacement already made (insertions overlap nothing).
  bool Touches(uint32_t begin, uint32_t end) const;
  /// True when `text` is already inserted at `at`.
  bool HasInsert(uint32_t at, std::string_view text) const;
  /// True when anything is already inserted at `at`.
  bool InsertsAt(uint32_t at) const;

  /// The original with every edit applied. Throws EditConflict when two replacements overlap
  /// or an edit lies outside the text.
  std::string Apply(std::string_view original) const;
  /// The edits in the order Apply applies them. Throws EditConflict like Apply.
  std::vector<Edit> Sorted(std::string_view original) const;

 private:
  std::vector<Edit> edits_;
};

}  // namespace dagport::converters
