#pragma once
/// A tree-sitter syntax tree of one Python source text, and the syntax errors tree-sitter
/// recovered from. Owns the parser, the tree and the text the nodes point into.

#include <tree_sitter/api.h>

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ir/diagnostic.h"
#include "parser/subtree_access.h"
#include "parser/tree_allocator.h"

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

/// The node's type name ("call", "identifier", ...), from a table built once per symbol:
/// cheaper than ts_node_type and strlen on every comparison.
std::string_view NodeType(TSNode node);

/// The S-expression of `node`'s subtree (`ts_node_string`, freed as tree-sitter allocated it).
std::string NodeSexp(TSNode node);

/// The child of `node` in field `name` (a string literal): the field's id is looked up once per
/// literal, where ts_node_child_by_field_name compares the name with every field's each time.
TSNode ChildByField(TSNode node, const char* name);

/// A pre-order walk of the subtree under a node, each node's children entered or skipped.
///
/// It counts the siblings left at each level, so it never asks the cursor for a sibling that is
/// not there: in tree-sitter 0.20 a failed `ts_tree_cursor_goto_next_sibling` climbs through the
/// levels above and scans them again before it gives up (half the cost of a walk).
class PreorderWalk {
 public:
  explicit PreorderWalk(TSNode root);
  ~PreorderWalk();
  PreorderWalk(const PreorderWalk&) = delete;
  PreorderWalk& operator=(const PreorderWalk&) = delete;

  TSNode Current() const {
    return direct_ ? direct_->Current() : ts_tree_cursor_current_node(&cursor_);
  }
  /// Moves on: into the current node's children when `descend`, else to the next node after
  /// it. False at the end of the walk.
  bool Next(bool descend);

 private:
  /// The walk on direct reads of the subtrees (parser/subtree_access.h), when they are in use;
  /// otherwise the cursor's.
  std::unique_ptr<DirectPreorder> direct_;
  TSTreeCursor cursor_{};       ///< made only when `direct_` is not
  std::vector<uint32_t> left_;  ///< siblings after the current node, at each level below the root
};

/// A node's children: up to eight held inline (most nodes), more on the heap.
class NodeList {
 public:
  void push_back(TSNode node) {
    if (size_ < kInline) {
      inline_[size_] = node;
    } else {
      if (size_ == kInline) heap_.assign(inline_.begin(), inline_.end());
      heap_.push_back(node);
    }
    ++size_;
  }
  const TSNode* begin() const { return size_ <= kInline ? inline_.data() : heap_.data(); }
  const TSNode* end() const { return begin() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const TSNode& operator[](size_t i) const { return begin()[i]; }

 private:
  static constexpr size_t kInline = 8;
  size_t size_ = 0;
  std::array<TSNode, kInline> inline_;
  std::vector<TSNode> heap_;
};

/// The named (or all) children of `node`. A node of up to six is read with ts_node_named_child
/// (node, i), which walks from the first child on every call: cheaper than a cursor's steps for
/// a few children, quadratic for many. A larger node's are walked with a cursor, kept per thread,
/// so a call allocates nothing for a node of up to eight children.
NodeList NamedChildren(TSNode node);
NodeList Children(TSNode node);

/// A replacement of bytes [begin, end) of a text by `text`, for incremental re-parsing.
struct TextEdit {
  uint32_t begin = 0, end = 0;
  std::string_view text;
};

class SyntaxTree {
 public:
  /// Parses `text` (kept by the tree). Never fails: tree-sitter recovers from errors, which
  /// `SyntaxErrors` reports.
  static SyntaxTree Parse(std::string text);
  /// Parses `text`, which is `old`'s text with `edits` applied (sorted, not overlapping), reusing
  /// what the edits left untouched of `old`'s tree: much cheaper than Parse for small edits.
  static SyntaxTree Reparse(const SyntaxTree& old, std::string text,
                            const std::vector<TextEdit>& edits);

  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  const std::string& text() const { return text_; }
  std::string_view NodeText(TSNode node) const;
  const LineIndex& lines() const { return *lines_; }
  ir::SourceRange Range(TSNode node) const;

  /// DP101 (or DP102 for Python 2 constructs) diagnostics for the ERROR and MISSING nodes,
  /// outermost first, at most `limit`. The last answer is kept: the converter asks twice for
  /// each file (its rules, then its analysis), and the scans cost about a tenth of a parse.
  std::vector<ir::Diagnostic> SyntaxErrors(const std::string& file, size_t limit = 20) const;

 private:
  struct TreeDeleter {
    /// Invalidates the node caches (ChildByField's...); the tree's memory goes with `arena_`.
    void operator()(TSTree* tree) const;
  };
  SyntaxTree(std::string text, TSTree* tree, std::shared_ptr<TreeArena> arena);
  void AddPython2Statements(const std::string& file, size_t limit,
                            std::vector<ir::Diagnostic>& out) const;
  /// Python 2 tokens the grammar accepts: `0777`, `10L`, `<>`, `ur"..."`, backticks.
  void AddPython2Tokens(const std::string& file, size_t limit,
                        std::vector<ir::Diagnostic>& out) const;

  std::vector<ir::Diagnostic> FindSyntaxErrors(const std::string& file, size_t limit) const;

  /// The last SyntaxErrors answer, and what it was asked for.
  struct ErrorsMemo {
    std::mutex mutex;
    bool valid = false;
    std::string file;
    size_t limit = 0;
    std::vector<ir::Diagnostic> errors;
  };

  std::string text_;
  std::shared_ptr<TreeArena> arena_;  ///< the tree's memory; outlives `tree_`
  std::unique_ptr<TSTree, TreeDeleter> tree_;
  std::unique_ptr<LineIndex> lines_;
  std::unique_ptr<ErrorsMemo> errors_memo_ = std::make_unique<ErrorsMemo>();
};

}  // namespace dagport::parser
