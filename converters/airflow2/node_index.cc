#include "converters/airflow2/node_index.h"

namespace dagport::converters::airflow2 {

NodeIndex::NodeIndex(TSNode root) {
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  bool done = false;
  while (!done) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_named(node)) by_type_[parser::NodeType(node)].push_back(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        done = true;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cursor);
}

const std::vector<TSNode>& NodeIndex::Of(std::string_view type) const {
  static const std::vector<TSNode> kNone;
  auto it = by_type_.find(type);
  return it == by_type_.end() ? kNone : it->second;
}

}  // namespace dagport::converters::airflow2
