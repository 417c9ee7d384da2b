#pragma once
/// Checks converted source against the Airflow 2 API data: every `from airflow... import N`
/// must name a module and a name Airflow 2.10 has (checked when the target is 2.10), and every
/// keyword argument of an operator the data describes must be one its constructor takes on the
/// target. The converter runs it over what it writes; the tests over every converted file.

#include <string>
#include <vector>

#include "converters/airflow2/rule.h"

namespace dagport::converters::airflow2 {

std::vector<ir::Diagnostic> CheckAgainstApi(const std::string& path, const std::string& text,
                                            const AirflowVersion& target,
                                            const ProjectFacts& project);
/// The same, for converted source already parsed.
std::vector<ir::Diagnostic> CheckTreeAgainstApi(const std::string& path,
                                                const parser::SyntaxTree& tree,
                                                const AirflowVersion& target,
                                                const ProjectFacts& project);

}  // namespace dagport::converters::airflow2
