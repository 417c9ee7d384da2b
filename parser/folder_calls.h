#pragma once
/// Calls DAG files make to read the folders they are deployed in: `os.listdir`, `glob.glob`,
/// `os.path.exists`/`isfile`/`isdir`, `os.path.abspath`/`realpath`/`normpath`/`relpath`. DAG
/// factories that make a task per SQL file or per configuration file drive their DAGs with them.
///
/// Only the analysed folders (the DAG folder, the plugins folder) are read: those Airflow
/// deploys with the DAG files. Anything outside them is unresolved, never read. Listings are
/// sorted (Python's order is the file system's, which no DAG should depend on).

#include <filesystem>
#include <optional>
#include <string>

#include "parser/evaluator.h"

namespace dagport::parser {

/// The path `v` names: a string or a `pathlib.Path`; nullopt for anything else.
std::optional<std::string> PathText(const Val& v);

/// Whether `path` lies inside one of the folders the analysis reads (its module roots).
bool InsideAnalysedFolders(Evaluator& ev, const std::filesystem::path& path);

/// The result of calling `path` (one of the functions above), or nullptr when `path` is not
/// one of them.
Val CallFolder(Evaluator& ev, std::string_view path, CallArgs& args, TSNode node, Frame& frame);

}  // namespace dagport::parser
