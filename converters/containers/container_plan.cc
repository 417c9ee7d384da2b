#include "converters/containers/container_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "converters/airflow2/api_data.h"
#include "converters/containers/callable_module.h"
#include "converters/containers/sha256.h"
#include "parser/source_reader.h"

namespace dagport::converters::containers {

namespace {

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

/// The task's argument `name`: by keyword, or positional at the class parameter's place (the
/// IR names positional arguments `_positional_<i>`).
const ir::Value* Argument(const ir::Task& task, const std::string& name,
                          const std::vector<std::string>& parameters = {}) {
  if (name.empty()) return nullptr;
  if (const ir::Value* v = ir::FindArgument(task.effective_arguments, name)) return v;
  const auto at = std::find(parameters.begin(), parameters.end(), name);
  if (at == parameters.end()) return nullptr;
  return ir::FindArgument(task.effective_arguments,
                          "_positional_" + std::to_string(at - parameters.begin()));
}

/// The requirement strings of a list or a newline-separated string; nullopt when not known.
std::optional<std::vector<std::string>> Requirements(const ir::Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || v->kind() == ir::ValueKind::kNone) return out;
  if (v->kind() == ir::ValueKind::kString) {
    std::string_view text = v->as_text();
    while (!text.empty()) {
      const size_t nl = text.find('\n');
      std::string line = Trim(text.substr(0, nl));
      if (!line.empty() && !line.starts_with("#")) out.push_back(line);
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
    return out;
  }
  if (v->kind() != ir::ValueKind::kList && v->kind() != ir::ValueKind::kTuple) return std::nullopt;
  for (const ir::Value& item : v->items()) {
    if (item.kind() != ir::ValueKind::kString) return std::nullopt;
    out.push_back(item.as_text());
  }
  return out;
}

/// A string or template's text; nullopt for anything else.
std::optional<std::string> Text(const ir::Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->kind() == ir::ValueKind::kString || v->kind() == ir::ValueKind::kTemplate)
    return std::string(v->as_text());
  return std::nullopt;
}

std::optional<int> Number(const ir::Value* v) {
  if (v == nullptr || v->kind() != ir::ValueKind::kInt) return std::nullopt;
  return static_cast<int>(v->as_int());
}

std::string ShortName(const std::string& path) {
  return std::string(airflow2::NameOf(path));
}

/// The requirements as an environment holds them: trimmed, sorted, each once, none empty.
std::vector<std::string> CanonicalRequirements(const std::vector<std::string>& requirements) {
  std::set<std::string> unique;
  for (const std::string& r : requirements) {
    std::string t = Trim(r);
    if (!t.empty()) unique.insert(std::move(t));
  }
  return {unique.begin(), unique.end()};
}

/// The task writes, creates or deletes a fixed path on the worker (not a fresh temporary one):
/// two of its tasks running at once on one worker can meet there.
bool WritesFixedHostPath(const ir::Task& task) {
  return std::any_of(task.footprint.begin(), task.footprint.end(), [](const ir::HostAccess& a) {
    return !a.unique && a.mode != "read" && a.path.starts_with("/");
  });
}

const OperatorMapping* Configured(const ContainerConfig& config, const std::string& path) {
  if (auto it = config.operators.find(path); it != config.operators.end()) return &it->second;
  if (auto it = config.operators.find(ShortName(path)); it != config.operators.end())
    return &it->second;
  return nullptr;
}

bool Writes(const ir::HostAccess& a) {
  return a.mode == "write" || a.mode == "create";
}

/// Files a container task hands to or takes from another task of its DAG through the worker's
/// disk: in its own container it no longer shares that disk.
void ReportHandOffs(const std::string& file, const ir::Dag& dag, const ir::Task& task,
                    std::vector<ir::Diagnostic>& diagnostics) {
  std::set<std::string> reported;
  for (const ir::HostAccess& mine : task.footprint) {
    if (mine.unique || (mine.resource != "file" && mine.resource != "directory")) continue;
    for (const ir::Task& other : dag.tasks) {
      if (&other == &task) continue;
      for (const ir::HostAccess& theirs : other.footprint) {
        if (theirs.unique || theirs.path != mine.path) continue;
        const bool i_read = mine.mode == "read" && Writes(theirs);
        const bool they_read = Writes(mine) && theirs.mode == "read";
        if (!i_read && !they_read) continue;
        if (!reported.insert(mine.path + "\n" + other.task_id).second) continue;
        diagnostics.push_back(ir::MakeDiagnostic(
            "DP226", file, task.where,
            fmt::format("task '{}' {} {}, which task '{}' {} on the worker's disk: in its own "
                        "container it no longer shares that disk",
                        task.task_id, i_read ? "reads" : "writes", mine.path, other.task_id,
                        i_read ? "writes" : "reads"),
            "hand the file over through S3 (or XCom for small values) instead of a host path"));
      }
    }
  }
}

}  // namespace

void ContainerPlan::Merge(ContainerPlan&& other) {
  for (ContainerTask& t : other.tasks) tasks.push_back(std::move(t));
  for (auto& [name, text] : other.callables) callables.emplace(name, std::move(text));
  for (auto& [id, env] : other.environments) {
    Environment& merged = environments[id];
    if (merged.id.empty()) {
      merged = std::move(env);
      continue;
    }
    merged.cpu = std::max(merged.cpu, env.cpu);
    merged.memory = std::max(merged.memory, env.memory);
    merged.needs_virtualenv = merged.needs_virtualenv || env.needs_virtualenv;
    merged.has_callables = merged.has_callables || env.has_callables;
    merged.tasks.insert(merged.tasks.end(), env.tasks.begin(), env.tasks.end());
    std::sort(merged.tasks.begin(), merged.tasks.end());
  }
}

std::string EnvironmentKey(const std::string& python_version,
                           const std::vector<std::string>& requirements) {
  std::string key = "python=" + python_version + "\n";
  for (const std::string& r : CanonicalRequirements(requirements)) key += r + "\n";
  return key;
}

std::string EnvironmentId(const std::string& python_version,
                          const std::vector<std::string>& requirements) {
  return Sha256Hex(EnvironmentKey(python_version, requirements)).substr(0, 12);
}

const OperatorMapping* FileContainers::Find(const ir::Task& task) const {
  if (auto it = classes.find(task.operator_class); it != classes.end()) return &it->second;
  if (auto it = calls.find({task.where.line, task.where.column}); it != calls.end())
    return &it->second;
  return nullptr;
}

FileContainers ContainersOf(const ir::DagFile& file, const ContainerConfig& config,
                            std::vector<ir::Diagnostic>& diagnostics) {
  FileContainers result;
  std::map<std::string, OperatorMapping>& out = result.classes;
  std::set<std::string> reported;
  for (const ir::Dag& dag : file.dags) {
    for (const ir::Task& task : dag.tasks) {
      const std::string& path = task.operator_class;
      if (out.contains(path)) continue;
      // Airflow's own PythonVirtualenvOperator: its callable moves into the image (per call:
      // AddToPlan takes back the calls whose callable cannot move).
      if (config.detect &&
          (path.ends_with(".PythonVirtualenvOperator") || path == "PythonVirtualenvOperator")) {
        OperatorMapping m;
        m.python_callable = "python_callable";
        m.requirements = "requirements";
        m.python_version = "python_version";
        m.command_style = "callable";
        m.drop = {"system_site_packages", "use_dill",       "string_args",
                  "templates_dict",       "templates_exts", "expect_airflow",
                  "pip_install_options",  "index_urls",     "venv_cache_path"};
        result.calls[{task.where.line, task.where.column}] = std::move(m);
        continue;
      }
      // A Bash command that builds a virtualenv or installs packages: runs as it is, in its
      // own container (its installs go into the container).
      if (config.detect && task.InstallsOnWorker() &&
          (path.ends_with(".BashOperator") || path == "BashOperator")) {
        OperatorMapping m;
        m.command = "bash_command";
        m.command_style = "shell";
        result.calls[{task.where.line, task.where.column}] = std::move(m);
        continue;
      }
      const auto cls = std::find_if(file.operator_classes.begin(), file.operator_classes.end(),
                                    [&](const ir::OperatorClass& c) { return c.path == path; });
      std::vector<std::string> names;
      if (cls != file.operator_classes.end()) {
        for (const ir::OperatorParameter& p : cls->init_parameters) {
          if (p.kind == "positional" || p.kind == "keyword_only") names.push_back(p.name);
        }
      }
      // The class's literal default for `argument`, if any.
      auto default_of = [&](const std::string& argument) -> std::string {
        if (cls == file.operator_classes.end() || argument.empty()) return "";
        for (const ir::OperatorParameter& p : cls->init_parameters) {
          if (p.name == argument && p.has_default &&
              p.default_value.kind() == ir::ValueKind::kString)
            return p.default_value.as_text();
        }
        return "";
      };
      if (const OperatorMapping* m = Configured(config, path)) {
        OperatorMapping mapping = *m;
        mapping.parameters = names;
        // The class's own parameters that are not mapped have no meaning in the container.
        for (const std::string& n : names) {
          if (n != m->requirements && n != m->python_version && n != m->command &&
              n != m->python_callable && n != m->environment && n != m->cpu && n != m->memory &&
              !m->environment_variables.contains(n) &&
              std::find(m->drop.begin(), m->drop.end(), n) == m->drop.end())
            mapping.drop.push_back(n);
        }
        mapping.python_version_default = default_of(m->python_version);
        if (mapping.command_style.empty()) mapping.command_style = "shell";
        if (mapping.command_style == "callable") {
          // Call by call, as PythonVirtualenvOperator: AddToPlan takes back the calls whose
          // callable cannot move.
          result.calls[{task.where.line, task.where.column}] = std::move(mapping);
        } else {
          out[path] = std::move(mapping);
        }
        continue;
      }
      if (!config.detect || (!task.InstallsOnWorker() && !WritesFixedHostPath(task))) continue;
      if (cls == file.operator_classes.end()) {
        // Not a class of the analysed code (Airflow's own operators are handled above).
        continue;
      }
      OperatorMapping m = GuessMapping(names);
      m.parameters = names;
      m.python_version_default = default_of(m.python_version);
      const bool runs_venv_python = std::any_of(
          task.footprint.begin(), task.footprint.end(),
          [](const ir::HostAccess& a) { return a.resource == "virtualenv" && a.mode == "read"; });
      m.command_style = runs_venv_python ? "python" : "shell";
      if (m.command.empty() || !m.python_callable.empty()) {
        // A class that only writes fixed paths and runs no command is not a command runner:
        // its execute() does more than a container task would, so it stays.
        if (!task.InstallsOnWorker()) continue;
        if (reported.insert(path).second) {
          diagnostics.push_back(ir::MakeDiagnostic(
              "DP222", file.path, task.where,
              fmt::format(
                  "'{}' builds a virtualenv on the worker, but dagport cannot tell which "
                  "of its arguments is the command ({}): its tasks are not rewritten",
                  ShortName(path),
                  m.command.empty() ? "none is named like one" : "it takes a Python callable"),
              "map the class in dagport.json (containers.operators); docs/containers.md"));
        }
        continue;
      }
      for (const std::string& n : names) {
        if (n != m.requirements && n != m.python_version && n != m.command && n != m.environment &&
            n != m.cpu && n != m.memory)
          m.drop.push_back(n);
      }
      out[path] = std::move(m);
    }
  }
  return result;
}

/// Moves the task's callable into the plan: its module, and the task's command
/// "module:function". False (reported) when it cannot.
bool MoveCallable(const ir::DagFile& file, const parser::SyntaxTree& tree, const ir::Task& task,
                  const OperatorMapping& m, ContainerTask& ct, ContainerPlan& plan,
                  std::vector<ir::Diagnostic>& diagnostics) {
  const ir::Value* v = Argument(task, m.python_callable);
  if (v == nullptr || v->kind() != ir::ValueKind::kCallable ||
      v->callable().name.find_first_of(".<") != std::string::npos) {
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP227", file.path, task.where,
        fmt::format("task '{}': its callable is not a function defined at module level, so it "
                    "cannot move into the container",
                    task.task_id),
        "pass a module-level function (def ...) as python_callable"));
    return false;
  }
  const ir::CallableRef& ref = v->callable();
  const std::string module = CallableModuleName(file.path, ref.name);
  ct.command = module + ":" + ref.name;
  if (plan.callables.contains(module)) return true;
  CallableModule extracted;
  if (ref.file.empty() || ref.file == file.path) {
    extracted = ExtractCallable(tree, ref.name, ref.where.line, file.path);
  } else if (parser::SourceText source = parser::ReadSource(ref.file, ref.file); source.text) {
    extracted = ExtractCallable(parser::SyntaxTree::Parse(std::move(*source.text)), ref.name,
                                ref.where.line, ref.file);
  }
  if (extracted.text.empty()) {
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP227", file.path, task.where,
        fmt::format("task '{}': the function {} was not found in {}", task.task_id, ref.name,
                    ref.file.empty() ? file.path : ref.file),
        "pass a module-level function (def ...) as python_callable"));
    return false;
  }
  if (!extracted.airflow_names.empty()) {
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP227", file.path, task.where,
        fmt::format("task '{}': {}() uses {} from Airflow, which its container does not have",
                    task.task_id, ref.name, fmt::join(extracted.airflow_names, ", ")),
        "keep Airflow out of the callable (use boto3, requests, ... directly), or add "
        "apache-airflow to its requirements"));
  }
  plan.callables[module] = std::move(extracted.text);
  return true;
}

void AddToPlan(const ir::DagFile& file, const parser::SyntaxTree& tree, FileContainers& containers,
               const ContainerConfig& config, ContainerPlan& plan,
               std::vector<ir::Diagnostic>& diagnostics) {
  std::set<std::string> reported;  // classes DP229 was reported for
  for (const ir::Dag& dag : file.dags) {
    for (const ir::Task& task : dag.tasks) {
      const OperatorMapping* mapping = containers.Find(task);
      if (mapping == nullptr) continue;
      const OperatorMapping& m = *mapping;
      if (containers.classes.contains(task.operator_class)) {
        // What execute() does besides building the environment and running the command is not
        // done in the container: say so, once per class.
        std::vector<std::string> left;
        for (const ir::HostAccess& a : task.footprint) {
          if (a.resource == "file" && a.mode != "read" && !a.unique)
            left.push_back(a.mode + " " + a.path);
        }
        if (!left.empty() && reported.insert(task.operator_class).second) {
          diagnostics.push_back(ir::MakeDiagnostic(
              "DP229", file.path, task.where,
              fmt::format("the container runs only the command of '{}': what its execute() does "
                          "around it ({}) is not done there",
                          ShortName(task.operator_class), fmt::join(left, ", ")),
              "if the command needs it, have the command do it, or pass values as environment "
              "variables (dagport.json environment_variables)"));
        }
      }
      ContainerTask ct;
      ct.file = file.path;
      ct.dag_id = dag.dag_id;
      ct.task_id = task.task_id;
      ct.operator_class = task.operator_class;
      ct.command_style = m.command_style.empty() ? "shell" : m.command_style;
      ct.footprint = task.footprint;
      containers.tasks.emplace(dag.dag_id, task.task_id);
      ReportHandOffs(file.path, dag, task, diagnostics);
      if (m.command_style == "callable") {
        const std::pair<uint32_t, uint32_t> at = {task.where.line, task.where.column};
        if (!MoveCallable(file, tree, task, m, ct, plan, diagnostics)) {
          containers.calls.erase(at);
          continue;
        }
        if (auto call = containers.calls.find(at); call != containers.calls.end())
          call->second.fixed_command = ct.command;
      } else if (std::optional<std::string> command =
                     Text(Argument(task, m.command, m.parameters))) {
        ct.command = *command;
      } else if (!m.command.empty()) {
        const ir::Value* v = Argument(task, m.command, m.parameters);
        ct.command = v != nullptr && v->is_unresolved() ? "<" + v->unresolved().source + ">" : "";
      }
      const std::string python =
          Text(Argument(task, m.python_version, m.parameters))
              .value_or(m.python_version_default.empty() ? config.python_version
                                                         : m.python_version_default);
      std::optional<std::vector<std::string>> requirements =
          Requirements(Argument(task, m.requirements, m.parameters));
      if (!requirements) {
        diagnostics.push_back(ir::MakeDiagnostic(
            "DP223", file.path, task.where,
            fmt::format("task '{}': its requirements ('{}') are not statically known, so no "
                        "image is built for it",
                        task.task_id, m.requirements),
            "write them as a literal list (or a module constant); the container task fails "
            "until an image for them exists"));
        containers.call_environments[{task.where.line, task.where.column}].insert("");
        plan.tasks.push_back(std::move(ct));
        continue;
      }
      ct.environment = EnvironmentId(python, *requirements);
      Environment& env = plan.environments[ct.environment];
      if (env.id.empty()) {
        env.id = ct.environment;
        env.python_version = python;
        env.requirements = CanonicalRequirements(*requirements);
      }
      env.cpu = std::max(env.cpu, Number(Argument(task, m.cpu, m.parameters)).value_or(config.cpu));
      env.memory = std::max(env.memory,
                            Number(Argument(task, m.memory, m.parameters)).value_or(config.memory));
      env.has_callables = env.has_callables || ct.command_style == "callable";
      env.needs_virtualenv =
          env.needs_virtualenv ||
          (m.command == "bash_command" &&
           std::any_of(task.footprint.begin(), task.footprint.end(), [](const ir::HostAccess& a) {
             return a.resource == "virtualenv" && a.mode == "create";
           }));
      env.tasks.push_back(dag.dag_id + "." + task.task_id);
      std::sort(env.tasks.begin(), env.tasks.end());
      containers.call_environments[{task.where.line, task.where.column}].insert(ct.environment);
      plan.tasks.push_back(std::move(ct));
    }
  }
}

}  // namespace dagport::converters::containers
