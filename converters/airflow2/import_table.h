#pragma once
/// The names a Python file binds with its import statements, read from the syntax tree: what
/// `BashOperator`, `bo.BashOperator` or `airflow.operators.bash_operator.BashOperator` refer to.
/// Scopes are ignored (an import inside a function binds the name for the whole file), as DAG
/// files do not rebind operator names.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "converters/airflow2/node_index.h"
#include "parser/syntax_tree.h"

namespace dagport::converters::airflow2 {

struct ImportItem {
  TSNode statement{};  ///< the import_statement or import_from_statement
  TSNode item{};       ///< its dotted_name or aliased_import for this name
  std::string module;  ///< `from M import N`: M; `import M`: M
  std::string name;    ///< `from M import N`: N; empty for `import M`
  std::string alias;   ///< the `as` name, or empty
  std::string local;   ///< the name bound in the file
  bool from = false;
  bool relative = false;  ///< `from .x import y`: a module of the project

  /// What the local name refers to: M.N for a from-import, M for `import M as m`, and the first
  /// component of M for `import M`.
  std::string Path() const;
};

class ImportTable {
 public:
  /// From the tree's node index (no walk of its own).
  static ImportTable Build(const parser::SyntaxTree& tree, const NodeIndex& nodes);
  /// From the tree's import statements (`import_statement`, `import_from_statement`), in
  /// source order.
  static ImportTable Build(const parser::SyntaxTree& tree, const std::vector<TSNode>& statements);

  const std::vector<ImportItem>& items() const { return items_; }
  /// The last import that binds `local`, or nullptr.
  const ImportItem* Find(std::string_view local) const;
  /// The dotted path an identifier or attribute chain refers to through the imports
  /// (`bo.BashOperator` -> airflow.operators.bash_operator.BashOperator); nullopt when its first
  /// name is not imported or the chain holds something other than names.
  std::optional<std::string> Resolve(const parser::SyntaxTree& tree, TSNode expression) const;
  /// True when some import names an `airflow` module.
  bool ImportsAirflow() const;

 private:
  std::vector<ImportItem> items_;
};

}  // namespace dagport::converters::airflow2
