#include "runtime/local_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <stdexcept>

#include "ir/airflow_id.h"
#include "runtime/local_host.h"
#include "runtime/python_task.h"
#include "sched/scheduler.h"

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

using sched::TiState;

constexpr const char* kSafeIdRule =
    "cannot name a folder: ids are letters, digits, '_', '.' and '-', and not '.' or '..'";

}  // namespace

LocalRunResult RunLocally(const ir::Dag& dag, const std::string& file, StateStore& state,
                          const LocalRunOptions& options) {
  std::vector<ir::Diagnostic> diagnostics;
  auto plan = sched::PlanDag(dag, file, diagnostics);
  if (!plan) {
    throw std::runtime_error(diagnostics.empty() ? "the DAG cannot be run"
                                                 : diagnostics.back().message);
  }
  // Ids name folders (work/<dag_id>/..., logs/dag_id=...): refuse any that could leave them,
  // before a path is built, whatever produced the DAG.
  if (!ir::IsFolderSafeAirflowId(plan->dag_id))
    throw std::runtime_error(fmt::format("the DAG id '{}' {}", plan->dag_id, kSafeIdRule));
  for (const sched::TaskPlan& task : plan->tasks) {
    if (!ir::IsFolderSafeAirflowId(task.task_id)) {
      throw std::runtime_error(
          fmt::format("the task id '{}' of {} {}", task.task_id, plan->dag_id, kSafeIdRule));
    }
  }
  LocalRunResult result;
  result.run_id = options.run_type + "__" + sched::FormatIso(options.logical_date) + "+00:00";
  const std::string logical = sched::FormatIso(options.logical_date);
  if (auto existing = state.FindRun(plan->dag_id, logical)) {
    result.run_id = existing->run_id;
    result.resumed = true;
    state.SetRunState(*existing, "running", "");
  } else {
    state.CreateRun(
        {result.run_id, plan->dag_id, logical, "running", sched::FormatIso(WallNow()), ""});
  }
  const StoredRun stored{result.run_id, plan->dag_id, logical, "", "", ""};
  state.Event(sched::FormatIso(WallNow()), result.resumed ? "run_resume" : "run_start",
              stored.key(), "", fmt::format("isolation {}", IsolationName(options.isolation)));

  LocalHost host(*plan, dag, state, options, result.run_id);
  host.SetPythonRunner(InstallPythonSupport((fs::path(options.home) / "support").string()));
  host.PrepareEnvironments();
  sched::SchedulerConfig config;
  config.dags = {&*plan};
  std::vector<sched::TaskKeys>& keys = config.keys.emplace_back();
  std::map<std::string, uint32_t> pools{{"default_pool", 0}};
  config.pool_slots = {128};
  for (uint32_t i = 0; i < plan->tasks.size(); ++i) {
    auto [it, added] = pools.try_emplace(plan->tasks[i].pool, static_cast<uint32_t>(pools.size()));
    if (added) config.pool_slots.push_back(128);
    keys.push_back({it->second, i, i});
  }
  config.parallelism = static_cast<int>(std::max(1u, options.jobs));
  config.tis_per_pass = 1024;
  config.busy_loop = 0;
  config.stop_creating_runs = 0;
  sched::Scheduler scheduler(config, host);
  host.Attach(&scheduler);
  scheduler.AddRun(0, {options.logical_date, WallNow()}, true, sched::kNone32);
  host.Loop();
  host.RemoveFreeWorkspaces();
  if (options.live_status && options.progress != nullptr) *options.progress << "\n";

  const sched::RunRecord& run = scheduler.runs().front();
  result.success = run.end >= 0 && !run.failed;
  for (uint32_t i = 0; i < plan->tasks.size(); ++i) {
    TaskSummary s = host.summaries.count(i) ? host.summaries[i] : TaskSummary{};
    s.task_id = plan->tasks[i].task_id;
    const sched::TiState st = scheduler.tis()[i].state;
    s.state = std::string(sched::TiStateName(st));
    if (run.end < 0 && !sched::IsSettled(st)) {
      // Nothing more could happen: say why instead of leaving the task waiting.
      s.note = plan->tasks[i].pool_slots > 128
                   ? fmt::format("never queued: pool_slots {} exceed its pool's 128 slots",
                                 plan->tasks[i].pool_slots)
                   : "never ran: an upstream task or the pool did not let it";
    }
    if (st == TiState::kSkipped || st == TiState::kUpstreamFailed || st == TiState::kNone)
      state.SetTaskState(stored.key(), s.task_id, s.state, s.tries);
    result.tasks.push_back(s);
  }
  const std::string end = sched::FormatIso(WallNow());
  // A run that cannot go on is failed, as Airflow's deadlock check fails it.
  state.SetRunState(stored, result.success ? "success" : "failed", end);
  state.Event(end, result.success ? "run_success" : "run_failed", stored.key(), "", "");
  result.log_dir = host.log_dir();
  for (RunObserver* o : options.observers)
    o->RunFinished(plan->dag_id, result.run_id, result.success,
                   static_cast<double>(WallNow() - run.start) / 1000.0);
  return result;
}

}  // namespace dagport::runtime
