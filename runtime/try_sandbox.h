#pragma once
/// What a try's sandbox shows its command besides the command itself: the workspace and log,
/// the folders it may read, the environment variables Airflow sets for a task, and, for a
/// container task, its environment standing in for the image. The run's limits (memory,
/// processes) are set by the runner.

#include <string>
#include <vector>

#include "runtime/container_task.h"
#include "runtime/environment_cache.h"
#include "runtime/sandbox.h"
#include "runtime/task_command.h"

namespace dagport::runtime {

struct TrySetting {
  std::string dag_id, task_id, run_id;
  std::string logical_date;  ///< ISO 8601, without the zone (UTC)
  int try_number = 1;
  std::string workspace, log;
  /// AIRFLOW_VAR_* and AIRFLOW_CONN_* (NAME=value) passed on to every try.
  const std::vector<std::string>* airflow_variables = nullptr;
  bool allow_network = false;
  std::string hidden_home;  ///< dagport's home, out of sight of the try; empty: not hidden
  /// A Python callable's try: the folders of its code and of dagport's support, read-only.
  std::vector<std::string> callable_folders;
  /// A container task's try: its built environment and the converted tree's layout.
  const BuiltEnvironment* environment = nullptr;
  const ContainerLayout* layout = nullptr;
  bool map_dag_folder = false;  ///< show the DAG folder where the images have it (bwrap)
};

/// The sandbox of a try running `command`. For a container task, the variables of the stand-in
/// for its image are put first in `command.env`.
SandboxSpec TrySandbox(const TrySetting& setting, TaskCommand& command);

}  // namespace dagport::runtime
