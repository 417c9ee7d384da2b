#include "converters/python_edits.h"

namespace dagport::converters {

using parser::NodeType;

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

/// Offset of the start of the line holding `offset`.
uint32_t LineStart(std::string_view text, uint32_t offset) {
  while (offset > 0 && text[offset - 1] != '\n') --offset;
  return offset;
}

/// True when only whitespace lies between the start of the line and `offset`.
bool StartsLine(std::string_view text, uint32_t offset) {
  for (uint32_t i = LineStart(text, offset); i < offset; ++i) {
    if (!IsSpace(text[i])) return false;
  }
  return true;
}

/// When only whitespace and a comment follow `offset` up to the end of its line: the offset
/// just past that line's '\n' (or the end of the text). Otherwise 0.
uint32_t RestOfLineIsEmpty(std::string_view text, uint32_t offset) {
  uint32_t i = offset;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i < text.size() && text[i] == '#') {
    while (i < text.size() && text[i] != '\n') ++i;
  }
  if (i == text.size()) return i;
  if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
  return text[i] == '\n' ? i + 1 : 0;
}

/// The ',' token right after `item` (comments skipped), or a null node.
TSNode CommaAfter(TSNode item) {
  for (TSNode n = ts_node_next_sibling(item); !ts_node_is_null(n); n = ts_node_next_sibling(n)) {
    const std::string_view type = NodeType(n);
    if (type == "comment") continue;
    return type == "," ? n : TSNode{};
  }
  return TSNode{};
}

/// The ',' token right before `item` (comments skipped), or a null node.
TSNode CommaBefore(TSNode item) {
  for (TSNode n = ts_node_prev_sibling(item); !ts_node_is_null(n); n = ts_node_prev_sibling(n)) {
    const std::string_view type = NodeType(n);
    if (type == "comment") continue;
    return type == "," ? n : TSNode{};
  }
  return TSNode{};
}

}  // namespace

std::string_view LineIndent(std::string_view text, uint32_t offset) {
  const uint32_t start = LineStart(text, offset);
  uint32_t end = start;
  while (end < text.size() && IsSpace(text[end])) ++end;
  return text.substr(start, end - start);
}

parser::NodeList ListItems(TSNode container) {
  parser::NodeList out;
  for (TSNode child : parser::NamedChildren(container)) {
    if (NodeType(child) != "comment") out.push_back(child);
  }
  return out;
}

TSNode FindKeyword(const parser::SyntaxTree& tree, TSNode argument_list, std::string_view name) {
  if (ts_node_is_null(argument_list)) return TSNode{};
  for (TSNode arg : ListItems(argument_list)) {
    if (NodeType(arg) != "keyword_argument") continue;
    if (tree.NodeText(parser::ChildByField(arg, "name")) == name) return arg;
  }
  return TSNode{};
}

bool StringLiteralValue(const parser::SyntaxTree& tree, TSNode node, std::string& value) {
  if (ts_node_is_null(node) || NodeType(node) != "string") return false;
  value.clear();
  for (TSNode part : parser::Children(node)) {
    const std::string_view type = NodeType(part);
    if (type == "string_start") {
      const std::string_view start = tree.NodeText(part);
      if (start != "'" && start != "\"") return false;  // a prefix (f, r, b, u) or triple quotes
    } else if (type == "string_content") {
      if (ts_node_named_child_count(part) != 0) return false;  // escapes
      value.append(tree.NodeText(part));
    } else if (type != "string_end") {
      return false;  // an interpolation
    }
  }
  return true;
}

TSNode FindDictKey(const parser::SyntaxTree& tree, TSNode dictionary, std::string_view key) {
  if (ts_node_is_null(dictionary)) return TSNode{};
  for (TSNode item : ListItems(dictionary)) {
    if (NodeType(item) != "pair") continue;
    std::string text;
    if (StringLiteralValue(tree, parser::ChildByField(item, "key"), text) && text == key) {
      return item;
    }
  }
  return TSNode{};
}

void DeleteListItem(EditList& edits, const parser::SyntaxTree& tree, TSNode item) {
  const std::string_view text = tree.text();
  const uint32_t start = ts_node_start_byte(item);
  const uint32_t end = ts_node_end_byte(item);
  const TSNode comma_after = CommaAfter(item);
  const uint32_t after = ts_node_is_null(comma_after) ? end : ts_node_end_byte(comma_after);
  if (StartsLine(text, start)) {
    if (const uint32_t line_end = RestOfLineIsEmpty(text, after)) {
      edits.Delete(LineStart(text, start), line_end);
      return;
    }
  }
  const TSNode comma_before = CommaBefore(item);
  if (!ts_node_is_null(comma_after)) {
    uint32_t stop = after;
    while (stop < text.size() && IsSpace(text[stop])) ++stop;
    if (stop < text.size() && (text[stop] == '\n' || text[stop] == '\r' || text[stop] == '#') &&
        !ts_node_is_null(comma_before)) {
      // `a=1, item,\n`: keep `a=1,` and the line break.
      edits.Delete(ts_node_end_byte(comma_before), after);
      return;
    }
    edits.Delete(start, stop);
    return;
  }
  if (!ts_node_is_null(comma_before)) {
    edits.Delete(ts_node_start_byte(comma_before), end);  // the last item: `a=1, item)`
    return;
  }
  edits.Delete(start, end);
}

void AppendListItem(EditList& edits, const parser::SyntaxTree& tree, TSNode container,
                    const std::string& item) {
  const std::string_view text = tree.text();
  const parser::NodeList items = ListItems(container);
  if (items.empty()) {
    // f() -> f(item): right after the opening bracket; f() -> f(item, other) when an item
    // was appended there already.
    const uint32_t at = ts_node_start_byte(container) + 1;
    edits.Insert(at, edits.InsertsAt(at) ? ", " + item : item);
    return;
  }
  const TSNode last = items[items.size() - 1];
  const TSNode comma = CommaAfter(last);
  const uint32_t last_start = ts_node_start_byte(last);
  const bool one_per_line = ts_node_start_point(last).row != ts_node_start_point(container).row &&
                            StartsLine(text, last_start);
  if (one_per_line) {
    const std::string indent(LineIndent(text, last_start));
    if (!ts_node_is_null(comma)) {
      edits.Insert(ts_node_end_byte(comma), "\n" + indent + item + ",");
      return;
    }
    // `last  # a comment`: the comma goes after the item, the new item after the comment.
    const uint32_t end = ts_node_end_byte(last);
    uint32_t i = end;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i < text.size() && text[i] == '#') {
      while (i < text.size() && text[i] != '\n' && text[i] != '\r') ++i;
      if (!edits.HasInsert(end, ",")) edits.Insert(end, ",");
      edits.Insert(i, "\n" + indent + item + ",");
      return;
    }
    edits.Insert(end, ",\n" + indent + item);
    return;
  }
  if (!ts_node_is_null(comma)) {
    edits.Insert(ts_node_end_byte(comma), " " + item + ",");
  } else {
    edits.Insert(ts_node_end_byte(last), ", " + item);
  }
}

}  // namespace dagport::converters
