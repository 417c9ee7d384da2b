#pragma once
/// The environments of a run's container tasks, built (or found in the cache) before the run
/// starts, so that a try only mounts its environment.

#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "runtime/container_task.h"
#include "runtime/environment_cache.h"
#include "sched/dag_plan.h"

namespace dagport::runtime {

/// A container task still to run: its environment (nullopt when it is not known statically,
/// `why` says why) and that environment built.
struct PreparedContainer {
  std::optional<ContainerEnvironment> environment;
  std::string why;
  BuiltEnvironment built;
};

/// The container tasks of `plan` (by task id), except those in `done` (task ids), each with its
/// environment built in the cache at `cache_dir`: once per distinct Python version and set of
/// requirements. What is built is said on `progress` when it is not null.
std::map<std::string, PreparedContainer> PrepareContainers(
    const sched::DagPlan& plan, const ContainerLayout& layout, const std::string& cache_dir,
    const std::map<std::string, std::string>& done, std::ostream* progress);

}  // namespace dagport::runtime
