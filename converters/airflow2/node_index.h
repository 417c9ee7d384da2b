#pragma once
/// Every named node of a syntax tree, by type, from one walk of the tree: the rules ask for the
/// calls, dicts, strings, identifiers... of a file many times over.

#include <string_view>
#include <vector>

#include "parser/syntax_tree.h"

namespace dagport::converters::airflow2 {

class NodeIndex {
 public:
  /// `text`: the source the tree was parsed from.
  NodeIndex(TSNode root, std::string_view text);
  /// The nodes of `type` ("call", "dictionary", ...), in source order. The parts of a string
  /// literal (`string_start`, `string_content`...) are indexed only in f-strings.
  const std::vector<TSNode>& Of(std::string_view type) const;
  /// The `import_statement` and `import_from_statement` nodes, in source order.
  std::vector<TSNode> ImportStatements() const;
  /// Every indexed node, one list per type (by grammar symbol; most lists are empty).
  const std::vector<std::vector<TSNode>>& ByType() const { return by_symbol_; }

 private:
  std::vector<std::vector<TSNode>> by_symbol_;  ///< indexed by grammar symbol
};

}  // namespace dagport::converters::airflow2
