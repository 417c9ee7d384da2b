#pragma once
/// Reads a Python source file as Python 3 would: UTF-8 (a BOM is dropped), or the Latin-1
/// family when a PEP 263 coding declaration says so. Binary files, invalid UTF-8 and files over
/// the size bound are refused with a diagnostic that says where and why.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/diagnostic.h"

namespace dagport::parser {

inline constexpr size_t kMaxSourceBytes = 32u << 20;  // 32 MiB

struct SourceText {
  std::optional<std::string> text;  ///< UTF-8; nullopt when the file cannot be analysed
  std::vector<ir::Diagnostic> diagnostics;
};

/// The one-character range at byte `offset` of UTF-8 `text` (columns in code points).
ir::SourceRange PositionOf(std::string_view text, size_t offset);

/// Decodes bytes of `file` (used only in messages) into UTF-8 text.
SourceText DecodeSource(std::string bytes, const std::string& file);

/// Reads and decodes `path`; `file` is how messages name it.
SourceText ReadSource(const std::string& path, const std::string& file,
                      size_t max_bytes = kMaxSourceBytes);

}  // namespace dagport::parser
