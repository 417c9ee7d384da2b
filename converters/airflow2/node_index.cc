#include "converters/airflow2/node_index.h"

#include <algorithm>
#include <map>
#include <string>

#include "parser/python_literals.h"

namespace dagport::converters::airflow2 {

namespace {

/// The grammar's symbols: one canonical symbol per named type, since several symbols can
/// carry one name (aliases: a keyword used as an `identifier`).
constexpr TSSymbol kNotNamed = static_cast<TSSymbol>(-1);

struct Symbols {
  std::map<std::string, TSSymbol, std::less<>> by_name;  ///< name -> canonical symbol
  std::vector<TSSymbol> canonical;                       ///< symbol -> canonical symbol
  /// symbol -> canonical symbol for named symbols, kNotNamed for the others.
  std::vector<TSSymbol> named_canonical;
};

const Symbols& GrammarSymbols() {
  static const Symbols table = [] {
    Symbols t;
    const TSLanguage* language = parser::PythonLanguage();
    const uint32_t count = ts_language_symbol_count(language);
    t.canonical.resize(count);
    // Named symbols first, so that a name's canonical symbol is a named one when there is one.
    for (const bool regular : {true, false}) {
      for (uint32_t i = 0; i < count; ++i) {
        const auto symbol = static_cast<TSSymbol>(i);
        if ((ts_language_symbol_type(language, symbol) == TSSymbolTypeRegular) != regular) continue;
        const auto [it, inserted] =
            t.by_name.emplace(ts_language_symbol_name(language, symbol), symbol);
        t.canonical[i] = it->second;
      }
    }
    t.named_canonical.assign(count, kNotNamed);
    for (uint32_t i = 0; i < count; ++i) {
      if (ts_language_symbol_type(language, static_cast<TSSymbol>(i)) == TSSymbolTypeRegular)
        t.named_canonical[i] = t.canonical[i];
    }
    return t;
  }();
  return table;
}

}  // namespace

NodeIndex::NodeIndex(TSNode root, std::string_view text) {
  const Symbols& symbols = GrammarSymbols();
  by_symbol_.resize(symbols.canonical.size());
  const TSSymbol string_symbol = symbols.by_name.find("string")->second;
  parser::PreorderWalk walk(root);
  bool done = false;
  while (!done) {
    const TSNode node = walk.Current();
    const TSSymbol symbol = ts_node_symbol(node);
    // A node's symbol is its alias when it has one: named exactly when ts_node_is_named says.
    const TSSymbol canonical =
        symbol < symbols.canonical.size() ? symbols.named_canonical[symbol] : kNotNamed;
    if (canonical != kNotNamed) by_symbol_[canonical].push_back(node);
    // The parts of a string that is not an f-string (a fifth of all nodes) are never asked for:
    // the walk does not go into them. (Into a token it goes nowhere.)
    const bool descend =
        canonical != string_symbol ||
        parser::ParseStringPrefix(parser::StringPrefixText(text.substr(ts_node_start_byte(node))))
            .formatted;
    done = !walk.Next(descend);
  }
}

std::vector<TSNode> NodeIndex::ImportStatements() const {
  std::vector<TSNode> statements = Of("import_statement");
  const std::vector<TSNode>& from = Of("import_from_statement");
  statements.insert(statements.end(), from.begin(), from.end());
  std::sort(statements.begin(), statements.end(),
            [](TSNode a, TSNode b) { return ts_node_start_byte(a) < ts_node_start_byte(b); });
  return statements;
}

const std::vector<TSNode>& NodeIndex::Of(std::string_view type) const {
  static const std::vector<TSNode> kNone;
  const auto& names = GrammarSymbols().by_name;
  auto it = names.find(type);
  if (it == names.end() || it->second >= by_symbol_.size()) return kNone;
  return by_symbol_[it->second];
}

}  // namespace dagport::converters::airflow2
