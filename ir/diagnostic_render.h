#pragma once
/// Renderings of diagnostics: compiler-style text (with the source line and a caret), JSON, and
/// SARIF 2.1.0 for code-scanning tools and editors.

#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/value_json.h"

namespace dagport::ir {

/// Returns the text of line `line` (1-based) of `file`, without its newline, or nullopt.
using SourceLineLookup =
    std::function<std::optional<std::string>(const std::string& file, uint32_t line)>;

/// A SourceLineLookup that reads files from disk and keeps the lines of the files it read last
/// (diagnostics come grouped by file, so a few are enough; a folder of 10,000 files is not
/// held in memory). Files added with Add are kept.
class SourceLineCache {
 public:
  std::optional<std::string> Line(const std::string& file, uint32_t line);
  /// Adds a file's text without reading it from disk (used by tests and for stdin).
  void Add(const std::string& file, std::string_view text);
  SourceLineLookup AsLookup() {
    return [this](const std::string& f, uint32_t l) { return Line(f, l); };
  }

 private:
  static constexpr size_t kRecentFiles = 16;
  /// A file's bytes and where each of its lines starts (split at '\n'; a '\r' before it is
  /// not part of the line): one block per file where a string per line made hundreds.
  struct Text {
    std::string bytes;
    std::vector<uint32_t> starts;
  };
  static Text Index(std::string bytes);
  std::unordered_map<std::string, std::optional<Text>> files_;
  std::deque<std::string> read_;  ///< files read from disk, oldest first
};

struct TextStyle {
  bool color = false;  ///< ANSI colours (only on a terminal, and never with NO_COLOR set)
};

/// `file:line:col: severity[CODE]: message`, the source line with a caret under the range, and
/// the hint. One block per diagnostic, in the given order.
std::string RenderText(std::span<const Diagnostic> diagnostics, const SourceLineLookup& lines,
                       TextStyle style = {});
inline std::string RenderText(const std::vector<Diagnostic>& diagnostics,
                              const SourceLineLookup& lines, TextStyle style = {}) {
  return RenderText(std::span<const Diagnostic>(diagnostics), lines, style);
}

/// RenderText with the source lines read from the files (a SourceLineCache), on up to `jobs`
/// threads: the diagnostics are cut into runs where the file changes, each run is rendered with
/// its own cache, and the texts are joined in order. The same text as RenderText with one
/// SourceLineCache; a conversion of 10,000 files renders tens of thousands of diagnostics.
std::string RenderTextFromFiles(const std::vector<Diagnostic>& diagnostics, unsigned jobs,
                                TextStyle style = {});

/// A one-line tally: "2 errors, 1 warning" (empty when there is nothing).
std::string RenderSummary(const std::vector<Diagnostic>& diagnostics);

/// `{"diagnostics": [...]}` as in docs/diagnostics.md.
Json RenderJson(const std::vector<Diagnostic>& diagnostics);

/// A SARIF 2.1.0 log with one run: the rules used, and one result per diagnostic.
Json RenderSarif(const std::vector<Diagnostic>& diagnostics, const std::string& tool_version);

/// True when colour should be used on the stream with descriptor `fd`: a terminal, and the
/// NO_COLOR environment variable unset or empty (https://no-color.org).
bool ShouldUseColor(int fd);

}  // namespace dagport::ir
