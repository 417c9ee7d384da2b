#pragma once
/// A tree-sitter syntax tree of one Python source text, and the syntax errors tree-sitter
/// recovered from. Owns the parser, the tree and the text the nodes point into.

#include <tree_sitter/api.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/diagnostic.h"

namespace dagport::parser {

/// The tree-sitter-python grammar compiled into dagport.
const TSLanguage* PythonLanguage();

/// Empty when the installed tree-sitter runtime accepts the grammar's ABI, otherwise a one-line
/// explanation (the runtime's `ts_parser_set_language` rejects it).
std::string CheckPythonGrammar();

/// Converts tree-sitter's byte positions into 1-based line and code-point columns.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  ir::SourceRange Range(TSPoint start, TSPoint end) const;
  uint32_t Column(TSPoint p) const;  ///< 1-based code-point column of a point

 private:
  std::string_view text_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line's start
};

class SyntaxTree {
 public:
  /// Parses `text` (kept by the tree). Never fails: tree-sitter recovers from errors, which
  /// `SyntaxErrors` reports.
  static SyntaxTree Parse(std::string text);

  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  const std::string& text() const { return text_; }
  std::string_view NodeText(TSNode node) const;
  const LineIndex& lines() const { return *lines_; }
  ir::SourceRange Range(TSNode node) const;

  /// DP101 (or DP102 for Python 2 constructs) diagnostics for the ERROR and MISSING nodes,
  /// outermost first, at most `limit`.
  std::vector<ir::Diagnostic> SyntaxErrors(const std::string& file, size_t limit = 20) const;

 private:
  struct TreeDeleter {
    void operator()(TSTree* t) const { ts_tree_delete(t); }
  };
  SyntaxTree(std::string text, TSTree* tree);
  void AddPython2Statements(const std::string& file, size_t limit,
                            std::vector<ir::Diagnostic>& out) const;

  std::string text_;
  std::unique_ptr<TSTree, TreeDeleter> tree_;
  std::unique_ptr<LineIndex> lines_;
};

}  // namespace dagport::parser
