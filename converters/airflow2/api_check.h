#pragma once
/// Checks converted source against the Airflow 2 API data: every `from airflow... import N`
/// must name a module and a name Airflow 2.10 has (checked when the target is 2.10), and every
/// keyword argument of an operator the data describes must be one its constructor takes on the
/// target. The converter runs it over what it writes; the tests over every converted file.

#include <string>
#include <vector>

#include "converters/airflow2/converted_nodes.h"
#include "converters/airflow2/rule.h"

namespace dagport::converters::airflow2 {

/// One finding: a DP213 diagnostic (about the converted text: its place is given in the
/// message, as line L of the converted file) and the words that name its subject, by which a
/// finding a rule already reported on the original is recognised.
struct ApiFinding {
  ir::Diagnostic diagnostic;
  std::vector<std::string> subject;  ///< e.g. {"airflow.operators.acme.X"} or {"Op", "kw="}
  /// True when `diagnostics` already holds one that names every word of the subject.
  bool KnownFrom(const std::vector<ir::Diagnostic>& diagnostics) const;
};

std::vector<ApiFinding> CheckAgainstApi(const std::string& path, const std::string& text,
                                        const AirflowVersion& target, const ProjectFacts& project);
/// The same, for converted source already parsed.
std::vector<ApiFinding> CheckTreeAgainstApi(const std::string& path, const parser::SyntaxTree& tree,
                                            const AirflowVersion& target,
                                            const ProjectFacts& project);
/// The same, with the import statements and calls of the converted source already found
/// (`FindConvertedNodes`: the converter's way, which walks only what its edits changed).
std::vector<ApiFinding> CheckNodesAgainstApi(const std::string& path,
                                             const parser::SyntaxTree& tree,
                                             const ConvertedNodes& nodes,
                                             const AirflowVersion& target,
                                             const ProjectFacts& project);

}  // namespace dagport::converters::airflow2
