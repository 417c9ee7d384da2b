#pragma once
/// "Nothing lost": the converted file, parsed again by dagport's own parser, must hold the same
/// DAGs, tasks, dependencies and operators (each 1.x class compared by where it is on the
/// target) as the original.

#include <string>
#include <vector>

#include "converters/airflow2/rule.h"
#include "ir/graph.h"

namespace dagport::converters::airflow2 {

/// What differs, one line each (at most `limit` lines); empty when the graphs are the same.
std::vector<std::string> CompareGraphs(const ir::DagFile& original, const ir::DagFile& converted,
                                       const AirflowVersion& target, const ProjectFacts& project,
                                       size_t limit = 8);

}  // namespace dagport::converters::airflow2
