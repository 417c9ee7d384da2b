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

/// SubDagOperator calls the conversion rewrote into TaskGroups, by (line, column).
using SubdagGroups = std::set<std::pair<uint32_t, uint32_t>>;

/// DAGs of a converted file that only Airflow 2's auto-registration collects are left out
/// (`ReportAutoRegistered`).
/// `original`: the file as it was, whose single calls listed in project.containers.calls
/// become container tasks (in the converted file they already are, and positions moved).
/// `subdag_groups` (originals only): the sub-DAG of each of those SubDagOperator tasks is folded
/// into its parent as Airflow 2 links a TaskGroup: its tasks become `<task_id>.<task>`, and the
/// SubDagOperator's dependencies go to the group's first and last tasks.
GraphSummary Summarize(const ir::DagFile& file, const AirflowVersion& target,
                       const ProjectFacts& project, bool original = true,
                       const SubdagGroups* subdag_groups = nullptr);

/// DP216 for each DAG of the converted file that Airflow 2 loads and the original did not load:
/// one that no global holds, registered because it is used in a `with` block.
void ReportAutoRegistered(const ir::DagFile& converted, const GraphSummary& original,
                          std::vector<ir::Diagnostic>& diagnostics);

/// A 64-bit fingerprint of a summary: equal summaries have equal fingerprints, so a project's
/// originals can wait for the second pass in 8 bytes each.
uint64_t Fingerprint(const GraphSummary& summary);

/// What differs, one line each (at most `limit` lines); empty when the graphs are the same.
std::vector<std::string> CompareGraphs(const GraphSummary& original, const GraphSummary& converted,
                                       size_t limit = 8);
std::vector<std::string> CompareGraphs(const ir::DagFile& original, const ir::DagFile& converted,
                                       const AirflowVersion& target, const ProjectFacts& project,
                                       size_t limit = 8,
                                       const SubdagGroups* subdag_groups = nullptr);

}  // namespace dagport::converters::airflow2
