#pragma once
/// The nodes of a converted text that the API check reads (its import statements and calls),
/// found without walking all of its tree. The converted tree is re-parsed incrementally from the
/// original's (`SyntaxTree::Reparse`), and tree-sitter shares every subtree the edits left
/// untouched between the two trees: a node of the converted tree whose id (the address of its
/// slot in its parent) is the id of a node of the original tree sits in a parent both trees
/// share, so it is the same, immutable subtree, moved by the edits before it. Its calls are the
/// original's (known from the rules' node index); only the rest of the converted tree is walked,
/// and a shared subtree only where the original has an import statement in it.

#include <cstdint>
#include <vector>

#include "converters/airflow2/node_index.h"
#include "parser/syntax_tree.h"

namespace dagport::converters::airflow2 {

/// A call of the converted text: a node of the converted tree, or of the original's where the
/// syntax is the same, which then is `line_shift` lines further down in the converted text.
struct ConvertedCall {
  const parser::SyntaxTree* tree = nullptr;  ///< the tree `node` belongs to
  TSNode node{};
  int64_t line_shift = 0;  ///< converted line = line in `tree` + line_shift
};

struct ConvertedNodes {
  std::vector<TSNode> imports;       ///< import statements of the converted tree, in source order
  std::vector<ConvertedCall> calls;  ///< every call, in the converted text's pre-order
};

/// `converted` is a tree re-parsed from `original` by `SyntaxTree::Reparse`, or `original`
/// itself (nothing changed: no walk at all), or any other tree (walked whole, correct but not
/// faster); `original_nodes` is the original tree's node index. Both trees must be alive.
ConvertedNodes FindConvertedNodes(const parser::SyntaxTree& converted,
                                  const parser::SyntaxTree& original,
                                  const NodeIndex& original_nodes);

/// The same by a walk of the whole converted tree (the tests compare the two).
ConvertedNodes WalkConvertedNodes(const parser::SyntaxTree& converted);

}  // namespace dagport::converters::airflow2
