#include "runtime/try_sandbox.h"

#include <fmt/format.h>

namespace dagport::runtime {

SandboxSpec TrySandbox(const TrySetting& setting, TaskCommand& command) {
  SandboxSpec spec;
  spec.argv = command.argv;
  spec.workspace = setting.workspace;
  spec.log_path = setting.log;
  // The callable's code and dagport's Python support, read-only (they may be under /tmp,
  // which the sandbox replaces with its own).
  spec.read_only_binds = setting.callable_folders;
  spec.allow_network = setting.allow_network;
  // dagport's home (other tries' workspaces, the logs, the state file) is out of sight; the
  // support files, environments and this try's workspace below it are bound back.
  if (!setting.hidden_home.empty()) spec.hidden = {setting.hidden_home};
  std::string path = "PATH=/usr/local/bin:/usr/bin:/bin";
  if (setting.environment != nullptr && setting.layout != nullptr) {
    // The stand-in for the container: the environment's Python first on PATH, the DAG
    // folder where the image has it (bwrap) or where it is (otherwise), all read-only.
    const BuiltEnvironment& environment = *setting.environment;
    const ContainerLayout& layout = *setting.layout;
    path = "PATH=" + environment.path + "/bin:/usr/local/bin:/usr/bin:/bin";
    if (setting.map_dag_folder) spec.airflow_dags = layout.dag_folder;
    spec.read_only_binds = {environment.path, layout.dag_folder};
    if (!layout.callables.empty()) spec.read_only_binds.push_back(layout.callables);
    command.env.insert(command.env.begin(),
                       {"VIRTUAL_ENV=" + environment.path,
                        "DAGPORT_DAG_FOLDER=" + (setting.map_dag_folder ? "/usr/local/airflow/dags"
                                                                        : layout.dag_folder),
                        "DAGPORT_CALLABLES=" + layout.callables, "PYTHONDONTWRITEBYTECODE=1",
                        "PYTHONUNBUFFERED=1"});
  }
  spec.env = {path,
              "HOME=" + spec.workspace,
              "LANG=C.UTF-8",
              "AIRFLOW_CTX_DAG_ID=" + setting.dag_id,
              "AIRFLOW_CTX_TASK_ID=" + setting.task_id,
              "AIRFLOW_CTX_EXECUTION_DATE=" + setting.logical_date + "+00:00",
              "AIRFLOW_CTX_DAG_RUN_ID=" + setting.run_id,
              fmt::format("AIRFLOW_CTX_TRY_NUMBER={}", setting.try_number)};
  if (setting.airflow_variables != nullptr)
    spec.env.insert(spec.env.end(), setting.airflow_variables->begin(),
                    setting.airflow_variables->end());
  spec.env.insert(spec.env.end(), command.env.begin(), command.env.end());
  return spec;
}

}  // namespace dagport::runtime
