#include "converters/airflow2/converted_nodes.h"

#include <algorithm>
#include <string_view>

namespace dagport::converters::airflow2 {

namespace {

enum : uint8_t { kCall = 1, kImport = 2, kShareable = 4 };

/// What the walk needs to know of each grammar symbol.
const std::vector<uint8_t>& SymbolFlags() {
  static const std::vector<uint8_t> table = [] {
    const TSLanguage* language = parser::PythonLanguage();
    const uint32_t count = ts_language_symbol_count(language);
    std::vector<uint8_t> t(count, 0);
    for (uint32_t i = 0; i < count; ++i) {
      const auto symbol = static_cast<TSSymbol>(i);
      if (ts_language_symbol_type(language, symbol) != TSSymbolTypeRegular) continue;
      const std::string_view name = ts_language_symbol_name(language, symbol);
      if (name == "call") t[i] |= kCall;
      if (name == "import_statement" || name == "import_from_statement") t[i] |= kImport;
      // The nodes the original's table holds: statements and what holds statements, where a
      // whole unchanged subtree is met first, and calls.
      if (name == "call" || name == "module" || name == "block" || name.ends_with("_statement") ||
          name.ends_with("_definition") || name.ends_with("_clause"))
        t[i] |= kShareable;
    }
    return t;
  }();
  return table;
}

uint8_t FlagsOf(TSNode node, const std::vector<uint8_t>& table) {
  const TSSymbol symbol = ts_node_symbol(node);
  return symbol < table.size() ? table[symbol] : 0;
}

/// A node's bytes. Pre-order: by start, an enclosing node before the nodes inside it.
struct Span {
  uint32_t begin = 0, end = 0;
  bool operator<(const Span& o) const { return begin != o.begin ? begin < o.begin : end > o.end; }
};

Span SpanOf(TSNode node) {
  return {ts_node_start_byte(node), ts_node_end_byte(node)};
}

/// The original tree, as the walk of the converted tree asks about it.
class Original {
 public:
  Original(const parser::SyntaxTree& tree, const NodeIndex& nodes)
      : tree_(tree), calls_(nodes.Of("call")) {
    call_spans_.reserve(calls_.size());
    for (TSNode call : calls_) call_spans_.push_back(SpanOf(call));
    for (TSNode statement : nodes.ImportStatements())
      import_starts_.push_back(ts_node_start_byte(statement));
    // The statements, the blocks and the calls by id, in a table of open addressing at most half
    // full. Not every named node: the walk of the converted tree meets an unchanged statement
    // before anything inside it, and goes into the few nodes of a changed one until it meets
    // their calls. (A table of every node was most of the walk's cache misses.)
    const std::vector<uint8_t>& flags = SymbolFlags();
    auto indexed = [&](const std::vector<TSNode>& list) {
      if (list.empty()) return false;
      const TSSymbol symbol = ts_node_symbol(list.front());
      return symbol < flags.size() && (flags[symbol] & kShareable) != 0;
    };
    size_t count = 0;
    for (const std::vector<TSNode>& list : nodes.ByType())
      if (indexed(list)) count += list.size();
    while ((size_t{1} << bits_) < 2 * count + 2) ++bits_;
    by_id_.resize(size_t{1} << bits_);
    for (const std::vector<TSNode>& list : nodes.ByType()) {
      if (!indexed(list)) continue;
      for (TSNode node : list) {
        size_t i = Slot(node.id);
        while (by_id_[i].id != nullptr && by_id_[i].id != node.id) i = Next(i);
        by_id_[i] = node;
      }
    }
  }

  /// The original's node with this id, or nullptr.
  const TSNode* Find(const void* id) const {
    for (size_t i = Slot(id); by_id_[i].id != nullptr; i = Next(i)) {
      if (by_id_[i].id == id) return &by_id_[i];
    }
    return nullptr;
  }

  /// Appends the original's calls inside `node` (one of its nodes), moved by `line_shift`.
  void AddCallsIn(TSNode node, int64_t line_shift, std::vector<ConvertedCall>& out) const {
    const Span span = SpanOf(node);
    // The first call that starts in the node and is not one of its ancestors.
    auto i = static_cast<size_t>(std::lower_bound(call_spans_.begin(), call_spans_.end(), span) -
                                 call_spans_.begin());
    for (; i < calls_.size() && call_spans_[i].begin < span.end; ++i)
      out.push_back(ConvertedCall{&tree_, calls_[i], line_shift});
  }

  /// True when an import statement of the original starts in [begin, end).
  bool ImportsIn(uint32_t begin, uint32_t end) const {
    auto it = std::lower_bound(import_starts_.begin(), import_starts_.end(), begin);
    return it != import_starts_.end() && *it < end;
  }

 private:
  size_t Slot(const void* id) const {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(id) * 0x9E3779B97F4A7C15ull) >>
                               (64 - bits_));
  }
  size_t Next(size_t i) const { return (i + 1) & (by_id_.size() - 1); }

  const parser::SyntaxTree& tree_;
  const std::vector<TSNode>& calls_;  ///< pre-order
  std::vector<Span> call_spans_;      ///< of `calls_`
  std::vector<uint32_t> import_starts_;
  unsigned bits_ = 4;
  std::vector<TSNode> by_id_;
};

/// Walks `tree` in pre-order and collects its import statements and calls. With `original`,
/// a node the original's tree holds too is not walked for calls (they are the original's); it
/// is entered only where the original has an import statement inside it.
void Walk(const parser::SyntaxTree& tree, const Original* original, ConvertedNodes& out) {
  const std::vector<uint8_t>& table = SymbolFlags();
  parser::PreorderWalk walk(tree.root());
  // Inside a shared subtree: where it ends in the converted text, and by how many bytes the
  // converted text is ahead of the original there.
  bool shared = false;
  uint32_t shared_end = 0;
  int64_t shared_shift = 0;
  bool more = true;
  while (more) {
    const TSNode node = walk.Current();
    const uint8_t flags = FlagsOf(node, table);
    const uint32_t begin = ts_node_start_byte(node);
    if (shared && begin >= shared_end) shared = false;
    bool descend = ts_node_child_count(node) != 0;
    if (flags & kImport) {
      out.imports.push_back(node);  // holds no call
      descend = false;
    } else if (shared) {
      descend = descend &&
                original->ImportsIn(static_cast<uint32_t>(begin - shared_shift),
                                    static_cast<uint32_t>(ts_node_end_byte(node) - shared_shift));
    } else if (const TSNode* same = original != nullptr && (flags & kShareable) != 0
                                        ? original->Find(node.id)
                                        : nullptr) {
      const int64_t line_shift = static_cast<int64_t>(ts_node_start_point(node).row) -
                                 static_cast<int64_t>(ts_node_start_point(*same).row);
      original->AddCallsIn(*same, line_shift, out.calls);
      const uint32_t original_begin = ts_node_start_byte(*same);
      descend = descend && original->ImportsIn(original_begin, ts_node_end_byte(*same));
      if (descend) {
        shared = true;
        shared_end = ts_node_end_byte(node);
        shared_shift = static_cast<int64_t>(begin) - original_begin;
      }
    } else if (flags & kCall) {
      out.calls.push_back(ConvertedCall{&tree, node, 0});
    }
    more = walk.Next(descend);
  }
}

}  // namespace

ConvertedNodes WalkConvertedNodes(const parser::SyntaxTree& converted) {
  ConvertedNodes out;
  Walk(converted, nullptr, out);
  return out;
}

ConvertedNodes FindConvertedNodes(const parser::SyntaxTree& converted,
                                  const parser::SyntaxTree& original,
                                  const NodeIndex& original_nodes) {
  ConvertedNodes out;
  if (&converted == &original) {
    out.imports = original_nodes.ImportStatements();
    for (TSNode call : original_nodes.Of("call")) out.calls.push_back({&original, call, 0});
    return out;
  }
  const Original nodes(original, original_nodes);
  Walk(converted, &nodes, out);
  return out;
}

}  // namespace dagport::converters::airflow2
