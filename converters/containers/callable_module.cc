#include "converters/containers/callable_module.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>

namespace dagport::converters::containers {

namespace {

using parser::ChildByField;
using parser::NamedChild;
using parser::NodeType;

/// The statement a top-level node is (a decorated definition counts as its definition).
TSNode Definition(TSNode statement) {
  if (NodeType(statement) == "decorated_definition") return ChildByField(statement, "definition");
  return statement;
}

/// Every identifier under `node`.
void Identifiers(const parser::SyntaxTree& tree, TSNode node, std::set<std::string>& out) {
  if (NodeType(node) == "identifier") {
    out.insert(std::string(tree.NodeText(node)));
    return;
  }
  // `obj.attr`: the attribute name is not a variable.
  if (NodeType(node) == "attribute") {
    Identifiers(tree, ChildByField(node, "object"), out);
    return;
  }
  // `f(name=value)`: the keyword is not a variable.
  if (NodeType(node) == "keyword_argument") {
    Identifiers(tree, ChildByField(node, "value"), out);
    return;
  }
  for (TSNode child : parser::NamedChildren(node)) Identifiers(tree, child, out);
}

/// The names a top-level statement binds, and whether it is an import from Airflow.
std::set<std::string> Binds(const parser::SyntaxTree& tree, TSNode statement, bool& airflow) {
  std::set<std::string> out;
  airflow = false;
  const TSNode def = Definition(statement);
  const std::string_view type = NodeType(def);
  if (type == "function_definition" || type == "class_definition") {
    out.insert(std::string(tree.NodeText(ChildByField(def, "name"))));
  } else if (type == "import_statement" || type == "import_from_statement") {
    if (type == "import_from_statement") {
      const std::string_view module = tree.NodeText(ChildByField(def, "module_name"));
      airflow = module == "airflow" || module.starts_with("airflow.");
    }
    for (TSNode child : parser::NamedChildren(def)) {
      if (type == "import_from_statement" && ts_node_eq(child, ChildByField(def, "module_name")))
        continue;
      if (NodeType(child) == "aliased_import") {
        out.insert(std::string(tree.NodeText(ChildByField(child, "alias"))));
        if (type == "import_statement") {
          const std::string_view name = tree.NodeText(ChildByField(child, "name"));
          airflow = airflow || name == "airflow" || name.starts_with("airflow.");
        }
      } else if (NodeType(child) == "dotted_name") {
        const std::string_view name = tree.NodeText(child);
        if (type == "import_statement") {
          out.insert(std::string(name.substr(0, name.find('.'))));
          airflow = airflow || name == "airflow" || name.starts_with("airflow.");
        } else {
          out.insert(std::string(name));
        }
      }
    }
  } else if (type == "expression_statement" && ts_node_named_child_count(def) == 1) {
    TSNode assignment = NamedChild(def, 0);
    if (NodeType(assignment) == "assignment" || NodeType(assignment) == "augmented_assignment") {
      std::set<std::string> targets;
      Identifiers(tree, ChildByField(assignment, "left"), targets);
      out.insert(targets.begin(), targets.end());
    }
  }
  return out;
}

}  // namespace

CallableModule ExtractCallable(const parser::SyntaxTree& tree, const std::string& function,
                               uint32_t line, const std::string& origin) {
  CallableModule result;
  const TSNode root = tree.root();
  const parser::NodeList top = parser::NamedChildren(root);
  const std::vector<TSNode> statements(top.begin(), top.end());
  // The function: the last top-level definition of that name at or before `line` (a later
  // one rebinds it; Airflow took the one bound when the task was made).
  int target = -1;
  for (size_t i = 0; i < statements.size(); ++i) {
    const TSNode def = Definition(statements[i]);
    if (NodeType(def) != "function_definition" ||
        tree.NodeText(ChildByField(def, "name")) != function)
      continue;
    if (line == 0 || ts_node_start_point(statements[i]).row + 1 <= line)
      target = static_cast<int>(i);
  }
  if (target < 0) return result;

  std::vector<bool> keep(statements.size(), false);
  keep[target] = true;
  std::set<std::string> needed, seen;
  Identifiers(tree, statements[target], needed);
  std::set<std::string> airflow_names;
  while (!needed.empty()) {
    const std::string name = *needed.begin();
    needed.erase(needed.begin());
    if (!seen.insert(name).second) continue;
    // Every top-level statement that binds the name: Python looks it up when the function
    // runs, after the whole module ran.
    for (size_t i = 0; i < statements.size(); ++i) {
      if (static_cast<int>(i) == target || keep[i]) continue;
      bool airflow = false;
      const std::set<std::string> binds = Binds(tree, statements[i], airflow);
      if (!binds.contains(name)) continue;
      if (airflow) {
        airflow_names.insert(name);
        continue;
      }
      keep[i] = true;
      const std::string_view type = NodeType(Definition(statements[i]));
      if (type != "import_statement" && type != "import_from_statement") {
        std::set<std::string> uses;
        Identifiers(tree, statements[i], uses);
        for (const std::string& u : uses) {
          if (!seen.contains(u)) needed.insert(u);
        }
      }
    }
  }
  result.airflow_names.assign(airflow_names.begin(), airflow_names.end());
  result.text = fmt::format(
      "# Generated by dagport: {}() of {} and the module-level names it uses, to run in the\n"
      "# task's container (containers/callables/dagport_run.py calls it).\n",
      function, origin);
  for (size_t i = 0; i < statements.size(); ++i) {
    if (!keep[i]) continue;
    result.text += "\n";
    result.text += tree.NodeText(statements[i]);
    result.text += "\n";
  }
  return result;
}

std::string CallableModuleName(const std::string& dag_file, const std::string& function) {
  std::string name = std::filesystem::path(dag_file).stem().string() + "__" + function;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) name = "_" + name;
  return name;
}

const char* const kCallableRunner =
    R"PY("""Runs one task's Python callable in its container (generated by dagport).

    python dagport_run.py '{"callable": "module:function", "args": [...], "kwargs": {...},
                           "context": {"ds": "2024-01-01", ...}}'

The spec arrives rendered by Airflow (templates done); the task's params come as JSON in the
DAGPORT_PARAMS environment variable. Context values are passed to the callable when it names
them or takes **kwargs, as Airflow's PythonOperator does. The return value is printed as JSON on
the last line, which EcsRunTaskOperator pushes to XCom.
"""
import importlib
import inspect
import json
import os
import sys


def main():
    spec = json.loads(sys.argv[1])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    module_name, function_name = spec["callable"].split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    args = list(spec.get("args") or [])
    kwargs = dict(spec.get("kwargs") or {})
    context = dict(spec.get("context") or {})
    context["params"] = json.loads(os.environ.get("DAGPORT_PARAMS") or "{}")
    parameters = inspect.signature(function).parameters
    takes_all = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
    for key, value in context.items():
        if key not in kwargs and (takes_all or key in parameters):
            kwargs[key] = value
    result = function(*args, **kwargs)
    try:
        line = json.dumps(result)
    except (TypeError, ValueError):
        print("dagport: the return value is not JSON; its repr() is pushed instead", file=sys.stderr)
        line = json.dumps(repr(result))
    sys.stdout.flush()
    print(line)


if __name__ == "__main__":
    main()
)PY";

}  // namespace dagport::converters::containers
