#pragma once
/// "Nothing lost": the converted file, parsed again by dagport's own parser, must hold the same
/// DAGs, tasks, dependencies and operators (each 1.x class compared by where it is on the
/// target) as the original.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "converters/airflow2/rule.h"
#include "ir/graph.h"

namespace dagport::converters::airflow2 {

/// What the comparison needs of a file's DAGs: ids, tasks with their operator on the target,
/// dependencies. Small, so that a project's originals can be held while the copies are checked.
struct GraphSummary {
  struct Dag {
    std::map<std::string, std::string> tasks;  ///< task id -> operator class on the target
    std::set<std::pair<std::string, std::string>> edges;
  };
  std::map<std::string, Dag> dags;
};

/// `original`: the file as it was, whose single calls listed in project.containers.calls
/// become container tasks (in the converted file they already are, and positions moved).
GraphSummary Summarize(const ir::DagFile& file, const AirflowVersion& target,
                       const ProjectFacts& project, bool original = true);

/// A 64-bit fingerprint of a summary: equal summaries have equal fingerprints, so a project's
/// originals can wait for the second pass in 8 bytes each.
uint64_t Fingerprint(const GraphSummary& summary);

/// What differs, one line each (at most `limit` lines); empty when the graphs are the same.
std::vector<std::string> CompareGraphs(const GraphSummary& original, const GraphSummary& converted,
                                       size_t limit = 8);
std::vector<std::string> CompareGraphs(const ir::DagFile& original, const ir::DagFile& converted,
                                       const AirflowVersion& target, const ProjectFacts& project,
                                       size_t limit = 8);

}  // namespace dagport::converters::airflow2
