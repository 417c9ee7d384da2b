#pragma once
/// The checks Airflow itself makes when it loads a DAG, so that dagport reports them before a
/// scheduler does: dependency cycles (AirflowDagCycleException), duplicate task ids
/// (DuplicateTaskIdFound), ids Airflow rejects, and dependencies on tasks that do not exist.

#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace dagport::ir {

/// Airflow's rule for dag_id and task_id: ASCII letters, digits, '_', '.', '-'; 1..250 chars.
bool IsValidAirflowId(std::string_view id);

/// Findings for one DAG of `file`, in a stable order: ids, duplicates, unknown tasks, cycles.
std::vector<Diagnostic> CheckDag(const Dag& dag, const std::string& file);

}  // namespace dagport::ir
