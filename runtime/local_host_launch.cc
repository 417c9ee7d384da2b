#include "runtime/local_host.h"

// LocalHost: launching a try (what it runs: a command, a Python callable, a sensor's poke, a
// container's entrypoint; then its workspace, log, sandbox and limits). The loop, the reaping
// of tries and the sensors' pokes are in runtime/local_host.cc.

#include <fmt/format.h>

#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/python_task.h"
#include "runtime/secret_mask.h"
#include "runtime/task_command.h"
#include "runtime/try_sandbox.h"

namespace dagport::runtime {

namespace fs = std::filesystem;

using sched::Millis;
using sched::TiState;

void LocalHost::SafeLaunch(uint32_t ti) {
  try {
    Launch(ti);
  } catch (const std::exception& e) {
    Finish(ti, TiState::kFailed, fmt::format("dagport could not start the try: {}", e.what()),
           nullptr, false, /*retryable=*/false);
  }
}

void LocalHost::Launch(uint32_t ti) {
  const sched::TaskPlan& task = plan_.tasks[ti];
  const int try_number = tries_[ti];
  if (auto it = done_before_.find(task.task_id); it != done_before_.end()) {
    // Not run again; a branch or short-circuit decides again from its stored return value.
    std::vector<uint32_t> follow;
    bool skip_downstream = false;
    const bool skipped = it->second == "skipped";
    std::string note = skipped ? "skipped in an earlier attempt of this run: not run again"
                               : "succeeded in an earlier attempt of this run: not run again";
    if (task.kind == sched::TaskKind::kBranch || task.kind == sched::TaskKind::kShortCircuit) {
      std::string decided;
      DecideFromReturn(plan_, task,
                       state_.Xcom(key_, task.task_id, "return_value").value_or("null"), &follow,
                       &skip_downstream, &decided);
      if (!decided.empty()) note += "; " + decided;
    }
    Note(ti, skipped ? "skipped" : "success", note);
    scheduler_->Finished(ti, skipped ? TiState::kSkipped : TiState::kSuccess, WallNow(),
                         task.kind == sched::TaskKind::kBranch ? &follow : nullptr,
                         skip_downstream);
    return;
  }
  if (task.depends_on_past && !previous_run_.empty()) {
    const std::string blocked = PastBlocks(task);
    if (!blocked.empty()) {
      Finish(ti, TiState::kFailed, blocked, nullptr, false, /*retryable=*/false);
      return;
    }
  }
  TemplateEnvironment env;
  env.context = {plan_.dag_id,          task.task_id,        options_.logical_date,
                 dates_.interval_end,   try_number,          run_id_,
                 dates_.interval_start, dates_.prev_logical, dates_.next_logical};
  std::string why;
  if (!MergedParams(dag_, *task.source, &env.params, &why)) {
    Finish(ti, TiState::kFailed, why, nullptr, false, /*retryable=*/false);
    return;
  }
  env.variable = VariableFromEnvironment;
  env.knows_all_names = ir::FindArgument(dag_.arguments, "user_defined_macros") == nullptr;
  env.xcom = [this](const std::string& task_id, const std::string& key) {
    return state_.Xcom(key_, task_id, key);
  };
  const fs::path workspace_dir = work_dir_ / fmt::format("{}.try-{}", task.task_id, try_number);
  const std::string xcom_file = workspace_dir.string() + "/.dagport_xcom.json";
  std::optional<TaskCommand> command;
  std::optional<PythonCall> call;
  std::optional<SensorSpec> sensor;
  std::optional<ContainerCommand> container;
  const BuiltEnvironment* environment = nullptr;
  if (task.kind == sched::TaskKind::kSensor) {
    sensor = SensorFor(*task.source, task.operator_name, &why);
    if (sensor) {
      sensors_.insert_or_assign(ti, *sensor);
      first_poke_.try_emplace(ti, WallNow());
    }
  }
  if (sensor && sensor->in_process()) {
    std::string seen;
    switch (PokeInProcess(*sensor, state_, env, WallNow(), &seen)) {
      case PokeResult::kMet: EndSensor(ti, TiState::kSuccess, seen); return;
      case PokeResult::kFailed: EndSensor(ti, TiState::kFailed, seen); return;
      case PokeResult::kError:  // dagport's own limit (a template it cannot render)
        if (options_.simulate_unsupported) {
          Note(ti, "success", "simulated: " + seen);
          state_.SetTaskState(key_, task.task_id, "success", try_number);
          Finish(ti, TiState::kSuccess, "simulated: " + seen);
          return;
        }
        Finish(ti, TiState::kFailed, seen, nullptr, false, /*retryable=*/false);
        return;
      case PokeResult::kNotYet: PokeAgain(ti, seen); return;
    }
  }
  if (task.kind == sched::TaskKind::kSensor && !sensor) {
    // not a sensor the runtime runs: `why` says so
  } else if (sensor && sensor->kind != SensorSpec::Kind::kPython) {
    command = SensorCommand(*task.source, *sensor, env, &why);
  } else if (IsPythonOperator(task.operator_name) || sensor) {
    nlohmann::json xcoms = nlohmann::json::object();
    for (const StateStore::StoredXcom& x : state_.Xcoms(key_)) {
      const nlohmann::json value = nlohmann::json::parse(x.value, nullptr, false);
      xcoms[x.task_id][x.key] = value.is_discarded() ? nlohmann::json(x.value) : value;
    }
    call = PythonCallFor(*task.source, plan_.file, options_.python_path, runner_, env, xcoms,
                         xcom_file, &why);
    if (call) {
      command = TaskCommand{call->argv, call->env, false, {99}};  // AirflowSkipException
    }
  } else if (const auto found = containers_.find(task.task_id); found != containers_.end()) {
    const PreparedContainer& prepared = found->second;
    if (!prepared.environment) {
      why = prepared.why;
    } else {
      container = ContainerCommandFor(*task.source, layout_, *prepared.environment, env, &why);
      if (container && !prepared.built.error.empty()) {
        why = fmt::format("environment {}: {}", prepared.built.id, prepared.built.error);
        container.reset();
      }
    }
    if (container) {
      environment = &prepared.built;
      command = TaskCommand{EntrypointArgv(container->style, container->command),
                            container->env,
                            container->push_xcom,
                            {}};
    } else {
      // A container task the runtime cannot run is a failure, not "unsupported".
      Finish(ti, TiState::kFailed, why, nullptr, false, /*retryable=*/false);
      return;
    }
  } else if (task.kind != sched::TaskKind::kSensor) {
    command = CommandFor(*task.source, env, &why, template_folders_);
  }
  if (!command) {
    if (options_.simulate_unsupported) {
      Note(ti, "success", "simulated: " + why);
      state_.SetTaskState(key_, task.task_id, "success", try_number);
      scheduler_->Finished(ti, TiState::kSuccess, WallNow());
      return;
    }
    Finish(ti, TiState::kFailed, why, nullptr, false, /*retryable=*/false);
    return;
  }
  const fs::path& workspace = workspace_dir;
  const fs::path log =
      fs::path(log_dir_) / ("task_id=" + task.task_id) / fmt::format("attempt={}.log", try_number);
  std::error_code ec;
  fs::remove_all(workspace, ec);  // of a try that dagport's crash interrupted
  if (!workspaces_.TakeFreeWorkspace(workspace)) fs::create_directories(workspace, ec);
  fs::create_directories(log.parent_path(), ec);
  if (call) {
    std::ofstream out(call->call_file, std::ios::trunc);
    out << call->call_json;
    if (!out.flush()) {
      Finish(ti, TiState::kFailed, "cannot write " + call->call_file, nullptr, false,
             /*retryable=*/false);
      return;
    }
  }
  TrySetting setting;
  setting.dag_id = plan_.dag_id;
  setting.task_id = task.task_id;
  setting.run_id = run_id_;
  setting.logical_date = sched::FormatIso(options_.logical_date);
  setting.try_number = try_number;
  setting.workspace = workspace.string();
  setting.log = log.string();
  setting.airflow_variables = &airflow_variables_;
  setting.allow_network = options_.allow_network;
  if (hide_home_) setting.hidden_home = home_dir_;
  if (call) {
    setting.callable_folders = options_.python_path;
    setting.callable_folders.push_back(fs::path(runner_).parent_path().string());
    setting.callable_folders.push_back(fs::absolute(plan_.file).parent_path().string());
  }
  if (container) {
    setting.environment = environment;
    setting.layout = &layout_;
    setting.map_dag_folder = options_.isolation == Isolation::kBwrap;
  }
  SandboxSpec spec = TrySandbox(setting, *command);
  spec.memory_limit_mb = options_.memory_limit_mb;
  // A container task gets its container's memory, as ECS or Kubernetes give it (a cgroup's
  // limit on the tree; not as RLIMIT_AS, which would also count what Python only reserves).
  size_t tree_memory = options_.memory_limit_mb;
  std::string memory_source = fmt::format("--memory-limit {} MB", tree_memory);
  const size_t container_memory = container ? container->memory_mb : 0;
  if (container_memory > 0 && (tree_memory == 0 || container_memory < tree_memory)) {
    tree_memory = container_memory;
    memory_source = fmt::format("the container's memory of {} MB", tree_memory);
  }
  std::string cgroup;
  CgroupLimits* limits = tree_memory > 0 || options_.max_processes > 0 ? Limits() : nullptr;
  if (limits != nullptr) {
    cgroup = fmt::format("try-{}", ++cgroup_tries_);
    try {
      spec.cgroup_procs = limits->AddTry(cgroup, tree_memory, options_.max_processes);
    } catch (const std::exception& e) {
      limits->FinishTry(cgroup);
      Finish(ti, TiState::kFailed, e.what(), nullptr, false, /*retryable=*/false);
      return;
    }
    spec.memory_limit_mb = 0;  // the cgroup limits the memory of the whole tree
  } else {
    spec.process_rlimit = process_rlimit_;
  }
  const std::string start = sched::FormatIso(WallNow());
  Running r{ti,
            {},
            WallNow(),
            0,
            log.string(),
            command->push_xcom,
            command->skip_exit_codes,
            false,
            SecretValues(command->env),
            call ? xcom_file : "",
            workspace,
            cgroup,
            memory_source};
  try {
    r.process = Start(spec, options_.isolation);
  } catch (const std::exception& e) {
    if (!cgroup.empty()) cgroups_->FinishTry(cgroup);
    Finish(ti, TiState::kFailed, e.what(), nullptr, false, /*retryable=*/false);
    return;
  }
  if (task.execution_timeout > 0) r.deadline = r.started + task.execution_timeout;
  state_.SetTaskState(key_, task.task_id, "running", try_number);
  state_.RecordTry(key_, task.task_id, try_number, "running", start, "", -1, log.string());
  state_.Event(start, "task_start", key_, task.task_id,
               fmt::format("try {} in {}", try_number, IsolationName(options_.isolation)));
  Note(ti, "running",
       fmt::format("try {}{}, log {}", try_number,
                   environment != nullptr ? " in " + environment->id : "", log.string()));
  for (RunObserver* o : options_.observers) o->TaskStarted(plan_.dag_id, task.task_id, try_number);
  running_.push_back(std::move(r));
}

std::string LocalHost::PastBlocks(const sched::TaskPlan& task) const {
  std::vector<std::string> ids = {task.task_id};
  if (task.wait_for_downstream) {
    for (uint32_t d : task.downstream) ids.push_back(plan_.tasks[d].task_id);
  }
  for (const std::string& id : ids) {
    const auto it = previous_states_.find(id);
    if (it == previous_states_.end() || it->second == "success" || it->second == "skipped")
      continue;
    return fmt::format(
        "not run: depends_on_past{}, and {} is {} in the previous run {} (Airflow would keep "
        "it waiting)",
        id == task.task_id ? "" : " with wait_for_downstream", id, it->second, previous_run_);
  }
  return {};
}

}  // namespace dagport::runtime
