#include "parser/syntax_tree.h"

#include <atomic>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

extern "C" const TSLanguage* tree_sitter_python();

namespace dagport::parser {

namespace {

struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};

/// A parser for one parse, made in the parse's arena (parser/tree_allocator.h): a parser keeps
/// pools of the nodes and stacks it freed, which must not outlive the arena they came from.
std::unique_ptr<TSParser, ParserDeleter> NewParser() {
  std::unique_ptr<TSParser, ParserDeleter> p(ts_parser_new());
  if (!ts_parser_set_language(p.get(), PythonLanguage())) {
    throw std::runtime_error(CheckPythonGrammar());
  }
  return p;
}

/// What parsing `text_bytes` of Python likely allocates: about 20 bytes per byte of source (38
/// for a small file), and the parser's own stacks.
size_t ExpectedTreeBytes(size_t text_bytes) {
  return 24 * text_bytes + (48 << 10);
}

/// Parses `text` (from `old`, an edited tree of the same arena, when not null) with a parser made
/// and dropped in `arena`, which holds the new tree.
TSTree* ParseInArena(TreeArena& arena, const std::string& text, TSTree* old) {
  TreeArenaScope scope(arena);
  const std::unique_ptr<TSParser, ParserDeleter> parser = NewParser();
  TSTree* tree =
      ts_parser_parse_string(parser.get(), old, text.data(), static_cast<uint32_t>(text.size()));
  if (tree == nullptr) throw std::runtime_error("tree-sitter failed to parse");
  return tree;
}

/// A short description of what a Python 2 file does that Python 3 rejects, or empty.
std::string Python2Construct(std::string_view line) {
  std::string_view s = line.substr(std::min(line.find_first_not_of(" \t"), line.size()));
  auto starts_word = [&](std::string_view w) {
    return s.starts_with(w) && (s.size() == w.size() || s[w.size()] == ' ' || s[w.size()] == '\t');
  };
  if (starts_word("print") && !s.starts_with("print(") && s.find('=') == std::string_view::npos) {
    return "print statement (Python 2)";
  }
  if (starts_word("exec") && !s.starts_with("exec(")) return "exec statement (Python 2)";
  if (s.starts_with("except") && s.find(',') != std::string_view::npos &&
      s.find(" as ") == std::string_view::npos && s.find('(') == std::string_view::npos) {
    return "`except X, e` (Python 2)";
  }
  if (s.starts_with("raise ") && s.find(',') != std::string_view::npos &&
      s.find('(') == std::string_view::npos) {
    return "`raise E, msg` (Python 2)";
  }
  return {};
}

}  // namespace

PreorderWalk::PreorderWalk(TSNode root) {
  if (DirectSubtreeAccess()) {
    direct_ = std::make_unique<DirectPreorder>(root);
  } else {
    cursor_ = ts_tree_cursor_new(root);
  }
}

PreorderWalk::~PreorderWalk() {
  if (!direct_) ts_tree_cursor_delete(&cursor_);
}

bool PreorderWalk::Next(bool descend) {
  if (direct_) return direct_->Next(descend);
  if (descend) {
    const uint32_t children = ts_node_child_count(Current());
    if (children != 0 && ts_tree_cursor_goto_first_child(&cursor_)) {
      left_.push_back(children - 1);
      return true;
    }
  }
  while (!left_.empty()) {
    // The count and the cursor agree (both go by the visible children); should they not, the
    // cursor's answer wins.
    if (left_.back() != 0 && ts_tree_cursor_goto_next_sibling(&cursor_)) {
      --left_.back();
      return true;
    }
    left_.pop_back();
    ts_tree_cursor_goto_parent(&cursor_);
  }
  return false;
}

const TSLanguage* PythonLanguage() {
  return tree_sitter_python();
}

namespace {
/// One cursor per thread, reset for each walk: ts_tree_cursor_new allocates its stack.
struct ThreadCursor {
  TSTreeCursor cursor;
  explicit ThreadCursor(TSNode node) : cursor(ts_tree_cursor_new(node)) {}
  ~ThreadCursor() { ts_tree_cursor_delete(&cursor); }
  ThreadCursor(const ThreadCursor&) = delete;
  ThreadCursor& operator=(const ThreadCursor&) = delete;
};

/// The thread's cursor, reset to `node`. Valid until the next call on the same thread.
TSTreeCursor* ThreadTreeCursor(TSNode node) {
  thread_local ThreadCursor walker(node);
  ts_tree_cursor_reset(&walker.cursor, node);
  return &walker.cursor;
}

/// Bumped whenever a tree is freed: a node of a freed tree must not be found in the caches
/// below (its memory may hold another tree's node by now). Each entry records the generation
/// it was made in, so that a cache is never cleared as a whole.
std::atomic<uint64_t> tree_generation{0};

/// Where a node's entry goes in a direct-mapped cache of `size` (a power of two) entries.
size_t Slot(const void* id, uintptr_t salt, size_t size) {
  const auto key = reinterpret_cast<uintptr_t>(id);
  return ((key >> 4) ^ (key >> 16) ^ (salt * 0x9E37u)) & (size - 1);
}

/// Up to this many children are read directly (`ts_node_child(node, i)` costs about 120
/// instructions per child before the i-th, a cursor step about 500): the count that made
/// `dagport inspect` cheapest on the bench folder (3: -6 M, 6: -7.6 M, 10: -6.9 M instructions
/// on 150 files).
constexpr uint32_t kDirectChildren = 6;

/// A node's children through the public API (ChildrenOf reads them directly when it can).
NodeList WalkChildren(TSNode node, bool named_only) {
  NodeList out;
  const uint32_t count = named_only ? ts_node_named_child_count(node) : ts_node_child_count(node);
  if (count <= kDirectChildren) {
    for (uint32_t i = 0; i < count; ++i)
      out.push_back(named_only ? ts_node_named_child(node, i) : ts_node_child(node, i));
    return out;
  }
  TSTreeCursor* cursor = ThreadTreeCursor(node);
  if (ts_tree_cursor_goto_first_child(cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(cursor);
      if (!named_only || ts_node_is_named(child)) out.push_back(child);
    } while (ts_tree_cursor_goto_next_sibling(cursor));
  }
  return out;
}

/// A cursor walk costs 400-700 instructions per child in tree-sitter 0.20 (it descends through
/// the grammar's hidden nodes), and four child lists in ten are asked for again: a statement in
/// a loop body or in a function called many times. A small direct-mapped cache per thread,
/// keyed by node, tree, generation and kind; a hit is a copy of the list.
struct ChildrenCache {
  struct Entry {
    const void* id = nullptr;
    const TSTree* tree = nullptr;
    uint64_t generation = 0;
    bool named_only = false;
    NodeList list;
  };
  static constexpr size_t kSize = 1024;
  std::vector<Entry> entries = std::vector<Entry>(kSize);

  NodeList Get(TSNode node, bool named_only) {
    const uint64_t now = tree_generation.load(std::memory_order_relaxed);
    Entry& e = entries[Slot(node.id, named_only ? 1 : 0, kSize)];
    if (e.id == node.id && e.tree == node.tree && e.generation == now && e.named_only == named_only)
      return e.list;
    NodeList list = WalkChildren(node, named_only);
    e.id = node.id, e.tree = node.tree, e.generation = now, e.named_only = named_only;
    e.list = list;
    return list;
  }
};

NodeList ChildrenOf(TSNode node, bool named_only) {
  if (ts_node_is_null(node) || ts_node_child_count(node) == 0) return {};
  // Read directly, a list costs less than the cache's lookup and the cache lines its 320 KB
  // evict (docs/performance.md, sixteenth session); the cache serves the public API's reads.
  if (NodeList out; AppendChildren(node, named_only, out)) return out;
  thread_local ChildrenCache cache;
  return cache.Get(node, named_only);
}
}  // namespace

NodeList NamedChildren(TSNode node) {
  return ChildrenOf(node, true);
}

namespace {

/// ts_node_child_by_field_id costs hundreds of instructions in tree-sitter 0.20, and the
/// evaluator asks for the same children again in loops and in functions called many times: a
/// small direct-mapped cache per thread, keyed by node, tree and field, of `kSize` entries.
/// On the direct reads a miss costs about a hundred instructions, and a cache of 256 entries
/// (16 KB) keeps the repeats without evicting the tree's and the IR's cache lines, which the
/// public API's 4,096 (256 KB) did: `dagport inspect` 5% faster (docs/performance.md).
template <size_t kSize>
struct FieldCache {
  struct Entry {
    const void* id = nullptr;
    const TSTree* tree = nullptr;
    uint64_t generation = 0;
    TSFieldId field = 0;
    TSNode child{};
  };
  std::array<Entry, kSize> entries{};  // constant-initialised: no guard on each access

  TSNode Get(TSNode node, TSFieldId field) {
    const uint64_t now = tree_generation.load(std::memory_order_relaxed);
    Entry& e = entries[Slot(node.id, field, kSize)];
    if (e.id == node.id && e.tree == node.tree && e.generation == now && e.field == field)
      return e.child;
    const TSNode child = ChildByFieldId(node, field);
    e = Entry{node.id, node.tree, now, field, child};
    return child;
  }
};

}  // namespace

void SyntaxTree::TreeDeleter::operator()(TSTree* /*tree*/) const {
  // Every tree is in its arena and goes with it, after this: no ts_tree_delete walk.
  tree_generation.fetch_add(1, std::memory_order_relaxed);
}

TSNode ChildByField(TSNode node, const char* name) {
  // The literal's field id, in a small table keyed by the literal's address.
  struct Literal {
    const char* name = nullptr;
    TSFieldId id = 0;
  };
  thread_local std::array<Literal, 256> ids{};
  const auto key = reinterpret_cast<uintptr_t>(name);
  Literal& literal = ids[(key ^ (key >> 8)) & 255];
  if (literal.name != name) {
    // Two literals in one slot take turns: the id comes from a map by address, not from the
    // grammar's list of names (a string comparison per field name).
    thread_local std::unordered_map<const char*, TSFieldId> known;
    auto [it, added] = known.try_emplace(name, 0);
    if (added)
      it->second = ts_language_field_id_for_name(PythonLanguage(), name,
                                                 static_cast<uint32_t>(std::strlen(name)));
    literal.name = name;
    literal.id = it->second;
  }
  const TSFieldId id = literal.id;
  if (ts_node_is_null(node) || id == 0) return ts_node_child_by_field_id(node, id);
  if (DirectSubtreeAccess()) {
    thread_local FieldCache<256> children;
    return children.Get(node, id);
  }
  thread_local FieldCache<4096> children;
  return children.Get(node, id);
}

std::string_view NodeType(TSNode node) {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> table;
    const TSLanguage* language = PythonLanguage();
    const uint32_t count = ts_language_symbol_count(language);
    table.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      const char* name = ts_language_symbol_name(language, static_cast<TSSymbol>(i));
      table.emplace_back(name != nullptr ? name : "");
    }
    return table;
  }();
  const TSSymbol symbol = ts_node_symbol(node);
  if (symbol < names.size()) return names[symbol];
  return ts_node_type(node);  // ERROR (65535) and anything outside the table
}
std::string NodeSexp(TSNode node) {
  char* text = ts_node_string(node);
  std::string out(text);
  FreeTreeBlock(text);
  return out;
}

NodeList Children(TSNode node) {
  return ChildrenOf(node, false);
}

std::string CheckPythonGrammar() {
  UseTreeAllocator();
  std::unique_ptr<TSParser, ParserDeleter> p(ts_parser_new());
  if (ts_parser_set_language(p.get(), PythonLanguage())) return {};
  return fmt::format(
      "the tree-sitter runtime (language ABI {}..{}) rejects the tree-sitter-python grammar "
      "(ABI {}): pin tree-sitter-python 0.23.6 and rerun scripts/install-deps",
      TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION, TREE_SITTER_LANGUAGE_VERSION,
      ts_language_version(PythonLanguage()));
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
  // memchr from one newline to the next: lines average 30-40 bytes, a byte loop cost a
  // branch per byte (0.5% of `dagport inspect`).
  line_starts_.reserve(text.size() / 32 + 1);
  line_starts_.push_back(0);
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end;) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) break;
    line_starts_.push_back(static_cast<uint32_t>(nl - begin + 1));
    p = nl + 1;
  }
}

uint32_t LineIndex::Column(TSPoint p) const {
  if (p.row >= line_starts_.size()) return p.column + 1;
  const size_t start = line_starts_[p.row];
  const size_t end = std::min(text_.size(), start + p.column);
  uint32_t column = 1;
  for (size_t i = start; i < end; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

ir::SourceRange LineIndex::Range(TSPoint start, TSPoint end) const {
  return ir::SourceRange{start.row + 1, Column(start), end.row + 1, Column(end)};
}

SyntaxTree::SyntaxTree(std::string text, TSTree* tree, std::shared_ptr<TreeArena> arena)
    : text_(std::move(text)),
      arena_(std::move(arena)),
      tree_(tree),
      lines_(std::make_unique<LineIndex>(text_)) {}

SyntaxTree SyntaxTree::Parse(std::string text) {
  if (text.size() > UINT32_MAX) throw std::length_error("source text larger than 4 GiB");
  UseTreeAllocator();
  auto arena = std::make_shared<TreeArena>(ExpectedTreeBytes(text.size()));
  TSTree* tree = ParseInArena(*arena, text, nullptr);
  return SyntaxTree(std::move(text), tree, std::move(arena));
}

namespace {

/// Where `text` ends when it starts at `from`.
TSPoint Advance(TSPoint from, std::string_view text) {
  for (char c : text) {
    if (c == '\n') {
      ++from.row;
      from.column = 0;
    } else {
      ++from.column;
    }
  }
  return from;
}

}  // namespace

SyntaxTree SyntaxTree::Reparse(const SyntaxTree& old, std::string text,
                               const std::vector<TextEdit>& edits) {
  if (text.size() > UINT32_MAX) throw std::length_error("source text larger than 4 GiB");
  const std::string_view before = old.text_;
  // Where each edit starts, in one pass over the old text.
  std::vector<TSPoint> starts;
  starts.reserve(edits.size());
  TSPoint point{0, 0};
  uint32_t offset = 0;
  for (const TextEdit& e : edits) {
    if (e.end > before.size() || e.begin > e.end || e.begin < offset) {
      return Parse(std::move(text));  // not sorted edits of this text: parse from scratch
    }
    point = Advance(point, before.substr(offset, e.begin - offset));
    offset = e.begin;
    starts.push_back(point);
  }
  // The new tree shares the nodes the edits left alone with the old one: its arena keeps the old
  // tree's alive. The edited copy of the old tree is the new arena's too, dropped with it.
  auto arena = std::make_shared<TreeArena>(ExpectedTreeBytes(text.size()) / 4, old.arena_);
  TSTree* edited = nullptr;
  {
    TreeArenaScope scope(*arena);
    edited = ts_tree_copy(old.tree_.get());
    // Last edit first: the positions before an edit are the same in the old and the new text.
    for (size_t k = edits.size(); k-- > 0;) {
      const TextEdit& e = edits[k];
      TSInputEdit edit;
      edit.start_byte = e.begin;
      edit.old_end_byte = e.end;
      edit.new_end_byte = e.begin + static_cast<uint32_t>(e.text.size());
      edit.start_point = starts[k];
      edit.old_end_point = Advance(starts[k], before.substr(e.begin, e.end - e.begin));
      edit.new_end_point = Advance(starts[k], e.text);
      ts_tree_edit(edited, &edit);
    }
  }
  TSTree* tree = ParseInArena(*arena, text, edited);
  return SyntaxTree(std::move(text), tree, std::move(arena));
}

std::string_view SyntaxTree::NodeText(TSNode node) const {
  const uint32_t begin = std::min<uint32_t>(ts_node_start_byte(node), text_.size());
  const uint32_t end = std::min<uint32_t>(ts_node_end_byte(node), text_.size());
  return std::string_view(text_).substr(begin, end > begin ? end - begin : 0);
}

ir::SourceRange SyntaxTree::Range(TSNode node) const {
  return lines_->Range(ts_node_start_point(node), ts_node_end_point(node));
}

namespace {

bool ChildHasError(TSNode node) {
  for (TSNode child : Children(node)) {
    if (ts_node_has_error(child) || ts_node_is_missing(child)) return true;
  }
  return false;
}

/// Where the error is in a node that holds one no visible descendant shows: a MISSING hidden
/// token (the newline between two statements written on one line) is not a node the cursor
/// visits. The child after the gap where it is missing, else the node itself.
TSNode HiddenErrorPlace(TSNode node) {
  const NodeList children = NamedChildren(node);
  for (size_t i = 1; i < children.size(); ++i) {
    if (ts_node_start_point(children[i]).row == ts_node_end_point(children[i - 1]).row)
      return children[i];
  }
  return node;
}

}  // namespace

std::vector<ir::Diagnostic> SyntaxTree::SyntaxErrors(const std::string& file, size_t limit) const {
  ErrorsMemo& memo = *errors_memo_;
  {
    std::lock_guard lock(memo.mutex);
    if (memo.valid && memo.limit == limit && memo.file == file) return memo.errors;
  }
  std::vector<ir::Diagnostic> errors = FindSyntaxErrors(file, limit);
  std::lock_guard lock(memo.mutex);
  memo.valid = true;
  memo.file = file;
  memo.limit = limit;
  memo.errors = errors;
  return errors;
}

std::vector<ir::Diagnostic> SyntaxTree::FindSyntaxErrors(const std::string& file,
                                                         size_t limit) const {
  std::vector<ir::Diagnostic> out;
  if (!ts_node_has_error(root())) {
    AddPython2Statements(file, limit, out);
    AddPython2Tokens(file, limit, out);
    return out;
  }
  // Iterative walk: only descend into subtrees that contain an error.
  PreorderWalk walk(root());
  bool done = false;
  while (!done && out.size() < limit) {
    TSNode node = walk.Current();
    bool descend = false;
    const bool hidden = ts_node_has_error(node) && !ts_node_is_missing(node) &&
                        ts_node_symbol(node) != static_cast<TSSymbol>(-1) && !ChildHasError(node);
    if (hidden) node = HiddenErrorPlace(node);
    if (hidden || ts_node_symbol(node) == static_cast<TSSymbol>(-1) ||
        ts_node_is_missing(node)) {  // ERROR node
      ir::SourceRange where = Range(node);
      std::string_view line_text;
      {
        const std::string_view all = text_;
        size_t start = 0;
        for (uint32_t l = 1; l < where.line && start != std::string_view::npos; ++l) {
          start = all.find('\n', start);
          if (start != std::string_view::npos) ++start;
        }
        if (start != std::string_view::npos) {
          line_text = all.substr(start, all.find('\n', start) - start);
        }
      }
      if (std::string py2 = Python2Construct(line_text); !py2.empty()) {
        out.push_back(
            ir::MakeDiagnostic("DP102", file, where, "Python 2 syntax: " + py2,
                               "Airflow 2 needs Python 3: port the file (for example with 2to3)"));
      } else if (ts_node_is_missing(node)) {
        out.push_back(ir::MakeDiagnostic(
            "DP101", file, where, fmt::format("syntax error: missing '{}'", ts_node_type(node)),
            "add what is missing; dagport analysed the rest of the file"));
      } else {
        std::string_view snippet = NodeText(node).substr(0, 40);
        snippet = snippet.substr(0, snippet.find('\n'));
        out.push_back(ir::MakeDiagnostic("DP101", file, where,
                                         snippet.empty()
                                             ? std::string("syntax error")
                                             : fmt::format("syntax error near '{}'", snippet),
                                         "fix the syntax here; dagport analysed what it could "
                                         "recover, Airflow would not load the file"));
      }
    } else if (ts_node_has_error(node)) {
      descend = true;
    }
    done = !walk.Next(descend);
  }
  AddPython2Statements(file, limit, out);
  AddPython2Tokens(file, limit, out);
  return out;
}

}  // namespace dagport::parser
