#pragma once
/// Every named node of a syntax tree, by type, from one walk of the tree: the rules ask for the
/// calls, dicts, strings, identifiers... of a file many times over.

#include <string_view>
#include <vector>

#include "parser/syntax_tree.h"

namespace dagport::converters::airflow2 {

class NodeIndex {
 public:
  explicit NodeIndex(TSNode root);
  /// The nodes of `type` ("call", "dictionary", ...), in source order.
  const std::vector<TSNode>& Of(std::string_view type) const;

 private:
  std::vector<std::vector<TSNode>> by_symbol_;  ///< indexed by grammar symbol
};

}  // namespace dagport::converters::airflow2
