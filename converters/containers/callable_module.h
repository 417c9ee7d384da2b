#pragma once
/// Moving a task's Python callable into its container: the function's source and the
/// module-level names it uses (imports, constants, helper functions and classes, followed
/// transitively), as one module the container's runner imports. Read from the syntax tree; the
/// DAG file itself is never imported in the container (it imports Airflow, which the image does
/// not have).

#include <string>
#include <vector>

#include "parser/syntax_tree.h"

namespace dagport::converters::containers {

struct CallableModule {
  std::string text;  ///< the module; empty when the function was not found
  /// Module-level names from Airflow the function uses: not available in the container.
  std::vector<std::string> airflow_names;
};

/// The module for the top-level function `function` of `tree` (defined at `line`, 1-based;
/// 0: anywhere). `origin` names the file in the module's header.
CallableModule ExtractCallable(const parser::SyntaxTree& tree, const std::string& function,
                               uint32_t line, const std::string& origin);

/// The module name dagport gives the callable `function` of a task in DAG file `dag_file`:
/// "<file stem>__<function>", made a valid Python identifier.
std::string CallableModuleName(const std::string& dag_file, const std::string& function);

/// The runner every image with callables carries: reads the task's spec (callable, arguments,
/// template context) as JSON, calls it, prints its return value as JSON as the last log line.
extern const char* const kCallableRunner;

}  // namespace dagport::converters::containers
