#include "parser/subtree_access.h"

#include <tree_sitter/parser.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "parser/syntax_tree.h"

namespace dagport::parser {

// CMake defines DAGPORT_TREE_SITTER_0_20_7 when tree_sitter/api.h is byte for byte the header of
// tree-sitter 0.20.7 (Debian 12's); the layout below is for little-endian 64-bit machines.
#if defined(DAGPORT_TREE_SITTER_0_20_7) && (defined(__x86_64__) || defined(__aarch64__))
#define DAGPORT_DIRECT_SUBTREES 1
#endif

#ifdef DAGPORT_DIRECT_SUBTREES
namespace {

// ---- tree-sitter 0.20.7, lib/src/length.h, point.h and subtree.h (MIT licence, (c) 2018 Max
// Brunsfeld): the parts read here, for a little-endian 64-bit build. ----

struct Length {
  uint32_t bytes;
  TSPoint extent;
};

inline Length Add(Length a, Length b) {
  Length r;
  r.bytes = a.bytes + b.bytes;
  r.extent = b.extent.row > 0 ? TSPoint{a.extent.row + b.extent.row, b.extent.column}
                              : TSPoint{a.extent.row, a.extent.column + b.extent.column};
  return r;
}

struct SubtreeInlineData {
  bool is_inline : 1;
  bool visible : 1;
  bool named : 1;
  bool extra : 1;
  bool has_changes : 1;
  bool is_missing : 1;
  bool is_keyword : 1;
  uint8_t symbol;
  uint16_t parse_state;
  uint8_t padding_columns;
  uint8_t padding_rows : 4;
  uint8_t lookahead_bytes : 4;
  uint8_t padding_bytes;
  uint8_t size_bytes;
};

struct ExternalScannerState {
  union {
    char* long_data;
    char short_data[24];
  };
  uint32_t length;
};

struct SubtreeHeapData {
  volatile uint32_t ref_count;
  Length padding;
  Length size;
  uint32_t lookahead_bytes;
  uint32_t error_cost;
  uint16_t child_count;
  TSSymbol symbol;
  TSStateId parse_state;

  bool visible : 1;
  bool named : 1;
  bool extra : 1;
  bool fragile_left : 1;
  bool fragile_right : 1;
  bool has_changes : 1;
  bool has_external_tokens : 1;
  bool has_external_scanner_state_change : 1;
  bool depends_on_column : 1;
  bool is_missing : 1;
  bool is_keyword : 1;

  union {
    struct {
      uint32_t visible_child_count;
      uint32_t named_child_count;
      uint32_t node_count;
      int32_t dynamic_precedence;
      uint16_t repeat_depth;
      uint16_t production_id;
      struct {
        TSSymbol symbol;
        TSStateId parse_state;
      } first_leaf;
    } node;
    ExternalScannerState external_scanner_state;
    int32_t lookahead_char;
  };
};

union Subtree {
  SubtreeInlineData data;
  const SubtreeHeapData* ptr;
};

static_assert(sizeof(SubtreeInlineData) == 8 && sizeof(Subtree) == 8);
static_assert(sizeof(SubtreeHeapData) == 80);

// ---- end of the copied layout ----

inline Subtree Of(TSNode node) {
  return *static_cast<const Subtree*>(node.id);
}
inline bool Extra(Subtree s) {
  return s.data.is_inline ? s.data.extra : s.ptr->extra;
}
inline bool Visible(Subtree s) {
  return s.data.is_inline ? s.data.visible : s.ptr->visible;
}
inline bool Named(Subtree s) {
  return s.data.is_inline ? s.data.named : s.ptr->named;
}
inline uint32_t ChildCount(Subtree s) {
  return s.data.is_inline ? 0 : s.ptr->child_count;
}
inline const Subtree* ChildArray(Subtree s) {
  return reinterpret_cast<const Subtree*>(s.ptr) - s.ptr->child_count;
}
inline Length Padding(Subtree s) {
  if (s.data.is_inline)
    return {s.data.padding_bytes, {s.data.padding_rows, s.data.padding_columns}};
  return s.ptr->padding;
}
inline Length Size(Subtree s) {
  if (s.data.is_inline) return {s.data.size_bytes, {0, s.data.size_bytes}};
  return s.ptr->size;
}
inline Length Start(TSNode node) {
  return {node.context[0], {node.context[1], node.context[2]}};
}
inline TSNode Make(const TSTree* tree, const Subtree* slot, Length at, TSSymbol alias) {
  return TSNode{{at.bytes, at.extent.row, at.extent.column, alias}, slot, tree};
}
inline const TSSymbol* AliasSequence(const TSLanguage* language, Subtree parent) {
  const uint16_t production = parent.ptr->node.production_id;
  return production != 0
             ? &language->alias_sequences[production * language->max_alias_sequence_length]
             : nullptr;
}
inline bool Relevant(const TSLanguage* language, Subtree s, TSSymbol alias, bool named_only) {
  if (!named_only) return Visible(s) || alias != 0;
  if (alias != 0) return language->symbol_metadata[alias].named;
  return Visible(s) && Named(s);
}
inline uint32_t RelevantChildCount(Subtree s, bool named_only) {
  if (ChildCount(s) == 0) return 0;
  return named_only ? s.ptr->node.named_child_count : s.ptr->node.visible_child_count;
}

/// One child as ChildIterator gives it.
struct Child {
  TSNode node;
  Subtree subtree;
  TSSymbol alias;
};

/// A node's direct children (hidden ones included) in order, with their positions and aliases:
/// tree-sitter's NodeChildIterator.
struct ChildIterator {
  const TSTree* tree;
  const TSLanguage* language;
  const Subtree* child;
  const Subtree* end;
  const TSSymbol* aliases;
  Length at;
  uint32_t structural = 0;
  bool first = true;

  ChildIterator(TSNode node, Subtree s)
      : tree(node.tree),
        language(ts_tree_language(node.tree)),
        child(ChildArray(s)),
        end(child + s.ptr->child_count),
        aliases(AliasSequence(language, s)),
        at(Start(node)) {}

  /// The next child: its node, subtree and alias. `structural` then counts it (not extras).
  bool Next(Child& next) {
    if (child == end) return false;
    next.subtree = *child;
    next.alias = 0;
    if (!Extra(next.subtree)) {
      if (aliases != nullptr) next.alias = aliases[structural];
      ++structural;
    }
    if (!first) at = Add(at, Padding(next.subtree));
    first = false;
    next.node = Make(tree, child, at, next.alias);
    at = Add(at, Size(next.subtree));
    ++child;
    return true;
  }
};

void AppendDirect(TSNode node, bool named_only, NodeList& out) {
  const Subtree s = Of(node);
  if (ChildCount(s) == 0) return;
  ChildIterator it(node, s);
  Child c;
  while (it.Next(c)) {
    if (Relevant(it.language, c.subtree, c.alias, named_only)) {
      out.push_back(c.node);
    } else if (RelevantChildCount(c.subtree, named_only) > 0) {
      AppendDirect(c.node, named_only, out);  // a hidden node: its children stand in its place
    }
  }
}

/// The `index`-th named (or any) child of `node`, as ts_node_named_child / ts_node_child give it:
/// a hidden child's children count in its place. A null node past the last.
TSNode NthDirect(TSNode node, uint32_t index, bool named_only) {
  for (;;) {
    const Subtree s = Of(node);
    if (ChildCount(s) == 0) return TSNode{};
    ChildIterator it(node, s);
    Child c;
    bool descended = false;
    while (it.Next(c)) {
      if (Relevant(it.language, c.subtree, c.alias, named_only)) {
        if (index == 0) return c.node;
        --index;
      } else if (const uint32_t inside = RelevantChildCount(c.subtree, named_only); inside > 0) {
        if (index < inside) {
          node = c.node;
          descended = true;
          break;
        }
        index -= inside;
      }
    }
    if (!descended) return TSNode{};
  }
}

/// The first visible child of `node` (ts_node_child(node, 0)), which has one.
TSNode FirstVisible(TSNode node) {
  for (;;) {
    const Subtree s = Of(node);
    ChildIterator it(node, s);
    Child c;
    bool descended = false;
    while (it.Next(c)) {
      if (Visible(c.subtree) || c.alias != 0) return c.node;
      if (RelevantChildCount(c.subtree, false) > 0) {
        node = c.node;
        descended = true;
        break;
      }
    }
    if (!descended) return TSNode{};
  }
}

/// ts_node_child_by_field_id of tree-sitter 0.20.7 (lib/src/node.c), on the direct reads.
TSNode FieldDirect(TSNode self, TSFieldId field) {
  for (;;) {
    const Subtree s = Of(self);
    if (field == 0 || ChildCount(s) == 0 || s.ptr->node.visible_child_count == 0) return TSNode{};
    const TSLanguage* language = ts_tree_language(self.tree);
    if (language->field_count == 0) return TSNode{};
    const TSFieldMapSlice slice = language->field_map_slices[s.ptr->node.production_id];
    const TSFieldMapEntry* map = &language->field_map_entries[slice.index];
    const TSFieldMapEntry* map_end = map + slice.length;
    if (map == map_end) return TSNode{};
    while (map->field_id < field) {
      if (++map == map_end) return TSNode{};
    }
    while (map_end[-1].field_id > field) {
      if (--map_end == map) return TSNode{};
    }
    ChildIterator it(self, s);
    Child c;
    bool descend = false;
    while (it.Next(c)) {
      if (Extra(c.subtree)) continue;
      const uint32_t index = it.structural - 1;
      if (index < map->child_index) continue;
      if (map->inherited) {
        if (map + 1 == map_end) {  // the last place the field can be: look inside this child
          self = c.node;
          descend = true;
          break;
        }
        const TSNode found = FieldDirect(c.node, field);
        if (found.id != nullptr) return found;
        if (++map == map_end) return TSNode{};
      } else if (Visible(c.subtree) || c.alias != 0) {
        return c.node;
      } else if (RelevantChildCount(c.subtree, false) > 0) {
        return FirstVisible(c.node);  // a hidden node with visible children: the first of them
      } else {
        if (++map == map_end) return TSNode{};
      }
    }
    if (!descend) return TSNode{};
  }
}

bool SameNode(TSNode a, TSNode b) {
  return a.id == b.id && a.tree == b.tree && a.context[0] == b.context[0] &&
         a.context[1] == b.context[1] && a.context[2] == b.context[2] &&
         a.context[3] == b.context[3];
}

/// Whether DirectPreorder visits the nodes a tree cursor's pre-order walk visits, in order.
bool PreorderMatches(TSNode root) {
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  DirectPreorder direct(root);
  bool same = true;
  for (bool more = true; more && same;) {
    same = SameNode(ts_tree_cursor_current_node(&cursor), direct.Current());
    more = ts_tree_cursor_goto_first_child(&cursor);
    while (!more) {
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        more = true;
      } else if (!ts_tree_cursor_goto_parent(&cursor)) {
        break;
      }
    }
    if (direct.Next(true) != more) same = false;
  }
  ts_tree_cursor_delete(&cursor);
  return same;
}

bool MatchesBelow(TSNode node) {
  if (!PreorderMatches(node)) return false;
  const uint32_t field_count = ts_language_field_count(PythonLanguage());
  // Iterative preorder over the public API, comparing at every node.
  std::vector<TSNode> stack{node};
  while (!stack.empty()) {
    const TSNode n = stack.back();
    stack.pop_back();
    for (bool named_only : {false, true}) {
      NodeList direct;
      AppendDirect(n, named_only, direct);
      const uint32_t count = named_only ? ts_node_named_child_count(n) : ts_node_child_count(n);
      if (direct.size() != count) return false;
      for (uint32_t i = 0; i < count; ++i) {
        const TSNode expected = named_only ? ts_node_named_child(n, i) : ts_node_child(n, i);
        if (!SameNode(direct[i], expected)) return false;
        if (!SameNode(NthDirect(n, i, named_only), expected)) return false;
      }
      if (!ts_node_is_null(NthDirect(n, count, named_only))) return false;
    }
    for (TSFieldId f = 1; f <= field_count; ++f) {
      const TSNode direct = FieldDirect(n, f);
      const TSNode expected = ts_node_child_by_field_id(n, f);
      if (ts_node_is_null(direct) != ts_node_is_null(expected)) return false;
      if (!ts_node_is_null(expected) && !SameNode(direct, expected)) return false;
    }
    const uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; ++i) stack.push_back(ts_node_child(n, i));
  }
  return true;
}

/// Python that reaches the grammar's aliases, hidden rules, inherited fields, extras inside
/// nodes, keywords as identifiers, the external scanner's tokens, and error recovery.
constexpr const char* kProbe = R"PY(
import os.path as p, sys
from a.b import (c as d,  # comment inside
                 e)
from . import f
@decorator(x=1)
async def g(a, b: int = 2, *args, c=3, **kw) -> "r":
    """doc"""
    global h
    x = lambda y, *z: y if z else -y
    print(f"{a!r:>{b}} {{}}", 'x' 'y', b"z", r'\d')
    for i, (j, k) in enumerate(zip(a, b)):
        if i: continue
        elif j: break
        else: pass
    while not a and b or c: a += 1
    try:
        with open(a) as fh, open(b): yield from fh
    except (ValueError, TypeError) as err:
        raise RuntimeError() from err
    finally:
        del a[1:2, ::3], b.c
    return [x for x in a if x], {k: v for k, v in b.items()}, {*a}, (yield)
class C(Base, metaclass=M):
    match = 1
    def m(self): return self.match @ other
print >>sys.stderr, "python 2"
exec "code"
x = [1, 2,
t1 >> [t2, t3] << t4
)PY";

}  // namespace
#endif  // DAGPORT_DIRECT_SUBTREES

#ifdef DAGPORT_DIRECT_SUBTREES
struct DirectPreorder::Frames {
  std::vector<ChildIterator> open;  ///< the nodes whose children are being walked, hidden ones too
};

DirectPreorder::DirectPreorder(TSNode root) : current_(root), frames_(std::make_unique<Frames>()) {}
DirectPreorder::~DirectPreorder() = default;

bool DirectPreorder::Next(bool descend) {
  std::vector<ChildIterator>& open = frames_->open;
  if (descend && !ts_node_is_null(current_)) {
    const Subtree s = Of(current_);
    if (RelevantChildCount(s, false) > 0) open.emplace_back(current_, s);
  }
  Child c;
  while (!open.empty()) {
    if (!open.back().Next(c)) {
      open.pop_back();
    } else if (Visible(c.subtree) || c.alias != 0) {
      current_ = c.node;
      return true;
    } else if (RelevantChildCount(c.subtree, false) > 0) {
      open.emplace_back(c.node, c.subtree);  // a hidden node: its children stand in its place
    }
  }
  return false;
}
#else
struct DirectPreorder::Frames {};
DirectPreorder::DirectPreorder(TSNode root) : current_(root) {}
DirectPreorder::~DirectPreorder() = default;
bool DirectPreorder::Next(bool /*descend*/) {
  return false;
}
#endif

bool DirectSubtreeAccessBuilt() {
#ifdef DAGPORT_DIRECT_SUBTREES
  return true;
#else
  return false;
#endif
}

bool DirectSubtreeAccess() {
#ifdef DAGPORT_DIRECT_SUBTREES
  static const bool ok = [] {
    if (std::getenv("DAGPORT_NO_DIRECT_SUBTREES") != nullptr) return false;
    const std::string source = kProbe;
    const SyntaxTree tree = SyntaxTree::Parse(source);
    return MatchesBelow(tree.root());
  }();
  return ok;
#else
  return false;
#endif
}

bool AppendChildren(TSNode node, bool named_only, NodeList& out) {
#ifdef DAGPORT_DIRECT_SUBTREES
  if (!DirectSubtreeAccess()) return false;
  if (!ts_node_is_null(node)) AppendDirect(node, named_only, out);
  return true;
#else
  (void)node, (void)named_only, (void)out;
  return false;
#endif
}

TSNode ChildByFieldId(TSNode node, TSFieldId field) {
#ifdef DAGPORT_DIRECT_SUBTREES
  if (!ts_node_is_null(node) && DirectSubtreeAccess()) return FieldDirect(node, field);
#endif
  return ts_node_child_by_field_id(node, field);
}

TSNode NamedChild(TSNode node, uint32_t index) {
#ifdef DAGPORT_DIRECT_SUBTREES
  if (!ts_node_is_null(node) && DirectSubtreeAccess()) return NthDirect(node, index, true);
#endif
  return ts_node_named_child(node, index);
}

bool DirectReadsMatchPublicApi(TSNode node) {
#ifdef DAGPORT_DIRECT_SUBTREES
  return MatchesBelow(node);
#else
  (void)node;
  return false;
#endif
}

}  // namespace dagport::parser
