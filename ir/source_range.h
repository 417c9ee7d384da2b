#pragma once
/// Where something is in a source file. Lines and columns are 1-based; columns count Unicode
/// code points, as editors and SARIF's "unicodeCodePoints" column kind do. Line 0 means unknown.

#include <cstdint>

namespace dagport::ir {

struct SourceRange {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;

  bool known() const { return line != 0; }
  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

}  // namespace dagport::ir
