#pragma once
/// Which tasks become container tasks, and the environments (Python version + requirements)
/// their images are built from. Decided from the parser's IR: a custom operator class is a
/// container class when the configuration lists it, or (detection) when a task of it builds a
/// virtualenv or installs packages on the worker (its footprint). Each task's environment is
/// named by a content hash, computed the same way by the generated wrapper module at run time.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "converters/containers/container_config.h"
#include "ir/graph.h"
#include "parser/syntax_tree.h"

namespace dagport::converters::containers {

/// One image: a Python version and the pip requirements installed into it.
struct Environment {
  std::string id;  ///< first 12 hex digits of SHA-256 of the canonical text (EnvironmentKey)
  std::string python_version;
  std::vector<std::string> requirements;  ///< trimmed, sorted, each once
  int cpu = 0, memory = 0;                ///< the largest request of its tasks
  /// A task's own command builds a virtualenv (a Bash task): the image needs `virtualenv`.
  bool needs_virtualenv = false;
  bool has_callables = false;      ///< a task runs a Python callable: the image has the runner
  std::vector<std::string> tasks;  ///< "dag_id.task_id", sorted
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
  /// Modules of the callables moved into containers (containers/callables/<name>.py).
  std::map<std::string, std::string> callables;

  /// Adds another file's container tasks and environments (an environment two files use
  /// takes the larger size and both files' tasks).
  void Merge(ContainerPlan&& other);
};

/// The text whose hash names an environment: "python=3.8\n" then the requirements, trimmed,
/// sorted and each once, one per line.
std::string EnvironmentKey(const std::string& python_version,
                           const std::vector<std::string>& requirements);
std::string EnvironmentId(const std::string& python_version,
                          const std::vector<std::string>& requirements);

/// What becomes a container task in one file: every task of a container class, and single
/// calls of Airflow's BashOperator whose command builds a virtualenv or installs packages.
struct FileContainers {
  /// By class path as the IR names it.
  std::map<std::string, OperatorMapping> classes;
  /// By the position (line, column) of the operator call in the file.
  std::map<std::pair<uint32_t, uint32_t>, OperatorMapping> calls;
  /// Filled by AddToPlan: the environments of the tasks each call (by position) makes ("" for
  /// one not known), and the container tasks by (dag_id, task_id).
  std::map<std::pair<uint32_t, uint32_t>, std::set<std::string>> call_environments;
  std::set<std::pair<std::string, std::string>> tasks;
  bool empty() const { return classes.empty() && calls.empty(); }
  /// The mapping of `task`, or null when it stays as it is.
  const OperatorMapping* Find(const ir::Task& task) const;
};

/// The container classes and calls of `file`'s tasks, with their argument mappings. Reports
/// (into `diagnostics`) classes detected but not convertible.
FileContainers ContainersOf(const ir::DagFile& file, const ContainerConfig& config,
                            std::vector<ir::Diagnostic>& diagnostics);

/// Adds `file`'s container tasks to the plan. Reports tasks whose requirements are not
/// statically known (no image can be built for them) and files handed over through the disk.
/// `tree` is the DAG file's syntax tree (callables defined in it are read from it; callables
/// from other files are read from disk). A call whose callable cannot move is taken out of
/// `containers` (and reported); a call whose callable moves gets its command.
void AddToPlan(const ir::DagFile& file, const parser::SyntaxTree& tree, FileContainers& containers,
               const ContainerConfig& config, ContainerPlan& plan,
               std::vector<ir::Diagnostic>& diagnostics);

}  // namespace dagport::converters::containers
