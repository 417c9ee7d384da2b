#include "simulator/simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <queue>

#include "sched/admission.h"
#include "sched/retry_policy.h"
#include "simulator/executor_model.h"

namespace dagport::simulator {

namespace {

using sched::Millis;
using sched::TiState;

constexpr Millis kNever = std::numeric_limits<Millis>::max();
/// How long after the horizon work may still finish before the simulation stops (a run blocked
/// for ever by depends_on_past, a pool too small for a task).
constexpr Millis kGrace = 7 * sched::kDay;

Millis Ms(double seconds) {
  return static_cast<Millis>(std::llround(seconds * 1000.0));
}

class Engine : public ExecutorSink {
 public:
  Engine(const Workload& w, uint64_t seed)
      : w_(w),
        s_(w.settings),
        random_(seed),
        admission_(Limits(w)),
        hop_sigma_(SigmaFromP95(s_.hop_median_s, s_.hop_p95_s)) {
    result_.seed = seed;
    dag_state_.resize(w.dags.size());
    const Millis horizon = std::max<Millis>(sched::kHour, w.end - w.start);
    result_.bucket = std::max<Millis>(5 * sched::kMinute, (horizon / 576 + 59999) / 60000 * 60000);
  }

  SimulationResult Run() {
    executor_ = MakeExecutor(s_, *this, random_);
    executor_->Begin(w_.start);
    last_t_ = w_.start;
    CreateScheduledRuns();
    for (const ManualTrigger& t : w_.triggers) {
      for (uint32_t d = 0; d < w_.dags.size(); ++d) {
        if (w_.dags[d].plan.dag_id == t.dag_id) Push(t.at, kTrigger, d);
      }
    }
    while (!events_.empty()) {
      const Event e = events_.top();
      events_.pop();
      if (e.t > w_.end + kGrace) {
        result_.cut_off = true;
        break;
      }
      now_ = e.t;
      Handle(e);
    }
    Integrate(now_);
    executor_->Close(now_);
    result_.finished_at = now_;
    result_.peak_workers = executor_->peak_workers;
    result_.worker_seconds = executor_->worker_seconds;
    result_.extra_worker_seconds = executor_->extra_worker_seconds;
    result_.never_queued = admission_.impossible().size();
    result_.unfinished_runs = unfinished_runs_;
    // SLA deadlines never met because the task never finished.
    for (uint32_t ti = 0; ti < result_.tis.size(); ++ti) {
      const TaskInstanceRecord& r = result_.tis[ti];
      if (sched::IsSettled(r.state)) continue;
      const sched::TaskPlan& task = PlanOf(ti);
      if (task.sla > 0)
        result_.sla_misses.push_back({ti, result_.runs[r.run].run_after + task.sla, -1});
    }
    return std::move(result_);
  }

  // ExecutorSink
  void Launch(uint32_t attempt, uint32_t host, Millis billed_from, Millis start) override {
    AttemptRecord& a = result_.attempts[attempt];
    a.host = host;
    a.launched = billed_from;
    Push(start, kStart, attempt);
  }
  void WakeAt(Millis t) override { Push(t, kWake, 0); }
  uint32_t NewHost(std::string name) override {
    result_.hosts.push_back(std::move(name));
    return static_cast<uint32_t>(result_.hosts.size() - 1);
  }
  bool WorkRemains() const override { return unfinished_runs_ > 0; }
  void CapacityChanging(Millis t) override { Integrate(t); }

 private:
  enum Kind : uint8_t { kRunDue, kReady, kPass, kStart, kEnd, kRetry, kWake, kTrigger };
  struct Event {
    Millis t;
    uint64_t seq;
    Kind kind;
    uint32_t a;
    bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };
  struct DagState {
    int active_runs = 0;
    std::deque<uint32_t> waiting_runs;
  };

  static sched::AdmissionLimits Limits(const Workload& w) {
    sched::AdmissionLimits l;
    l.parallelism = w.settings.executor == ExecutorKind::kLocal
                        ? w.settings.local_slots
                        : w.settings.parallelism * w.settings.schedulers;
    for (const WorkloadDag& d : w.dags) l.dag_max_active.push_back(d.plan.max_active_tasks);
    l.pool_slots = w.pool_slots;
    return l;
  }

  void Push(Millis t, Kind kind, uint32_t a) { events_.push({t, seq_++, kind, a}); }

  Millis Hop() { return Ms(random_.LogNormal(s_.hop_median_s, hop_sigma_)); }

  const WorkloadDag& DagOf(uint32_t ti) const {
    return w_.dags[result_.runs[result_.tis[ti].run].dag];
  }
  const sched::TaskPlan& PlanOf(uint32_t ti) const {
    return DagOf(ti).plan.tasks[result_.tis[ti].task];
  }
  const WorkloadTask& TaskOf(uint32_t ti) const { return DagOf(ti).tasks[result_.tis[ti].task]; }

  uint32_t AddRun(uint32_t dag, const sched::RunInterval& interval, bool triggered) {
    const uint32_t id = static_cast<uint32_t>(result_.runs.size());
    RunRecord r;
    r.dag = dag;
    r.logical_date = interval.logical_date;
    r.run_after = interval.run_after;
    r.triggered = triggered;
    r.first_ti = static_cast<uint32_t>(result_.tis.size());
    result_.runs.push_back(r);
    const size_t n = w_.dags[dag].plan.tasks.size();
    for (uint32_t t = 0; t < n; ++t) result_.tis.push_back({id, t});
    run_states_.emplace_back();
    prev_run_.push_back(kNoAttempt);
    next_run_.push_back(kNoAttempt);
    waiting_past_.emplace_back();
    ++unfinished_runs_;
    return id;
  }

  void CreateScheduledRuns() {
    size_t total_tis = 0;
    for (const WorkloadDag& d : w_.dags) total_tis += d.runs.size() * d.plan.tasks.size();
    result_.tis.reserve(total_tis);
    result_.attempts.reserve(total_tis);
    for (uint32_t d = 0; d < w_.dags.size(); ++d) {
      uint32_t previous = kNoAttempt;
      for (const sched::RunInterval& r : w_.dags[d].runs) {
        const uint32_t run = AddRun(d, r, false);
        prev_run_[run] = previous;
        if (previous != kNoAttempt) next_run_[previous] = run;
        previous = run;
        Push(r.run_after, kRunDue, run);
      }
    }
  }

  void Handle(const Event& e) {
    switch (e.kind) {
      case kRunDue: RunDue(e.a); break;
      case kReady: Ready(e.a); break;
      case kPass: Pass(); break;
      case kStart: Start(e.a); break;
      case kEnd: End(e.a); break;
      case kRetry: MakeReady(e.a, now_ + Hop()); break;
      case kWake: executor_->Wake(now_); break;
      case kTrigger: Trigger(e.a); break;
    }
  }

  void Trigger(uint32_t dag) {
    const uint32_t run = AddRun(dag, {now_, now_}, true);
    result_.runs[run].triggered = true;
    RunDue(run);
  }

  void RunDue(uint32_t run) {
    DagState& d = dag_state_[result_.runs[run].dag];
    const int limit = w_.dags[result_.runs[run].dag].plan.max_active_runs;
    if (d.active_runs < limit && d.waiting_runs.empty()) {
      StartRun(run);
    } else {
      d.waiting_runs.push_back(run);
    }
  }

  void StartRun(uint32_t run) {
    RunRecord& r = result_.runs[run];
    r.start = now_;
    ++dag_state_[r.dag].active_runs;
    run_states_[run] = std::make_unique<sched::DagRunState>(w_.dags[r.dag].plan);
    runnable_.clear();
    settled_.clear();
    run_states_[run]->Start(runnable_, settled_);
    AfterChange(run);
  }

  /// Applies the runnable and settled lists of `run`'s state machine.
  void AfterChange(uint32_t run) {
    const RunRecord& r = result_.runs[run];
    // The lists are taken out of the members: starting a queued run below re-enters here.
    std::vector<uint32_t> runnable = TakeBuffer(), settled = TakeBuffer();
    runnable.swap(runnable_);
    settled.swap(settled_);
    for (uint32_t task : settled) {
      TaskInstanceRecord& ti = result_.tis[r.first_ti + task];
      ti.state = run_states_[run]->state(task);
      ti.settled = now_;
    }
    for (uint32_t task : runnable) Runnable(r.first_ti + task);
    // Any settled task (one that ran, or one settled without running) may release the next
    // run's depends_on_past instances.
    RecheckPast(run);
    const bool done = run_states_[run]->done();
    GiveBuffer(std::move(runnable));
    GiveBuffer(std::move(settled));
    if (done) FinishRun(run);
  }

  std::vector<uint32_t> TakeBuffer() {
    if (spare_.empty()) return {};
    std::vector<uint32_t> b = std::move(spare_.back());
    spare_.pop_back();
    b.clear();
    return b;
  }
  void GiveBuffer(std::vector<uint32_t>&& b) { spare_.push_back(std::move(b)); }

  void FinishRun(uint32_t run) {
    RunRecord& r = result_.runs[run];
    r.end = now_;
    r.failed = run_states_[run]->failed();
    run_states_[run].reset();
    --unfinished_runs_;
    DagState& d = dag_state_[r.dag];
    --d.active_runs;
    const sched::DagPlan& plan = w_.dags[r.dag].plan;
    while (!d.waiting_runs.empty() && d.active_runs < plan.max_active_runs) {
      const uint32_t next = d.waiting_runs.front();
      d.waiting_runs.pop_front();
      StartRun(next);
    }
    if (plan.timetable.kind == sched::ScheduleKind::kContinuous && now_ < w_.end && !r.triggered) {
      const uint32_t next = AddRun(r.dag, {now_, now_}, false);
      prev_run_[next] = run;
      next_run_[run] = next;
      RunDue(next);
    }
  }

  bool PastSatisfied(uint32_t ti) const {
    const sched::TaskPlan& task = PlanOf(ti);
    if (!task.depends_on_past) return true;
    const uint32_t prev = prev_run_[result_.tis[ti].run];
    if (prev == kNoAttempt) return true;  // ignore_first_depends_on_past
    const uint32_t first = result_.runs[prev].first_ti;
    auto ok = [&](uint32_t t) {
      const TiState s = result_.tis[first + t].state;
      return s == TiState::kSuccess || s == TiState::kSkipped;
    };
    if (!ok(result_.tis[ti].task)) return false;
    if (task.wait_for_downstream) {
      for (uint32_t d : task.downstream) {
        if (!ok(d)) return false;
      }
    }
    return true;
  }

  void RecheckPast(uint32_t run) {
    const uint32_t next = next_run_[run];
    if (next == kNoAttempt || waiting_past_[next].empty()) return;
    std::vector<uint32_t> waiting;
    waiting.swap(waiting_past_[next]);
    for (uint32_t ti : waiting) Runnable(ti);
  }

  void Runnable(uint32_t ti) {
    if (!PastSatisfied(ti)) {
      waiting_past_[result_.tis[ti].run].push_back(ti);
      return;
    }
    result_.tis[ti].state = TiState::kScheduled;
    MakeReady(ti, now_ + Hop());
  }

  void MakeReady(uint32_t ti, Millis at) { Push(at, kReady, ti); }

  sched::Candidate CandidateOf(uint32_t ti) const {
    const TaskInstanceRecord& r = result_.tis[ti];
    const RunRecord& run = result_.runs[r.run];
    const sched::TaskPlan& task = PlanOf(ti);
    const WorkloadTask& wt = TaskOf(ti);
    sched::Candidate c;
    c.id = ti;
    c.priority = task.priority;
    c.logical_date = run.logical_date;
    c.tie = wt.tie;
    c.dag = run.dag;
    c.pool = wt.pool;
    c.pool_slots = task.pool_slots;
    c.task = wt.global_index;
    c.task_limit = task.max_active_tis_per_dag;
    c.run = r.run;
    c.run_task_limit = task.max_active_tis_per_dagrun;
    return c;
  }

  void Ready(uint32_t ti) {
    TaskInstanceRecord& r = result_.tis[ti];
    AttemptRecord a;
    a.ti = ti;
    a.try_number = ++r.tries;
    a.ready = now_;
    r.last_attempt = static_cast<uint32_t>(result_.attempts.size());
    result_.attempts.push_back(a);
    if (PlanOf(ti).kind == sched::TaskKind::kEmpty) {
      // Airflow 2's scheduler sets EmptyOperator tasks to success without an executor.
      AttemptRecord& e = result_.attempts.back();
      e.queued = e.launched = e.start = e.end = now_;
      e.no_executor = true;
      e.outcome = TiState::kSuccess;
      Settle(ti, TiState::kSuccess);
      return;
    }
    admission_.Add(CandidateOf(ti));
    RequestPass(now_);
  }

  void RequestPass(Millis t) {
    if (next_pass_ <= t) return;
    next_pass_ = t;
    Push(t, kPass, 0);
  }

  void Pass() {
    if (next_pass_ == now_) next_pass_ = kNever;
    admitted_.clear();
    const size_t budget = static_cast<size_t>(std::max(1, s_.max_tis_per_query * s_.schedulers));
    const size_t n = admission_.Admit(budget, admitted_);
    for (const sched::Candidate& c : admitted_) {
      TaskInstanceRecord& r = result_.tis[c.id];
      r.state = TiState::kQueued;
      AttemptRecord& a = result_.attempts[r.last_attempt];
      a.queued = now_;
      executor_->Queue(r.last_attempt, now_);
    }
    if (n == budget && admission_.ready() > 0) RequestPass(now_ + Ms(s_.busy_loop_s));
  }

  void Integrate(Millis t) {
    if (t <= last_t_) return;
    const int capacity = executor_->Capacity();
    while (last_t_ < t) {
      const size_t b = static_cast<size_t>((last_t_ - w_.start) / result_.bucket);
      if (result_.utilisation.size() <= b) {
        const size_t old = result_.utilisation.size();
        result_.utilisation.resize(b + 1);
        for (size_t i = old; i <= b; ++i)
          result_.utilisation[i].from = w_.start + static_cast<Millis>(i) * result_.bucket;
      }
      const Millis bucket_end = w_.start + static_cast<Millis>(b + 1) * result_.bucket;
      const Millis until = std::min(t, bucket_end);
      const double seconds = static_cast<double>(until - last_t_) / 1000.0;
      UtilisationBucket& u = result_.utilisation[b];
      u.busy_slot_seconds += running_ * seconds;
      u.capacity_slot_seconds += capacity * seconds;
      u.peak_running = std::max(u.peak_running, running_);
      last_t_ = until;
    }
  }

  void Start(uint32_t attempt) {
    Integrate(now_);
    ++running_;
    AttemptRecord& a = result_.attempts[attempt];
    const uint32_t ti = a.ti;
    TaskInstanceRecord& r = result_.tis[ti];
    r.state = TiState::kRunning;
    a.start = now_;
    if (static_cast<size_t>((now_ - w_.start) / result_.bucket) < result_.utilisation.size())
      result_.utilisation[(now_ - w_.start) / result_.bucket].peak_running =
          std::max(result_.utilisation[(now_ - w_.start) / result_.bucket].peak_running, running_);
    const sched::TaskPlan& task = PlanOf(ti);
    const WorkloadTask& wt = TaskOf(ti);
    Millis duration = std::max<Millis>(0, Ms(wt.duration.Sample(random_)));
    bool fails = wt.duration.failure_rate > 0 && random_.Uniform() < wt.duration.failure_rate;
    if (task.execution_timeout > 0 && duration > task.execution_timeout) {
      duration = task.execution_timeout;
      fails = true;
      a.timed_out = true;
    }
    a.outcome = fails ? TiState::kFailed : TiState::kSuccess;
    a.end = now_ + duration;
    if (!wt.footprint.empty()) Occupy(attempt);
    Push(a.end, kEnd, attempt);
  }

  /// Registers the attempt's footprint with the conflict detector: host paths on its host
  /// (unless it runs alone), global resources on the shared pseudo-host.
  void Occupy(uint32_t attempt) {
    const AttemptRecord& a = result_.attempts[attempt];
    const TaskInstanceRecord& r = result_.tis[a.ti];
    const RunRecord& run = result_.runs[r.run];
    const WorkloadDag& dag = w_.dags[run.dag];
    const WorkloadTask& wt = dag.tasks[r.task];
    RenderContext context{dag.plan.dag_id, dag.plan.tasks[r.task].task_id, run.logical_date,
                          run.run_after, a.try_number};
    std::vector<RenderedAccess> host_side, global_side;
    for (const CompiledAccess& c : wt.footprint) {
      if (!c.global && a.host == kIsolatedHost) continue;
      (c.global ? global_side : host_side)
          .push_back({c.path.Render(context), c.text, c.mode, c.resource, c.possible});
    }
    if (!host_side.empty())
      detector_.Start(a.host, attempt, a.start, a.end, host_side, result_.conflicts);
    if (!global_side.empty()) {
      if (global_host_ == kIsolatedHost) global_host_ = NewHost("shared");
      detector_.Start(global_host_, attempt, a.start, a.end, global_side, result_.conflicts);
    }
  }

  void End(uint32_t attempt) {
    Integrate(now_);
    --running_;
    AttemptRecord& a = result_.attempts[attempt];
    const uint32_t ti = a.ti;
    executor_->Finished(attempt, a.host, now_);
    admission_.Release(CandidateOf(ti));
    RequestPass(now_);
    const WorkloadTask& wt = TaskOf(ti);
    if (!wt.footprint.empty()) {
      if (a.host != kIsolatedHost) detector_.End(a.host, attempt);
      if (global_host_ != kIsolatedHost) detector_.End(global_host_, attempt);
    }
    if (s_.executor == ExecutorKind::kEcs) {
      const int cpu = wt.duration.cpu.value_or(s_.ecs_cpu);
      const int memory = wt.duration.memory_mib.value_or(s_.ecs_memory_mib);
      const FargateSize size = RoundUpFargate(s_, cpu, memory);
      const double seconds =
          std::max(s_.fargate_minimum_s, static_cast<double>(now_ - a.launched) / 1000.0);
      a.cost = seconds / 3600.0 *
               (size.cpu / 1024.0 * s_.fargate_vcpu_hour + size.memory_gb * s_.fargate_gb_hour);
      result_.fargate_cost += a.cost;
    }
    const sched::TaskPlan& task = PlanOf(ti);
    if (a.outcome == TiState::kFailed && sched::ShouldRetry(task, a.try_number)) {
      result_.tis[ti].state = TiState::kUpForRetry;
      const Millis delay = sched::RetryDelay(task, a.try_number, random_.Next());
      Push(now_ + delay, kRetry, ti);
      return;
    }
    Settle(ti, a.outcome);
  }

  /// The task instance reached a final state by running (or by the scheduler, for
  /// EmptyOperator): moves its run on.
  void Settle(uint32_t ti, TiState outcome) {
    TaskInstanceRecord& r = result_.tis[ti];
    const uint32_t run = r.run;
    const RunRecord& rr = result_.runs[run];
    const sched::TaskPlan& task = PlanOf(ti);
    const WorkloadTask& wt = TaskOf(ti);
    r.state = outcome;
    r.settled = now_;
    if (task.sla > 0) {
      const Millis deadline = rr.run_after + task.sla;
      if (now_ > deadline) result_.sla_misses.push_back({ti, deadline, now_});
    }
    sched::DagRunState& state = *run_states_[run];
    runnable_.clear();
    settled_.clear();
    if (outcome == TiState::kSuccess && task.kind == sched::TaskKind::kBranch &&
        !task.downstream.empty()) {
      const uint32_t follow = task.downstream[random_.Below(task.downstream.size())];
      state.FinishBranch(r.task, {follow}, runnable_, settled_);
    } else if (outcome == TiState::kSuccess && task.kind == sched::TaskKind::kShortCircuit &&
               random_.Uniform() >= wt.duration.continue_rate) {
      state.FinishShortCircuit(r.task, runnable_, settled_);
    } else {
      state.Finish(r.task, outcome, runnable_, settled_);
    }
    if (outcome == TiState::kSuccess && wt.trigger_dag >= 0 && now_ < w_.end + kGrace)
      Push(now_, kTrigger, static_cast<uint32_t>(wt.trigger_dag));
    AfterChange(run);
  }

  const Workload& w_;
  const Settings& s_;
  Random random_;
  sched::AdmissionQueue admission_;
  double hop_sigma_;
  std::unique_ptr<ExecutorModel> executor_;
  ConflictDetector detector_;
  SimulationResult result_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  Millis now_ = 0;
  Millis last_t_ = 0;
  Millis next_pass_ = kNever;
  int running_ = 0;
  size_t unfinished_runs_ = 0;
  uint32_t global_host_ = kIsolatedHost;
  std::vector<DagState> dag_state_;
  std::vector<std::unique_ptr<sched::DagRunState>> run_states_;
  std::vector<uint32_t> prev_run_, next_run_;
  std::vector<std::vector<uint32_t>> waiting_past_;
  std::vector<uint32_t> runnable_, settled_;
  std::vector<std::vector<uint32_t>> spare_;
  std::vector<sched::Candidate> admitted_;
};

}  // namespace

std::string SimulationResult::HostName(uint32_t host, uint32_t attempt) const {
  if (host == kIsolatedHost) return fmt::format("task-{}", attempt + 1);
  return hosts[host];
}

SimulationResult Simulate(const Workload& workload, uint64_t seed) {
  Engine engine(workload, seed);
  return engine.Run();
}

}  // namespace dagport::simulator
