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
