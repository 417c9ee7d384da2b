#include "sched/scheduler.h"

#include <algorithm>
#include <limits>

#include "sched/retry_policy.h"

namespace dagport::sched {

namespace {

constexpr Millis kNever = std::numeric_limits<Millis>::max();

AdmissionLimits LimitsOf(const SchedulerConfig& c) {
  AdmissionLimits l;
  l.parallelism = c.parallelism;
  for (const DagPlan* d : c.dags) l.dag_max_active.push_back(d->max_active_tasks);
  l.pool_slots = c.pool_slots;
  return l;
}

}  // namespace

Scheduler::Scheduler(SchedulerConfig config, SchedulerHost& host)
    : config_(std::move(config)),
      host_(host),
      admission_(LimitsOf(config_)),
      next_pass_(kNever),
      dag_state_(config_.dags.size()) {}

void Scheduler::Reserve(size_t runs, size_t task_instances) {
  runs_.reserve(runs);
  tis_.reserve(task_instances);
}

uint32_t Scheduler::NewRun(uint32_t dag, const RunInterval& interval, bool triggered,
                           uint32_t previous) {
  const uint32_t id = static_cast<uint32_t>(runs_.size());
  RunRecord r;
  r.dag = dag;
  r.logical_date = interval.logical_date;
  r.run_after = interval.run_after;
  r.triggered = triggered;
  r.first_ti = static_cast<uint32_t>(tis_.size());
  runs_.push_back(r);
  const size_t n = config_.dags[dag]->tasks.size();
  for (uint32_t t = 0; t < n; ++t) tis_.push_back({id, t});
  run_states_.emplace_back();
  prev_run_.push_back(previous);
  next_run_.push_back(kNone32);
  if (previous != kNone32) next_run_[previous] = id;
  waiting_past_.emplace_back();
  ++unfinished_runs_;
  return id;
}

uint32_t Scheduler::AddRun(uint32_t dag, const RunInterval& interval, bool triggered,
                           uint32_t previous) {
  const uint32_t id = NewRun(dag, interval, triggered, previous);
  host_.Wake(interval.run_after, {SchedulerEvent::kRunDue, id});
  return id;
}

void Scheduler::Handle(SchedulerEvent event, Millis now) {
  now_ = now;
  switch (event.kind) {
    case SchedulerEvent::kRunDue: RunDue(event.id); break;
    case SchedulerEvent::kReady: Ready(event.id); break;
    case SchedulerEvent::kPass: Pass(); break;
    case SchedulerEvent::kRetry:
      host_.Wake(now_ + host_.HopLatency(), {SchedulerEvent::kReady, event.id});
      break;
    case SchedulerEvent::kReschedule:
      // Back in the queue, in the same try: no TryReady, no new try number.
      admission_.Add(CandidateOf(event.id));
      RequestPass(now_);
      break;
    case SchedulerEvent::kTrigger:
      // A triggered run is created now and is due at once.
      RunDue(NewRun(event.id, {now_, now_}, true, kNone32));
      break;
  }
}

void Scheduler::RunDue(uint32_t run) {
  DagState& d = dag_state_[runs_[run].dag];
  if (d.active_runs < config_.dags[runs_[run].dag]->max_active_runs && d.waiting_runs.empty()) {
    StartRun(run);
  } else {
    d.waiting_runs.push_back(run);
  }
}

void Scheduler::StartRun(uint32_t run) {
  RunRecord& r = runs_[run];
  r.start = now_;
  ++dag_state_[r.dag].active_runs;
  run_states_[run] = std::make_unique<DagRunState>(*config_.dags[r.dag]);
  runnable_.clear();
  settled_.clear();
  run_states_[run]->Start(runnable_, settled_);
  AfterChange(run);
}

void Scheduler::AfterChange(uint32_t run) {
  const uint32_t first = runs_[run].first_ti;
  // The lists are taken out of the members: starting a queued run below re-enters here.
  std::vector<uint32_t> runnable = TakeBuffer(), settled = TakeBuffer();
  runnable.swap(runnable_);
  settled.swap(settled_);
  for (uint32_t task : settled) {
    TaskInstanceRecord& ti = tis_[first + task];
    ti.state = run_states_[run]->state(task);
    ti.settled = now_;
  }
  for (uint32_t task : runnable) Runnable(first + task);
  // Any settled task (one that ran, or one settled without running) may release the next
  // run's depends_on_past instances.
  RecheckPast(run);
  const bool done = run_states_[run]->done();
  GiveBuffer(std::move(runnable));
  GiveBuffer(std::move(settled));
  if (done) FinishRun(run);
}

std::vector<uint32_t> Scheduler::TakeBuffer() {
  if (spare_.empty()) return {};
  std::vector<uint32_t> b = std::move(spare_.back());
  spare_.pop_back();
  b.clear();
  return b;
}

void Scheduler::GiveBuffer(std::vector<uint32_t>&& b) {
  spare_.push_back(std::move(b));
}

void Scheduler::FinishRun(uint32_t run) {
  RunRecord& r = runs_[run];
  r.end = now_;
  r.failed = run_states_[run]->failed();
  run_states_[run].reset();
  --unfinished_runs_;
  DagState& d = dag_state_[r.dag];
  --d.active_runs;
  const DagPlan& plan = *config_.dags[r.dag];
  while (!d.waiting_runs.empty() && d.active_runs < plan.max_active_runs) {
    const uint32_t next = d.waiting_runs.front();
    d.waiting_runs.pop_front();
    StartRun(next);
  }
  if (plan.timetable.kind == ScheduleKind::kContinuous && now_ < config_.stop_creating_runs &&
      !runs_[run].triggered && !plan.tasks.empty()) {
    // Through a wake-up, not a call: a run that finishes as it starts must not recurse.
    AddRun(runs_[run].dag, {now_, now_}, false, run);
  }
}

bool Scheduler::PastSatisfied(uint32_t ti) const {
  const TaskPlan& task = TaskOf(ti);
  if (!task.depends_on_past) return true;
  const uint32_t prev = prev_run_[tis_[ti].run];
  if (prev == kNone32) return true;  // ignore_first_depends_on_past
  const uint32_t first = runs_[prev].first_ti;
  auto ok = [&](uint32_t t) {
    const TiState s = tis_[first + t].state;
    return s == TiState::kSuccess || s == TiState::kSkipped;
  };
  if (!ok(tis_[ti].task)) return false;
  if (task.wait_for_downstream) {
    for (uint32_t d : task.downstream) {
      if (!ok(d)) return false;
    }
  }
  return true;
}

void Scheduler::RecheckPast(uint32_t run) {
  const uint32_t next = next_run_[run];
  if (next == kNone32 || waiting_past_[next].empty()) return;
  std::vector<uint32_t> waiting;
  waiting.swap(waiting_past_[next]);
  for (uint32_t ti : waiting) Runnable(ti);
}

void Scheduler::Runnable(uint32_t ti) {
  if (!PastSatisfied(ti)) {
    waiting_past_[tis_[ti].run].push_back(ti);
    return;
  }
  tis_[ti].state = TiState::kScheduled;
  host_.Wake(now_ + host_.HopLatency(), {SchedulerEvent::kReady, ti});
}

Candidate Scheduler::CandidateOf(uint32_t ti) const {
  const TaskInstanceRecord& r = tis_[ti];
  const RunRecord& run = runs_[r.run];
  const TaskPlan& task = TaskOf(ti);
  const TaskKeys& keys = config_.keys[run.dag][r.task];
  Candidate c;
  c.id = ti;
  c.priority = task.priority;
  c.logical_date = run.logical_date;
  c.tie = keys.tie;
  c.dag = run.dag;
  c.pool = keys.pool;
  c.pool_slots = task.pool_slots;
  c.task = keys.global_index;
  c.task_limit = task.max_active_tis_per_dag;
  c.run = r.run;
  c.run_task_limit = task.max_active_tis_per_dagrun;
  return c;
}

void Scheduler::Ready(uint32_t ti) {
  TaskInstanceRecord& r = tis_[ti];
  host_.TryReady(ti, ++r.tries);
  if (TaskOf(ti).kind == TaskKind::kEmpty) {
    // Airflow 2's scheduler sets EmptyOperator tasks to success without an executor.
    Settle(ti, TiState::kSuccess, nullptr, false);
    return;
  }
  admission_.Add(CandidateOf(ti));
  RequestPass(now_);
}

void Scheduler::RequestPass(Millis t) {
  if (next_pass_ <= t) return;
  next_pass_ = t;
  host_.Wake(t, {SchedulerEvent::kPass, 0});
}

void Scheduler::Pass() {
  if (next_pass_ <= now_) next_pass_ = kNever;  // a live host handles it a little late
  admitted_.clear();
  const size_t budget = std::max<size_t>(1, config_.tis_per_pass);
  const size_t n = admission_.Admit(budget, admitted_);
  for (const Candidate& c : admitted_) {
    tis_[c.id].state = TiState::kQueued;
    host_.Queue(c.id);
  }
  if (n == budget && admission_.ready() > 0) RequestPass(now_ + config_.busy_loop);
}

void Scheduler::Finished(uint32_t ti, TiState outcome, Millis now,
                         const std::vector<uint32_t>* follow, bool skip_downstream,
                         bool retryable) {
  now_ = now;
  admission_.Release(CandidateOf(ti));
  const TaskPlan& task = TaskOf(ti);
  if (outcome == TiState::kFailed && retryable && ShouldRetry(task, tis_[ti].tries)) {
    tis_[ti].state = TiState::kUpForRetry;
    const Millis delay = RetryDelay(task, tis_[ti].tries, host_.RetryJitter());
    host_.Wake(now_ + delay, {SchedulerEvent::kRetry, ti});
  } else {
    Settle(ti, outcome, follow, skip_downstream);
  }
  // The freed slot is offered after the downstream tasks were moved on, as the mini-scheduler
  // (schedule_after_task_execution) has them scheduled before the executor reports the end:
  // with no latency, they compete for the slot by priority.
  RequestPass(now_);
}

void Scheduler::Reschedule(uint32_t ti, Millis at, Millis now) {
  now_ = now;
  admission_.Release(CandidateOf(ti));
  tis_[ti].state = TiState::kUpForReschedule;
  host_.Wake(std::max(at, now_), {SchedulerEvent::kReschedule, ti});
  RequestPass(now_);  // the freed slot goes to another task now
}

void Scheduler::Settle(uint32_t ti, TiState outcome, const std::vector<uint32_t>* follow,
                       bool skip_downstream) {
  TaskInstanceRecord& r = tis_[ti];
  const uint32_t run = r.run;
  r.state = outcome;
  r.settled = now_;
  DagRunState& state = *run_states_[run];
  runnable_.clear();
  settled_.clear();
  const TaskPlan& task = TaskOf(ti);
  if (outcome == TiState::kSuccess && task.kind == TaskKind::kBranch && follow != nullptr) {
    state.FinishBranch(r.task, *follow, runnable_, settled_);
  } else if (outcome == TiState::kSuccess && task.kind == TaskKind::kShortCircuit &&
             skip_downstream) {
    state.FinishShortCircuit(r.task, runnable_, settled_);
  } else {
    state.Finish(r.task, outcome, runnable_, settled_);
  }
  AfterChange(run);
}

}  // namespace dagport::sched
