#pragma once
/// The container conversion's configuration: the `containers` section of `dagport.json` (found
/// in the converted folder, or named with --config). Everything has a default, so the common
/// case needs no file: custom operators that build virtualenvs are found by their footprint and
/// their arguments mapped by name. The file refines it: which operator classes to rewrite and
/// how their arguments map, and where the tasks run (cluster, subnets, roles, registry, ...).
/// docs/containers.md documents every key.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/diagnostic.h"

namespace dagport::converters::containers {

enum class Target { kEcs, kKubernetes, kDocker };
std::string_view TargetName(Target t);
std::optional<Target> ParseTarget(std::string_view name);

/// How one operator class's arguments become the container task's.
struct OperatorMapping {
  std::string requirements;     ///< argument holding the pip requirements (a list or a string)
  std::string python_version;   ///< argument holding the Python version ("3.8")
  std::string command;          ///< argument holding the command
  std::string python_callable;  ///< argument holding a Python callable (instead of a command)
  std::string command_style;    ///< "python" (arguments for the environment's python) or "shell"
  std::string environment;      ///< argument holding environment variables (a dict)
  std::string cpu, memory;      ///< arguments holding a CPU (units) and memory (MiB) request
  /// Arguments passed to the command as environment variables (argument -> variable name).
  std::map<std::string, std::string> environment_variables;
  std::vector<std::string> drop;  ///< arguments with no meaning in a container
  /// The class's __init__ parameters in order (names positional arguments); may be empty.
  std::vector<std::string> parameters;
  /// For one call: the command it gets ("module:function" of a callable moved into the image).
  std::string fixed_command;
  /// The class's default for its Python version argument ("3.7"), when it has a literal one:
  /// written into calls that rely on it, so that the wrapper names the same environment.
  std::string python_version_default;
  bool configured = false;  ///< listed in the configuration (not only detected)
};

/// Where container tasks run. Placeholders ("<...>") where the user has not said: the report
/// lists them and the generated files carry them visibly.
struct Deployment {
  std::string cluster = "<ecs-cluster>";
  std::vector<std::string> subnets = {"<subnet-id>"};
  std::vector<std::string> security_groups = {"<security-group-id>"};
  bool assign_public_ip = false;
  std::string execution_role_arn = "<ecs-task-execution-role-arn>";
  std::string task_role_arn;  ///< empty: none
  std::string log_group = "/dagport/tasks";
  std::string region = "us-east-1";
  std::string registry = "<account-id>.dkr.ecr.us-east-1.amazonaws.com";
  std::string repository = "dagport-tasks";
  std::string aws_conn_id = "aws_default";
  std::string namespace_ = "airflow";  ///< kubernetes
  std::string docker_url = "unix://var/run/docker.sock";
};

struct ContainerConfig {
  Target target = Target::kEcs;
  bool wrapper = true;
  bool detect = true;  ///< find venv operators by their footprint (false: only the listed ones)
  std::string python_version = "3.8";  ///< when a task does not say
  std::string base_image = "python:{python_version}-slim";
  int cpu = 1024, memory = 2048;  ///< a task's default request
  /// By class path (module.Class, as the IR names it) or bare class name.
  std::map<std::string, OperatorMapping> operators;
  Deployment deployment;
  std::string source;  ///< the file it was read from; empty: defaults
  /// The deployment keys still at their placeholder values.
  std::vector<std::string> Placeholders() const;
};

/// Reads `path`. Errors (bad JSON, unknown keys, wrong types) are diagnostics naming the line
/// and column; nullopt when there is any.
std::optional<ContainerConfig> LoadContainerConfig(const std::string& path,
                                                   std::vector<ir::Diagnostic>& diagnostics);
std::optional<ContainerConfig> ParseContainerConfig(const std::string& text,
                                                    const std::string& path,
                                                    std::vector<ir::Diagnostic>& diagnostics);

/// The mapping detection guesses for a class from its `__init__` parameter names.
OperatorMapping GuessMapping(const std::vector<std::string>& parameters);

}  // namespace dagport::converters::containers
