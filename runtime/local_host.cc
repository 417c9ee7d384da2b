#include "runtime/local_host.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <thread>

#include "runtime/python_task.h"
#include "runtime/secret_mask.h"
#include "runtime/task_command.h"
#include "runtime/try_outcome.h"
#include "runtime/try_sandbox.h"
#include "sched/retry_policy.h"

extern char** environ;

namespace dagport::runtime {

namespace fs = std::filesystem;

using sched::Millis;
using sched::TiState;

Millis WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

/// The state changes of one turn of the loop in one transaction, committed by Commit() or
/// when it goes (an exception included: what happened is kept).
class Batch {
 public:
  explicit Batch(StateStore& state) : state_(state) { state_.Begin(); }
  ~Batch() {
    try {
      Commit();
    } catch (const std::exception&) {  // already failing: the exception in flight says why
    }
  }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  void Commit() {
    if (open_) {
      open_ = false;
      state_.Commit();
    }
  }

 private:
  StateStore& state_;
  bool open_ = true;
};

}  // namespace

LocalHost::LocalHost(const sched::DagPlan& plan, const ir::Dag& dag, StateStore& state,
                     const LocalRunOptions& options, std::string run_id)
    : plan_(plan),
      dag_(dag),
      state_(state),
      options_(options),
      run_id_(std::move(run_id)),
      key_(plan.dag_id + "/" + run_id_),
      work_dir_(fs::absolute(fs::path(options.home) / "work" / plan.dag_id / run_id_)),
      workspaces_(work_dir_, fs::path(options.home) / "work" / ".free") {
  for (const StoredTaskInstance& ti : state_.TaskInstances(key_)) {
    if (ti.state == "success" || ti.state == "skipped") done_before_.emplace(ti.task_id, ti.state);
    previous_tries_[ti.task_id] = ti.try_number;
  }
  log_dir_ = (fs::path(options_.home) / "logs" / ("dag_id=" + plan_.dag_id) / ("run_id=" + run_id_))
                 .string();
  home_dir_ = fs::absolute(options_.home).lexically_normal().string();
  if (home_dir_.size() > 1 && home_dir_.back() == '/') home_dir_.pop_back();
  // Not when the DAG folder (or an import folder) is in it: tasks read those.
  hide_home_ = home_dir_ != "/";
  std::vector<std::string> needed = options_.python_path;
  needed.push_back(fs::absolute(plan_.file).parent_path().string());
  for (const std::string& folder : needed) {
    const std::string f = fs::path(folder).lexically_normal().string();
    if (f == home_dir_ || f.starts_with(home_dir_ + "/")) hide_home_ = false;
  }
  // A backfill run's data interval ends at the next scheduled date; a manual run's is the
  // last whole interval before it (and its prev_ds and next_ds are its own ds), as in Airflow.
  dates_ = options_.run_type == "backfill" ? ScheduledRunDates(plan_, options_.logical_date)
                                           : ManualRunDates(plan_, options_.logical_date);
  // depends_on_past looks at the previous run of the DAG in this state file.
  if (auto previous = state_.PreviousRun(plan_.dag_id, sched::FormatIso(options_.logical_date))) {
    previous_run_ = previous->run_id;
    for (const StoredTaskInstance& ti : state_.TaskInstances(previous->key()))
      previous_states_[ti.task_id] = ti.state;
  }
  template_folders_ = TemplateFolders(dag_, plan_.file);
  // Airflow reads Variables and Connections from AIRFLOW_VAR_* and AIRFLOW_CONN_*: those of
  // dagport's environment are passed on to every try (secret-looking ones are masked in the
  // log). dagport's environment does not change during a run: read once.
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.starts_with("AIRFLOW_VAR_") || entry.starts_with("AIRFLOW_CONN_"))
      airflow_variables_.push_back(entry);
  }
}

CgroupLimits* LocalHost::Limits() {
  if (limits_known_) return cgroups_.get();
  limits_known_ = true;
  std::string why;
  cgroups_ = CgroupLimits::Create(&why);
  if (!cgroups_ && options_.max_processes > 0)
    process_rlimit_ = options_.max_processes + ProcessesOfUser(::getuid());
  if (options_.progress != nullptr) {
    *options_.progress << "dagport run: limits per try enforced by "
                       << (cgroups_ ? cgroups_->Description() : "rlimits, as " + why) << "\n";
  }
  return cgroups_.get();
}

void LocalHost::PrepareEnvironments() {
  layout_ = FindContainerLayout(plan_.file);
  containers_ = PrepareContainers(
      plan_, layout_,
      options_.env_cache.empty() ? (fs::path(options_.home) / "envs").string() : options_.env_cache,
      done_before_, options_.progress);
}

uint64_t LocalHost::RetryJitter() {
  return static_cast<uint64_t>(WallNow()) * 0x9e3779b97f4a7c15ULL;
}

void LocalHost::TryReady(uint32_t ti, int try_number) {
  // A continued run keeps counting the tries of the runs before (attempt=N.log, as Airflow).
  const auto before = previous_tries_.find(plan_.tasks[ti].task_id);
  const int earlier = before == previous_tries_.end() ? 0 : before->second;
  tries_[ti] = done_before_.count(plan_.tasks[ti].task_id) ? earlier : earlier + try_number;
  const sched::TaskPlan& task = plan_.tasks[ti];
  if (task.kind == sched::TaskKind::kEmpty) {
    Note(ti, "success", "set to success by the scheduler (no executor)");
    state_.SetTaskState(key_, task.task_id, "success", try_number);
  }
}

void LocalHost::Loop() {
  while (scheduler_->unfinished_runs() > 0) {
    // One transaction per turn of the loop, committed before it waits: what a turn changed
    // is on disk before any more time passes.
    Batch batch(state_);
    const Millis now = WallNow();
    while (!wakes_.empty() && wakes_.top().t <= now) {
      const Wakeup w = wakes_.top();
      wakes_.pop();
      scheduler_->Handle(w.event, WallNow());
    }
    Reap();
    Timeouts();
    // The pokes due now; one a poke schedules waits for the next turn of the loop (a
    // poke_interval of 0 must not starve the rest).
    std::vector<uint32_t> due;
    const Millis pass = WallNow();
    for (size_t i = 0; i < pokes_.size();) {
      if (pokes_[i].first > pass) {
        ++i;
        continue;
      }
      due.push_back(pokes_[i].second);
      pokes_.erase(pokes_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    for (uint32_t ti : due) SafeLaunch(ti);
    if (!due.empty() && running_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (scheduler_->unfinished_runs() == 0) break;
    if (running_.empty() && wakes_.empty() && pokes_.empty()) break;  // depends_on_past, ...
    Millis wait = 50;
    if (!wakes_.empty()) wait = std::clamp<Millis>(wakes_.top().t - WallNow(), 0, 50);
    for (const auto& [at, _] : pokes_) wait = std::clamp<Millis>(at - WallNow(), 0, wait);
    batch.Commit();
    WaitForAnExit(wait);
  }
}

void LocalHost::WaitForAnExit(Millis wait) {
  std::vector<pollfd> fds;
  for (const Running& r : running_)
    if (r.process.exited.fd() >= 0) fds.push_back({r.process.exited.fd(), POLLIN, 0});
  if (!fds.empty() && fds.size() == running_.size()) {
    ::poll(fds.data(), fds.size(), static_cast<int>(wait));
    return;
  }
  std::this_thread::sleep_for(
      std::chrono::milliseconds(running_.empty() ? wait : std::min<Millis>(wait, 5)));
}

void LocalHost::PokeAgain(uint32_t ti, const std::string& seen) {
  const SensorSpec& sensor = sensors_.at(ti);
  const Millis waited = WallNow() - first_poke_.at(ti);
  const Millis limit = plan_.tasks[ti].execution_timeout;
  if (limit > 0 && waited > limit) {
    Finish(ti, TiState::kFailed,
           fmt::format("execution_timeout of {} s: the sensor was still waiting ({})", limit / 1000,
                       seen));
    return;
  }
  if (waited > sensor.timeout) {  // as Airflow: checked after each poke that did not see it
    EndSensor(ti, sensor.soft_fail ? TiState::kSkipped : TiState::kFailed,
              fmt::format("sensor timed out after {:.0f} s{}: {}", waited / 1000.0,
                          sensor.soft_fail ? " (soft_fail: skipped)" : "", seen));
    return;
  }
  if (sensor.reschedule) {
    // Its slot goes back until the next poke (Airflow's up_for_reschedule).
    state_.SetTaskState(key_, plan_.tasks[ti].task_id, "up_for_reschedule", tries_[ti]);
    Note(ti, "up_for_reschedule",
         fmt::format("poked: {}; rescheduled in {:.0f} s", seen, sensor.poke_interval / 1000.0));
    scheduler_->Reschedule(ti, WallNow() + sensor.poke_interval, WallNow());
    return;
  }
  pokes_.emplace_back(WallNow() + sensor.poke_interval, ti);
  Note(ti, "running",
       fmt::format("poked: {}; next poke in {:.0f} s", seen, sensor.poke_interval / 1000.0));
}

void LocalHost::EndSensor(uint32_t ti, TiState outcome, const std::string& note, bool retryable) {
  const bool timed_out = note.starts_with("sensor timed out");
  if (outcome == TiState::kFailed && sensors_.count(ti) && sensors_.at(ti).soft_fail &&
      !timed_out) {
    Finish(ti, TiState::kSkipped, "soft_fail: skipped: " + note);
    return;
  }
  Finish(ti, outcome, note, nullptr, false, /*retryable=*/retryable && !timed_out);
}

void LocalHost::Note(uint32_t ti, const std::string& state, const std::string& note) {
  TaskSummary& s = summaries[ti];
  s.task_id = plan_.tasks[ti].task_id;
  s.state = state;
  s.tries = tries_[ti];
  if (!note.empty()) s.note = note;
  if (options_.progress == nullptr) return;
  if (!options_.live_status) {
    *options_.progress << fmt::format("[{}] {}.{} {}{}\n", sched::FormatIso(WallNow()),
                                      plan_.dag_id, s.task_id, state,
                                      note.empty() ? "" : " (" + note + ")");
    return;
  }
  // One line, rewritten in place (ninja style): how far the run is, and the latest event.
  size_t done = 0, running = 0, failed = 0;
  for (const auto& [_, t] : summaries) {
    if (t.state == "running") ++running;
    if (t.state == "success" || t.state == "skipped" || t.state == "failed") ++done;
    if (t.state == "failed") ++failed;
  }
  *options_.progress << fmt::format("\r\x1b[K[{}/{} done, {} running, {} failed] {} {}", done,
                                    plan_.tasks.size(), running, failed, s.task_id, state)
                     << std::flush;
}

void LocalHost::Finish(uint32_t ti, TiState outcome, const std::string& note,
                       const std::vector<uint32_t>* follow, bool skip_downstream, bool retryable) {
  const bool retry = outcome == TiState::kFailed && retryable &&
                     sched::ShouldRetry(plan_.tasks[ti], scheduler_->tis()[ti].tries);
  const std::string state = retry ? "up_for_retry" : std::string(sched::TiStateName(outcome));
  sensors_.erase(ti);  // a retry of a sensor starts its timeout afresh, as in Airflow
  first_poke_.erase(ti);
  state_.SetTaskState(key_, plan_.tasks[ti].task_id, state, tries_[ti]);
  state_.Event(sched::FormatIso(WallNow()), "task_" + state, key_, plan_.tasks[ti].task_id, note);
  Note(ti, state, note);
  for (RunObserver* o : options_.observers)
    o->TaskFinished(plan_.dag_id, plan_.tasks[ti].task_id, state, summaries[ti].seconds);
  scheduler_->Finished(ti, outcome, WallNow(), follow, skip_downstream, retryable);
}

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

void LocalHost::Reap() {
  for (size_t i = 0; i < running_.size();) {
    int status = 0;
    const pid_t done = waitpid(running_[i].process.pid, &status, WNOHANG);
    if (done != running_[i].process.pid) {
      ++i;
      continue;
    }
    Running r = std::move(running_[i]);
    running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
    KillTree(r.process);  // anything it left behind in its group
    // And in its cgroup, even what left the group; the kernel's counts first.
    const CgroupLimits::Outcome limits =
        r.cgroup.empty() ? CgroupLimits::Outcome{} : cgroups_->FinishTry(r.cgroup);
    const int code = ExitCode(status);
    MaskFile(r.log, r.secrets);
    const sched::TaskPlan& task = plan_.tasks[r.ti];
    auto [outcome, note] =
        InterpretExit({status, r.timed_out, task.execution_timeout, r.skip_exit_codes,
                       limits.out_of_memory, limits.process_limit, r.memory_limit, r.log,
                       options_.memory_limit_mb, options_.max_processes});
    if (auto sensor = sensors_.find(r.ti); sensor != sensors_.end() && !r.timed_out) {
      // A poke: exit code 0 (and for a PythonSensor, a truthy return value) means the
      // condition holds; a BashSensor's other exit codes mean "not yet", a PythonSensor's
      // exception fails it.
      bool met = code == 0;
      if (sensor->second.kind == SensorSpec::Kind::kPython && code == 0)
        met = PythonPokeMet(r.xcom_file);
      const bool python_error = sensor->second.kind == SensorSpec::Kind::kPython && code != 0;
      if (!met && !python_error) {
        PokeAgain(r.ti, fmt::format("not yet (exit code {})", code));
        continue;
      }
      if (met) {
        sensors_.erase(r.ti);
        first_poke_.erase(r.ti);
      }
    }
    const std::string end = sched::FormatIso(WallNow());
    state_.RecordTry(key_, task.task_id, tries_[r.ti], std::string(sched::TiStateName(outcome)), "",
                     end, code, r.log);
    if (outcome == TiState::kSuccess && r.push_xcom)
      state_.SetXcom(key_, task.task_id, "return_value",
                     nlohmann::json(LastLine(r.log))
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    std::vector<uint32_t> follow;
    bool skip_downstream = false;
    if (outcome == TiState::kSuccess && !r.xcom_file.empty()) {
      // The callable's return value: the XCom, and what a branch or short-circuit decided.
      std::ifstream in(r.xcom_file);
      std::stringstream text;
      text << in.rdbuf();
      state_.SetXcom(key_, task.task_id, "return_value", text.str());
      DecideFromReturn(plan_, task, text.str(), &follow, &skip_downstream, &note);
      // What it pushed with ti.xcom_push(key, value).
      std::ifstream pushed_in(fs::path(r.xcom_file).parent_path() / ".dagport_xcom_pushed.json");
      const nlohmann::json pushed = nlohmann::json::parse(pushed_in, nullptr, false);
      if (pushed.is_object()) {
        for (auto it = pushed.begin(); it != pushed.end(); ++it)
          state_.SetXcom(key_, task.task_id, it.key(), it.value().dump());
      }
    }
    if (outcome == TiState::kSuccess) workspaces_.GiveBackWorkspace(r.workspace);
    summaries[r.ti].seconds = static_cast<double>(WallNow() - r.started) / 1000.0;
    const bool branch = task.kind == sched::TaskKind::kBranch && outcome == TiState::kSuccess;
    Finish(r.ti, outcome, note, branch ? &follow : nullptr, skip_downstream);
  }
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

void LocalHost::Timeouts() {
  const Millis now = WallNow();
  for (Running& r : running_) {
    if (r.deadline > 0 && now >= r.deadline && !r.timed_out) {
      r.timed_out = true;
      KillTree(r.process);
    }
  }
}

}  // namespace dagport::runtime
