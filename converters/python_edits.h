#pragma once
/// Edits on Python source that keep its layout: removing one argument of a call or one entry of
/// a dict (with its comma, and its line when it had a line of its own), adding a keyword argument
/// in the style of the call (one line, or one argument per line with the same indentation).

#include <string>
#include <string_view>

#include "converters/source_edit.h"
#include "parser/syntax_tree.h"

namespace dagport::converters {

/// The items of a comma-separated container (argument_list, dictionary, list, tuple,
/// import names): its named children, comments excluded.
parser::NodeList ListItems(TSNode container);

/// The keyword_argument named `name` in `argument_list`, or a null node.
TSNode FindKeyword(const parser::SyntaxTree& tree, TSNode argument_list, std::string_view name);

/// The `pair` whose key is the string literal `key` in `dictionary`, or a null node.
TSNode FindDictKey(const parser::SyntaxTree& tree, TSNode dictionary, std::string_view key);

/// The text of a plain string literal ('x', "x", no prefix, no escapes or interpolation);
/// nullopt-like empty result with `ok` false otherwise.
bool StringLiteralValue(const parser::SyntaxTree& tree, TSNode node, std::string& value);

/// Removes `item` from its container: with the comma after it (or before it, when it is last),
/// and with its whole line when it stands on a line of its own.
void DeleteListItem(EditList& edits, const parser::SyntaxTree& tree, TSNode item);

/// Adds `item` as the last element of `container` (an argument_list, dictionary...), laid out
/// like the elements already there.
void AppendListItem(EditList& edits, const parser::SyntaxTree& tree, TSNode container,
                    const std::string& item);

/// The whitespace that starts the line holding byte `offset`.
std::string_view LineIndent(std::string_view text, uint32_t offset);

}  // namespace dagport::converters
