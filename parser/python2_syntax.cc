// The Python 2 code tree-sitter-python accepts (it keeps a Python 2 grammar for print and exec
// statements, `except X, e`, backticks, `<>`...) and Python 3 refuses: DP102 diagnostics for
// SyntaxTree::SyntaxErrors. A cheap look at the text comes first, so that most files are not
// walked at all.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "parser/syntax_tree.h"

namespace dagport::parser {

namespace {

/// Bytes of a Python identifier: ASCII letters, digits, `_`, and every byte of a multi-byte
/// UTF-8 character (a table: `std::isalnum` is a call per byte).
constexpr std::array<bool, 256> kIdentifierBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
  }
  return t;
}();

bool IdentifierByte(char c) {
  return kIdentifierBytes[static_cast<unsigned char>(c)];
}

ir::Diagnostic Python2(const std::string& file, const ir::SourceRange& where,
                       std::string_view what) {
  return ir::MakeDiagnostic("DP102", file, where, fmt::format("Python 2 syntax: {}", what),
                            "Airflow 2 needs Python 3: port the file (for example with 2to3)");
}

}  // namespace

namespace {

/// The rest of the line from `from`, up to `stop` at bracket depth 0 (or the line's end), holds
/// a comma at depth 0, or the line goes on (a backslash, or brackets left open).
bool CommaBeforeStop(std::string_view text, size_t from, char stop) {
  int depth = 0;
  for (size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '#') return depth > 0;
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') return true;
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && c == ',') return true;
    if (depth == 0 && c == stop) return false;
  }
  return false;
}

/// After `def name`: a parameter that starts with a bracket (`def f(a, (b, c)):`), scanning the
/// signature with its strings and comments skipped. True also when the scan cannot tell.
bool BracketParameter(std::string_view text, size_t from) {
  const size_t open = text.find('(', from);
  if (open == std::string_view::npos) return false;
  int depth = 0;
  bool after_separator = true;
  for (size_t k = open; k < text.size(); ++k) {
    const char c = text[k];
    if (c == '"' || c == '\'') {
      if (text.compare(k, 3, std::string(3, c)) == 0) return true;  // a docstring-like default
      for (++k; k < text.size() && text[k] != c; ++k) {
        if (text[k] == '\\') ++k;
        if (k < text.size() && text[k] == '\n') return true;
      }
      after_separator = false;
      continue;
    }
    if (c == '#') {
      while (k < text.size() && text[k] != '\n') ++k;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      if (depth == 1 && after_separator) return true;
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return false;
    }
    if (c == ',' || (c == '(' && depth == 1)) {
      after_separator = true;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\\') {
      after_separator = false;
    }
  }
  return false;
}

/// A cheap look at the text for what AddPython2Statements looks for, so that the tree is walked
/// only when one may be there: `print x` / `exec code` (the word not followed by `(`), a comma
/// after `except` or `raise` outside brackets, a bracket opening a parameter of a `def`. It errs
/// on the side of walking.
bool MayHoldPython2Statement(std::string_view text) {
  // One pass over the words (maximal runs of identifier bytes), not one search per keyword: the
  // keywords' first letters are among the commonest bytes of Python, and a search that stops at
  // each of them cost 1% of `dagport inspect`.
  auto not_a_call = [&](size_t after) {
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
    return after >= text.size() || text[after] != '(';
  };
  const size_t size = text.size();
  for (size_t i = 0; i < size;) {
    if (!IdentifierByte(text[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < size && IdentifierByte(text[i])) ++i;
    if (i - start > 6 || (start > 0 && text[start - 1] == '.')) continue;  // `x.print`: a name
    const std::string_view word = text.substr(start, i - start);
    if ((word == "print" || word == "exec") && not_a_call(i)) return true;
    if (word == "except" && CommaBeforeStop(text, i, ':')) return true;
    if (word == "raise" && CommaBeforeStop(text, i, '\n')) return true;
    if (word == "def" && BracketParameter(text, i)) return true;
  }
  return false;
}

/// What the Python 2 scan needs to know of each grammar symbol, computed once.
struct Python2Symbols {
  std::vector<char> container;  ///< statements and blocks that may hold statements
  TSSymbol print_statement = 0, exec_statement = 0, except_clause = 0, block = 0;
  TSSymbol function_definition = 0, tuple_pattern = 0, raise_statement = 0, expression_list = 0;
  TSSymbol string_content = 0, comment = 0;  ///< text that is not code
};

const Python2Symbols& Python2SymbolTable() {
  static const Python2Symbols table = [] {
    Python2Symbols t;
    const TSLanguage* language = PythonLanguage();
    const uint32_t count = ts_language_symbol_count(language);
    t.container.assign(count, 0);
    for (uint32_t i = 0; i < count; ++i) {
      const auto symbol = static_cast<TSSymbol>(i);
      if (ts_language_symbol_type(language, symbol) != TSSymbolTypeRegular) continue;
      const std::string_view type = ts_language_symbol_name(language, symbol);
      t.container[i] = type == "module" || type == "block" || type.ends_with("_statement") ||
                       type.ends_with("_clause") || type == "function_definition" ||
                       type == "class_definition" || type == "decorated_definition";
      if (type == "print_statement") t.print_statement = symbol;
      if (type == "function_definition") t.function_definition = symbol;
      if (type == "tuple_pattern") t.tuple_pattern = symbol;
      if (type == "exec_statement") t.exec_statement = symbol;
      if (type == "except_clause") t.except_clause = symbol;
      if (type == "block") t.block = symbol;
      if (type == "raise_statement") t.raise_statement = symbol;
      if (type == "expression_list") t.expression_list = symbol;
      if (type == "string_content") t.string_content = symbol;
      if (type == "comment") t.comment = symbol;
    }
    return t;
  }();
  return table;
}

}  // namespace

void SyntaxTree::AddPython2Statements(const std::string& file, size_t limit,
                                      std::vector<ir::Diagnostic>& out) const {
  // tree-sitter-python accepts `print x` and `exec code` as statements of their own; Python 3
  // does not. Only statement-level nodes are visited, so this is cheap; a file that does not
  // even contain the words is not walked at all.
  if (!MayHoldPython2Statement(text_)) return;
  const Python2Symbols& symbols = Python2SymbolTable();
  PreorderWalk walk(root());
  bool done = false;
  while (!done && out.size() < limit) {
    const TSNode node = walk.Current();
    const TSSymbol symbol = ts_node_symbol(node);
    bool descend = false;
    if (symbol == symbols.print_statement || symbol == symbols.exec_statement) {
      out.push_back(
          Python2(file, Range(node),
                  symbol == symbols.print_statement ? "print statement" : "exec statement"));
    } else {
      if (symbol == symbols.function_definition) {
        // `def f(a, (b, c)):`, Python 2's tuple parameters: "Function parameters cannot be
        // parenthesized" in Python 3.
        for (TSNode parameter : NamedChildren(ChildByField(node, "parameters"))) {
          if (ts_node_symbol(parameter) != symbols.tuple_pattern) continue;
          out.push_back(Python2(file, Range(parameter),
                                "a tuple parameter (Python 3: unpack it in the function body)"));
          break;
        }
      }
      if (symbol == symbols.raise_statement) {
        // `raise E, "message"`: the grammar reads an expression list where Python 3 allows one
        // expression.
        for (TSNode child : NamedChildren(node)) {
          if (ts_node_symbol(child) != symbols.expression_list) continue;
          out.push_back(Python2(file, Range(node), "`raise E, msg` (Python 3: `raise E(msg)`)"));
          break;
        }
      }
      if (symbol == symbols.except_clause) {
        // The grammar reads Python 2's `except X, e:` as an except clause with an alias and a
        // comma where Python 3 needs `as`.
        for (TSNode child : Children(node)) {
          if (ts_node_symbol(child) == symbols.block) break;
          if (std::string_view(ts_node_type(child)) == ",") {
            out.push_back(Python2(file, Range(child), "`except X, e` (Python 3: `except X as e`)"));
            break;
          }
        }
      }
      descend = symbol < symbols.container.size() && symbols.container[symbol];
    }
    done = !walk.Next(descend);
  }
}

namespace {

/// `0777` (an octal literal without `0o`) or `10L` / `0xFFL` (a long): Python 2 integers.
std::string_view Python2Integer(std::string_view token) {
  // Only `0...` (octal) and `...L` (long) can be Python 2 integers.
  if (token.size() < 2 || (token[0] != '0' && token.back() != 'L' && token.back() != 'l'))
    return {};
  const bool all_digits = std::all_of(token.begin(), token.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
  if (all_digits && token[0] == '0' && token.find_first_of("123456789") != std::string_view::npos)
    return "an octal literal without `0o` (Python 3: `0o777`)";
  if (token.back() == 'L' || token.back() == 'l') {
    std::string_view digits = token.substr(0, token.size() - 1);
    const bool hex = digits.starts_with("0x") || digits.starts_with("0X");
    if (hex) digits.remove_prefix(2);
    const bool valid = !digits.empty() && std::all_of(digits.begin(), digits.end(), [&](char c) {
      return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                 : std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (valid) return "a long integer literal (Python 3: drop the `L`)";
  }
  return {};
}

}  // namespace

void SyntaxTree::AddPython2Tokens(const std::string& file, size_t limit,
                                  std::vector<ir::Diagnostic>& out) const {
  // A scan of the text for candidates, each checked against the node the parser made of it:
  // the same characters inside a string or a comment are not code.
  const std::string_view text = text_;
  const Python2Symbols& symbols = Python2SymbolTable();
  // Candidates are mostly digits inside strings ('2021-01-01', '00:00'). The string's (or
  // comment's) text found for one covers the others in it: they are skipped without a lookup.
  size_t not_code_until = 0;
  auto node_at = [&](size_t begin, size_t end) {
    const TSNode node = ts_node_descendant_for_byte_range(root(), static_cast<uint32_t>(begin),
                                                          static_cast<uint32_t>(end));
    const TSSymbol symbol = ts_node_symbol(node);
    if (symbol == symbols.string_content || symbol == symbols.comment)
      not_code_until = ts_node_end_byte(node);
    return node;
  };
  auto type_of = [](TSNode n) { return std::string_view(ts_node_type(n)); };
  auto report = [&](TSNode node, std::string_view what) {
    out.push_back(Python2(file, Range(node), what));
  };
  // Only these bytes can start a candidate: most of the text is skipped by one table lookup.
  static constexpr std::array<bool, 256> kStarts = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("<`uU0123456789")) t[c] = true;
    return t;
  }();
  const size_t size = text.size();
  for (size_t i = 0; i < size && out.size() < limit; ++i) {
    while (i < size && !kStarts[static_cast<unsigned char>(text[i])]) ++i;
    if (i == size) break;
    if (i < not_code_until) {
      i = not_code_until - 1;  // past the string or comment
      continue;
    }
    const char c = text[i];
    const bool word_start = i == 0 || !IdentifierByte(text[i - 1]);
    if (c == '<' && i + 1 < text.size() && text[i + 1] == '>') {
      const TSNode node = node_at(i, i + 2);
      if (type_of(node) == "<>") report(node, "`<>` (Python 3: `!=`)");
      ++i;
    } else if (c == '`') {
      const TSNode node = node_at(i, i + 1);
      const std::string_view type = type_of(node);
      if (type != "comment" && type != "string_content" && type != "string" &&
          type != "escape_sequence")
        report(node, "backticks (Python 3: `repr(...)`)");
    } else if (std::isdigit(static_cast<unsigned char>(c)) && word_start &&
               (i == 0 || text[i - 1] != '.')) {
      size_t end = i;
      while (end < text.size() && IdentifierByte(text[end])) ++end;
      if (const std::string_view what = Python2Integer(text.substr(i, end - i)); !what.empty()) {
        const TSNode node = node_at(i, end);
        if (type_of(node) == "integer") report(node, what);
      }
      i = end - 1;
    } else if ((c == 'u' || c == 'U') && word_start && i + 2 < text.size() &&
               (text[i + 1] == 'r' || text[i + 1] == 'R') &&
               (text[i + 2] == '"' || text[i + 2] == '\'')) {
      const TSNode node = node_at(i, i + 1);
      if (type_of(node) == "string_start" || type_of(node) == "string")
        report(node, "the `ur` string prefix (Python 3: `r`)");
    }
  }
}

}  // namespace dagport::parser
