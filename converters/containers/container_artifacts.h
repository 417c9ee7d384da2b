#pragma once
/// What the container conversion writes besides the DAGs: per environment a build context
/// (Dockerfile on an official Python image, requirements.txt, the entrypoint), for ECS a task
/// definition in the RegisterTaskDefinition input shape, a manifest tying each task to its
/// environment, and a build script. Names are content hashes, so the same input always gives
/// byte-identical files.

#include <filesystem>
#include <map>
#include <string>

#include "converters/airflow2/api_data.h"
#include "converters/containers/container_config.h"
#include "converters/containers/container_plan.h"

namespace dagport::converters::containers {

/// The image of an environment: registry/repository:env-<id>.
std::string ImageName(const ContainerConfig& config, const Environment& env);
/// The ECS task definition family of an environment.
std::string TaskDefinitionFamily(const Environment& env);

/// The ECS task definition (RegisterTaskDefinition input) of `env`, as JSON text.
std::string TaskDefinitionJson(const ContainerConfig& config, const Environment& env);

/// Every file, by path relative to the output root. `dag_folder` is the DAG folder relative to
/// the output root ("dags", or "." when the root is the DAG folder): the images carry it at
/// /usr/local/airflow/dags, where the workers had it.
std::map<std::string, std::string> ContainerArtifacts(const ContainerConfig& config,
                                                      const ContainerPlan& plan,
                                                      const std::string& dag_folder);

/// ContainerArtifacts plus the wrapper module for Airflow `version`, placed for the converted
/// tree of `input_root`: the plugins folder when it has one, else the DAG folder (dags/ of a
/// deployment folder, or the root).
std::map<std::string, std::string> ContainerOutput(const ContainerConfig& config,
                                                   const ContainerPlan& plan,
                                                   const std::filesystem::path& input_root,
                                                   const airflow2::AirflowVersion& version);

}  // namespace dagport::converters::containers
