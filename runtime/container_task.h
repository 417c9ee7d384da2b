#pragma once
/// Container tasks of converted DAGs, as the local runtime runs them: dagport's
/// `ContainerTaskOperator`, and the `EcsRunTaskOperator`, `KubernetesPodOperator` and
/// `DockerOperator` calls `dagport convert --no-wrapper` writes (recognised by the task
/// definition or image of an environment in containers/manifest.json). The task's command runs
/// as the image's dagport-entrypoint runs it (`python`, `shell` or `callable` style), in a
/// local stand-in for its container: the environment's Python with its requirements, built
/// once (runtime/environment_cache), and the DAG folder where the image has it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/jinja_template.h"

namespace dagport::runtime {

/// Where a converted tree keeps what its container tasks need.
struct ContainerLayout {
  std::string root;         ///< the converted tree (holds containers/)
  std::string dag_folder;   ///< the folder the images copy to /usr/local/airflow/dags
  std::string callables;    ///< containers/callables (moved Python callables), "" when none
  nlohmann::json manifest;  ///< containers/manifest.json; null when there is none
  std::string default_python = "3.8";  ///< the wrapper's python_version default
  size_t default_memory_mb = 0;        ///< the wrapper's memory default (MiB); 0 unknown
};

/// The layout of the converted tree `dag_file` is in: the nearest folder above it (up to three
/// levels) holding containers/manifest.json, else the DAG file's folder with no manifest.
/// Throws std::runtime_error naming the file when the manifest cannot be read.
ContainerLayout FindContainerLayout(const std::string& dag_file);

/// A Python environment: what an image of the converter has installed.
struct ContainerEnvironment {
  std::string python_version;             ///< "3.8"
  std::vector<std::string> requirements;  ///< pip requirements, as written
};

/// What the container of a task runs.
struct ContainerCommand {
  ContainerEnvironment environment;
  std::string style;             ///< "python", "shell" or "callable" (dagport-entrypoint's)
  std::string command;           ///< rendered
  std::vector<std::string> env;  ///< the container's variables, rendered (NAME=value)
  bool push_xcom = false;        ///< the last line of its output is the task's XCom
  /// The container's memory (MiB): the task's `memory`, the wrapper's default, or its
  /// environment's in the manifest; 0 unknown. The local runtime limits the try to it.
  size_t memory_mb = 0;
  std::string operator_name;  ///< ContainerTaskOperator, EcsRunTaskOperator, ...
};

/// Whether `task` is a container task (of dagport's wrapper, or a target operator naming an
/// environment of the manifest).
bool IsContainerTask(const ir::Task& task, const ContainerLayout& layout);

/// The environment of a container task, without rendering anything (to build it before the
/// run); nullopt with `why` when its requirements are not known statically.
std::optional<ContainerEnvironment> ContainerEnvironmentOf(const ir::Task& task,
                                                           const ContainerLayout& layout,
                                                           std::string* why);

/// The rendered command of a container task; nullopt with `why` when a part is not known
/// statically or cannot be rendered.
std::optional<ContainerCommand> ContainerCommandFor(const ir::Task& task,
                                                    const ContainerLayout& layout,
                                                    const TemplateEnvironment& env,
                                                    std::string* why);

/// The same with the task's environment already found by ContainerEnvironmentOf (the runtime
/// finds it once, before the run, to build it).
std::optional<ContainerCommand> ContainerCommandFor(const ir::Task& task,
                                                    const ContainerLayout& layout,
                                                    ContainerEnvironment environment,
                                                    const TemplateEnvironment& env,
                                                    std::string* why);

/// The argument vector of the local dagport-entrypoint: `sh -c <script> dagport-entrypoint
/// <style> <command>`; the script changes to $DAGPORT_DAG_FOLDER first, as the image's
/// entrypoint changes to /usr/local/airflow/dags.
std::vector<std::string> EntrypointArgv(const std::string& style, const std::string& command);

}  // namespace dagport::runtime
