#pragma once
/// The checks Airflow itself makes when it loads a DAG, so that dagport reports them before a
/// scheduler does: dependency cycles (AirflowDagCycleException), duplicate task ids
/// (DuplicateTaskIdFound), ids Airflow rejects, and dependencies on tasks that do not exist.

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace dagport::ir {

/// Findings for one DAG of `file`, in a stable order: ids, duplicates, unknown tasks, cycles.
std::vector<Diagnostic> CheckDag(const Dag& dag, const std::string& file);

/// Why the DAG's schedule is a cron expression croniter rejects ("Invalid Cron expression"), or
/// nullopt when it is not one (a valid expression, a preset, a timedelta, None).
std::optional<std::string> InvalidCronSchedule(const Dag& dag);

}  // namespace dagport::ir
