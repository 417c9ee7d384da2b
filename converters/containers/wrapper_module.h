#pragma once
/// The wrapper module DAG authors use after the conversion: `dagport_container.py` (written to
/// the plugins folder) with `ContainerTaskOperator(task_id, command, requirements=...,
/// python_version=..., environment=..., cpu=..., memory=...)`, a subclass of the target's
/// operator (EcsRunTaskOperator, KubernetesPodOperator or DockerOperator) that runs the command
/// in the image built for its requirements. The deployment settings are written into it.

#include <string>
#include <utility>
#include <vector>

#include "converters/airflow2/api_data.h"
#include "converters/containers/container_config.h"

namespace dagport::converters::containers {

inline constexpr const char* kWrapperModule = "dagport_container";
inline constexpr const char* kWrapperClass = "ContainerTaskOperator";
/// The container's name in task definitions and pods (ECS log streams are prefix/name/id).
inline constexpr const char* kContainerName = "task";

/// The target's operator on one Airflow version, and the keywords the wrapper passes it.
struct TargetOperator {
  std::string module, name;  ///< where it imports from on the target Airflow
  std::string provider;      ///< its pip package
  /// Keyword -> Python expression, in the order the wrapper passes them to super().__init__().
  std::vector<std::pair<std::string, std::string>> keywords;
};

/// Where the target's operator is on `version` and what the wrapper passes it. Throws
/// std::runtime_error when the API data has no such operator for that version.
TargetOperator TargetOperatorFor(Target target, const airflow2::AirflowVersion& version);

/// For --no-wrapper: the keywords of the target's operator for one task written directly, as
/// Python source: the deployment settings as literals, the image or task definition of
/// environment `env_id`, and the call's own `command` and `environment` expressions
/// (`environment` may be empty).
std::vector<std::pair<std::string, std::string>> DirectKeywords(
    const ContainerConfig& config, const airflow2::AirflowVersion& version,
    const std::string& env_id, const std::string& style, const std::string& command,
    const std::string& environment);

/// The module's text. The same inputs give the same bytes.
std::string WrapperModule(const ContainerConfig& config, const airflow2::AirflowVersion& version);

}  // namespace dagport::converters::containers
