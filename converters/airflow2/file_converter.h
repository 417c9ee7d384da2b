#pragma once
/// Converts one Python file of an Airflow 1.x project to Airflow 2: parses it, runs every rule
/// of `Rules()` over it and applies their edits to the original text.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "converters/airflow2/node_index.h"
#include "converters/airflow2/rule.h"

namespace dagport::converters::airflow2 {

struct FileConversion {
  std::string text;  ///< the converted source (the original when nothing changed)
  bool changed = false;
  bool converted = true;      ///< false: the file could not be converted (see diagnostics)
  bool uses_airflow = false;  ///< the file imports Airflow
  std::vector<AppliedChange> changes;
  std::vector<ir::Diagnostic> diagnostics;
  std::set<std::string> providers;
  /// SubDagOperator calls rewritten into TaskGroups, by (line, column) in the original: the
  /// graph check folds their sub-DAGs into the parent DAG (graph_comparison.h).
  std::set<std::pair<uint32_t, uint32_t>> subdag_groups;
  /// The edits that made `text` from the original, in order (for incremental re-parsing).
  std::vector<Edit> edits;
  /// The original tree's node index, when the file imports Airflow: the API check of the
  /// converted text takes the calls its edits left untouched from it (converted_nodes.h).
  /// Its nodes belong to the tree the file was converted from, and live as long as it (null
  /// from ConvertFile, whose tree is its own).
  std::shared_ptr<const NodeIndex> nodes;
};

FileConversion ConvertFile(const std::string& path, std::string text, const ConvertOptions& options,
                           const ProjectFacts& project);
/// The same, for a file already parsed.
FileConversion ConvertTree(const std::string& path, const parser::SyntaxTree& tree,
                           const ConvertOptions& options, const ProjectFacts& project);

}  // namespace dagport::converters::airflow2
