#pragma once
// Child and field lookups read straight from tree-sitter 0.20.7's subtrees, for speed.
//
// tree-sitter's public node API walks a node's children from the first one on every call and
// builds each child's position on the way (`ts_node_child_by_field_id` costs about 600
// instructions, a cursor step 400-700), and the evaluator asks for children and fields several
// times per syntax node. These functions give the same TSNode values (same id, position and
// alias, so every public function works on them) by reading the subtree layout of the
// tree-sitter version dagport is built against. That layout is not public: it is copied from
// tree-sitter 0.20.7's `lib/src/subtree.h` (MIT licence), the version of Debian 12's
// libtree-sitter-dev. It is used only when the build found that version (CMake defines
// DAGPORT_TREE_SITTER_0_20_7) and a self-check at first use found every child and field of a
// probe source equal to the public API's; otherwise every call goes to the public API.

#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>

namespace dagport::parser {

class NodeList;

/// True when this build holds the direct reads (its tree-sitter is 0.20.7 on a 64-bit
/// little-endian machine); DirectSubtreeAccess() says whether they are in use.
bool DirectSubtreeAccessBuilt();

/// True when the direct reads are in use (the build's tree-sitter is 0.20.7 and the self-check
/// passed, and DAGPORT_NO_DIRECT_SUBTREES is not set). Checked once per process.
bool DirectSubtreeAccess();

/// Appends the named (or all) children of `node` to `out`, as ts_node_named_child /
/// ts_node_child would give them one by one, and returns true; false (nothing appended) when
/// the direct reads are not in use, for the caller to take the public API.
bool AppendChildren(TSNode node, bool named_only, NodeList& out);

/// The child of `node` in `field`, as ts_node_child_by_field_id gives it (a null node if none).
TSNode ChildByFieldId(TSNode node, TSFieldId field);

/// The `index`-th named child of `node`, as ts_node_named_child gives it (a null node if none),
/// without the public API's walk from the first child and its positions.
TSNode NamedChild(TSNode node, uint32_t index);

/// A pre-order walk of the visible nodes under `root` on the direct reads (PreorderWalk's, when
/// DirectSubtreeAccess()): the same nodes in the same order as a tree cursor's walk.
class DirectPreorder {
 public:
  explicit DirectPreorder(TSNode root);
  ~DirectPreorder();
  DirectPreorder(const DirectPreorder&) = delete;
  DirectPreorder& operator=(const DirectPreorder&) = delete;

  TSNode Current() const { return current_; }
  /// Into the current node's children when `descend`, else to the next node after it. False at
  /// the end of the walk.
  bool Next(bool descend);

 private:
  struct Frames;
  TSNode current_;
  std::unique_ptr<Frames> frames_;
};

/// The self-check itself, on `node` and every node below it: whether the direct reads give the
/// public API's children, fields and pre-order walk everywhere. For tests; false when the build
/// does not hold the direct reads (whether or not they are in use).
bool DirectReadsMatchPublicApi(TSNode node);

}  // namespace dagport::parser
