#pragma once
/// Which tasks become container tasks, and the environments (Python version + requirements)
/// their images are built from. Decided from the parser's IR: a custom operator class is a
/// container class when the configuration lists it, or (detection) when a task of it builds a
/// virtualenv or installs packages on the worker (its footprint). Each task's environment is
/// named by a content hash, computed the same way by the generated wrapper module at run time.

#include <map>
#include <string>
#include <vector>

#include "converters/containers/container_config.h"
#include "ir/graph.h"

namespace dagport::converters::containers {

/// One image: a Python version and the pip requirements installed into it.
struct Environment {
  std::string id;  ///< first 12 hex digits of SHA-256 of the canonical text (EnvironmentKey)
  std::string python_version;
  std::vector<std::string> requirements;  ///< trimmed, sorted, each once
  int cpu = 0, memory = 0;                ///< the largest request of its tasks
  std::vector<std::string> tasks;         ///< "dag_id.task_id", sorted
};

/// One task that becomes a container task.
struct ContainerTask {
  std::string file, dag_id, task_id;
  std::string operator_class;
  std::string environment;    ///< Environment::id; empty when its requirements are not known
  std::string command;        ///< as the DAG computes it (Jinja kept); empty for a callable
  std::string command_style;  ///< "python" or "shell"
  std::vector<ir::HostAccess> footprint;
};

struct ContainerPlan {
  std::vector<ContainerTask> tasks;
  std::map<std::string, Environment> environments;  ///< by id
};

/// The text whose hash names an environment: "python=3.8\n" then the requirements, trimmed,
/// sorted and each once, one per line.
std::string EnvironmentKey(const std::string& python_version,
                           const std::vector<std::string>& requirements);
std::string EnvironmentId(const std::string& python_version,
                          const std::vector<std::string>& requirements);

/// The container classes `file`'s tasks use, by class path, with their argument mappings.
/// Reports (into `diagnostics`) classes detected but not convertible.
std::map<std::string, OperatorMapping> ContainerClassesOf(const ir::DagFile& file,
                                                          const ContainerConfig& config,
                                                          std::vector<ir::Diagnostic>& diagnostics);

/// Adds `file`'s tasks of `classes` to the plan. Reports tasks whose requirements or command
/// are not statically known (no image can be built for them).
void AddToPlan(const ir::DagFile& file, const std::map<std::string, OperatorMapping>& classes,
               const ContainerConfig& config, ContainerPlan& plan,
               std::vector<ir::Diagnostic>& diagnostics);

}  // namespace dagport::converters::containers
