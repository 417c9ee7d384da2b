#pragma once
/// Finds the Python files under the paths a user names, as Airflow 1.10's DagBag lists a DAG
/// folder: recursively, following symbolic links, skipping what `.airflowignore` files exclude.

#include <string>
#include <vector>

#include "ir/diagnostic.h"

namespace dagport::parser {

struct FolderListing {
  std::vector<std::string> files;  ///< in a stable order: arguments in order, each walked sorted
  std::vector<ir::Diagnostic> diagnostics;  ///< unreadable paths, bad patterns, link loops
};

/// A path naming a file is taken whatever its extension; a folder is walked for `*.py` files.
/// `.airflowignore` in a folder holds one regular expression per line (`#` starts a comment);
/// a file or folder whose path (as joined from the argument) matches one of the patterns of its
/// folder or any parent folder is skipped, as in Airflow 1.10.
FolderListing ListPythonFiles(const std::vector<std::string>& paths);

}  // namespace dagport::parser
