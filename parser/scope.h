#pragma once
/// Name scopes of the evaluator: a module's globals, a function call's locals (with the
/// enclosing function's scope for closures), a class body.

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "parser/object.h"
#include "parser/syntax_tree.h"

namespace dagport::parser {

/// Hashing that lets string_view keys find std::string entries without a copy.
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Scope : HeapItem {
  ModuleState* module = nullptr;
  Scope* enclosing = nullptr;  ///< the enclosing function's scope (closures); null at module level
  std::unordered_map<std::string, Val, NameHash, std::equal_to<>> vars;
  std::vector<std::string> order;  ///< first-binding order (a module's __dict__ order)
  std::unordered_set<std::string> global_names;    ///< names declared `global` in this scope
  std::unordered_set<std::string> nonlocal_names;  ///< names declared `nonlocal` in this scope
  /// Modules dagport does not analyse that `from m import *` drew names from.
  std::vector<std::string> wildcard_modules;
  /// Names may have been bound in ways dagport cannot see (exec, globals().update of an unknown
  /// mapping): a missing name is then not a NameError.
  bool unknown_names = false;

  Val* Find(std::string_view name) {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : &it->second;
  }
  /// `del name`: unbound, and out of the binding order (bound again, it goes last, as in a
  /// Python dict).
  void Erase(std::string_view name) {
    auto it = vars.find(name);
    if (it == vars.end()) return;
    vars.erase(it);
    order.erase(std::find(order.begin(), order.end(), name));
  }
  void Set(const std::string& name, Val v) {
    auto [it, inserted] = vars.try_emplace(name, v);
    if (inserted) {
      order.push_back(name);
    } else {
      it->second = v;
    }
  }
};

/// One module of the analysed code: the DAG file itself or a local module it imports.
struct ModuleState : HeapItem {
  std::string name;     ///< dotted module name ("common.helpers"); for the DAG file, its stem
  std::string path;     ///< file path as it is named in messages
  std::string package;  ///< package for relative imports ("common" for common/helpers.py)
  const SyntaxTree* tree = nullptr;
  Scope* globals = nullptr;
  bool loading = false;  ///< being evaluated (an import cycle returns it as it is)
  Val self = nullptr;    ///< the kModule value
};

}  // namespace dagport::parser
