#include "simulator/simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <queue>

#include "simulator/executor_model.h"
#include "simulator/report.h"

namespace dagport::simulator {

namespace {

using sched::Millis;
using sched::TiState;

/// How long after the horizon work may still finish before the simulation stops (a run blocked
/// for ever by depends_on_past, a pool too small for a task).
constexpr Millis kGrace = 7 * sched::kDay;

Millis Ms(double seconds) {
  return static_cast<Millis>(std::llround(seconds * 1000.0));
}

class Engine : public ExecutorSink, public sched::SchedulerHost {
 public:
  Engine(const Workload& w, uint64_t seed)
      : w_(w),
        s_(w.settings),
        random_(seed),
        scheduler_(Config(w), *this),
        hop_sigma_(SigmaFromP95(s_.hop_median_s, s_.hop_p95_s)) {
    result_.seed = seed;
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
        if (w_.dags[d].plan.dag_id == t.dag_id) Wake(t.at, {sched::SchedulerEvent::kTrigger, d});
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
    // Workers and slots are accounted to the end of the horizon at least (the environment and
    // its minimum workers are there all along), or to the last event when work ran past it.
    const Millis end = std::max(now_, w_.end);
    Integrate(end);
    executor_->Close(end);
    result_.finished_at = now_;
    result_.peak_workers = executor_->peak_workers;
    result_.worker_seconds = executor_->worker_seconds;
    result_.extra_worker_seconds = executor_->extra_worker_seconds;
    result_.never_queued = scheduler_.never_queued();
    result_.unfinished_runs = scheduler_.unfinished_runs();
    result_.runs = scheduler_.TakeRuns();
    std::vector<sched::TaskInstanceRecord> tis = scheduler_.TakeTaskInstances();
    result_.tis.resize(tis.size());
    for (size_t i = 0; i < tis.size(); ++i) {
      static_cast<sched::TaskInstanceRecord&>(result_.tis[i]) = tis[i];
      result_.tis[i].last_attempt = i < last_attempt_.size() ? last_attempt_[i] : kNoAttempt;
    }
    // SLA deadlines never met because the task never finished.
    for (uint32_t ti = 0; ti < result_.tis.size(); ++ti) {
      const TaskInstanceRecord& r = result_.tis[ti];
      if (sched::IsSettled(r.state)) continue;
      const sched::TaskPlan& task = w_.dags[result_.runs[r.run].dag].plan.tasks[r.task];
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
  void WakeAt(Millis t) override { Push(t, kExecutorWake, 0); }
  uint32_t NewHost(std::string name) override {
    result_.hosts.push_back(std::move(name));
    return static_cast<uint32_t>(result_.hosts.size() - 1);
  }
  bool WorkRemains() const override { return scheduler_.unfinished_runs() > 0; }
  void CapacityChanging(Millis t) override { Integrate(t); }

  // sched::SchedulerHost
  void Wake(Millis t, sched::SchedulerEvent event) override {
    events_.push({t, seq_++, kScheduler, event.id, event.kind});
  }
  Millis HopLatency() override { return Ms(random_.LogNormal(s_.hop_median_s, hop_sigma_)); }
  uint64_t RetryJitter() override { return random_.Next(); }
  void TryReady(uint32_t ti, int try_number) override {
    if (last_attempt_.size() <= ti) last_attempt_.resize(scheduler_.tis().size(), kNoAttempt);
    AttemptRecord a;
    a.ti = ti;
    a.try_number = try_number;
    a.ready = now_;
    last_attempt_[ti] = static_cast<uint32_t>(result_.attempts.size());
    if (scheduler_.TaskOf(ti).kind == sched::TaskKind::kEmpty) {
      // The scheduler sets it to success at once, without an executor.
      a.queued = a.launched = a.start = a.end = now_;
      a.no_executor = true;
      a.outcome = TiState::kSuccess;
      CheckSla(ti);
    }
    result_.attempts.push_back(a);
  }
  void Queue(uint32_t ti) override {
    const uint32_t attempt = last_attempt_[ti];
    result_.attempts[attempt].queued = now_;
    executor_->Queue(attempt, now_);
  }

 private:
  enum Kind : uint8_t { kScheduler, kStart, kEnd, kExecutorWake };
  struct Event {
    Millis t;
    uint64_t seq;
    Kind kind;
    uint32_t a;
    sched::SchedulerEvent::Kind scheduler_kind = sched::SchedulerEvent::kPass;
    bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };

  static sched::SchedulerConfig Config(const Workload& w) {
    sched::SchedulerConfig c;
    for (const WorkloadDag& d : w.dags) {
      c.dags.push_back(&d.plan);
      std::vector<sched::TaskKeys>& keys = c.keys.emplace_back();
      for (const WorkloadTask& t : d.tasks) keys.push_back({t.pool, t.global_index, t.tie});
    }
    c.pool_slots = w.pool_slots;
    c.parallelism = w.settings.executor == ExecutorKind::kLocal
                        ? w.settings.local_slots
                        : w.settings.parallelism * w.settings.schedulers;
    c.tis_per_pass =
        static_cast<size_t>(std::max(1, w.settings.max_tis_per_query * w.settings.schedulers));
    c.busy_loop = Ms(w.settings.busy_loop_s);
    c.stop_creating_runs = w.end;
    return c;
  }

  void Push(Millis t, Kind kind, uint32_t a) { events_.push({t, seq_++, kind, a}); }

  const WorkloadDag& DagOf(uint32_t ti) const {
    return w_.dags[scheduler_.runs()[scheduler_.tis()[ti].run].dag];
  }
  const WorkloadTask& TaskOf(uint32_t ti) const {
    return DagOf(ti).tasks[scheduler_.tis()[ti].task];
  }

  void CreateScheduledRuns() {
    size_t runs = 0, tis = 0;
    for (const WorkloadDag& d : w_.dags) {
      runs += d.runs.size();
      tis += d.runs.size() * d.plan.tasks.size();
    }
    scheduler_.Reserve(runs, tis);
    result_.attempts.reserve(tis);
    last_attempt_.reserve(tis);
    for (uint32_t d = 0; d < w_.dags.size(); ++d) {
      uint32_t previous = sched::kNone32;
      for (const sched::RunInterval& r : w_.dags[d].runs)
        previous = scheduler_.AddRun(d, r, false, previous);
    }
  }

  void Handle(const Event& e) {
    switch (e.kind) {
      case kScheduler: scheduler_.Handle({e.scheduler_kind, e.a}, now_); break;
      case kStart: Start(e.a); break;
      case kEnd: End(e.a); break;
      case kExecutorWake: executor_->Wake(now_); break;
    }
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
    a.start = now_;
    const size_t bucket = static_cast<size_t>((now_ - w_.start) / result_.bucket);
    if (bucket < result_.utilisation.size()) {
      int& peak = result_.utilisation[bucket].peak_running;
      peak = std::max(peak, running_);
    }
    const sched::TaskPlan& task = scheduler_.TaskOf(ti);
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
    const sched::TaskInstanceRecord& r = scheduler_.tis()[a.ti];
    const sched::RunRecord& run = scheduler_.runs()[r.run];
    const WorkloadDag& dag = w_.dags[run.dag];
    const WorkloadTask& wt = dag.tasks[r.task];
    sched::TemplateContext context{dag.plan.dag_id,
                                   dag.plan.tasks[r.task].task_id,
                                   run.logical_date,
                                   run.run_after,
                                   a.try_number,
                                   run.triggered ? RunId(run) : std::string(),
                                   {},
                                   {},
                                   {}};
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

  void CheckSla(uint32_t ti) {
    const sched::TaskPlan& task = scheduler_.TaskOf(ti);
    if (task.sla <= 0) return;
    const Millis deadline = scheduler_.runs()[scheduler_.tis()[ti].run].run_after + task.sla;
    if (now_ > deadline) result_.sla_misses.push_back({ti, deadline, now_});
  }

  void End(uint32_t attempt) {
    Integrate(now_);
    --running_;
    AttemptRecord& a = result_.attempts[attempt];
    const uint32_t ti = a.ti;
    executor_->Finished(attempt, a.host, now_);
    const WorkloadTask& wt = TaskOf(ti);
    if (!wt.footprint.empty()) {
      if (a.host != kIsolatedHost) detector_.End(a.host, attempt);
      if (global_host_ != kIsolatedHost) detector_.End(global_host_, attempt);
    }
    // Fargate bills every try under the ECS executor, and under the others the tries of ECS
    // run-task operators, whose container starts (capacity and network interface first) once
    // the operator runs on its worker.
    const bool ecs_executor = s_.executor == ExecutorKind::kEcs;
    if (ecs_executor || wt.on_fargate) {
      const int cpu = wt.duration.cpu.value_or(s_.ecs_cpu);
      const int memory = wt.duration.memory_mib.value_or(s_.ecs_memory_mib);
      const FargateSize size = RoundUpFargate(s_, cpu, memory);
      const Millis billed_from =
          ecs_executor ? a.launched : std::min(now_, a.start + Ms(s_.ecs_startup_base_s));
      // Per second, rounded up, with the one-minute minimum.
      const double seconds = std::max(s_.fargate_minimum_s,
                                      std::ceil(static_cast<double>(now_ - billed_from) / 1000.0));
      a.cost = seconds / 3600.0 *
               (size.cpu / 1024.0 * s_.fargate_vcpu_hour + size.memory_gb * s_.fargate_gb_hour);
      result_.fargate_cost += a.cost;
    }
    // What the task decided: which branch it follows (uniformly one of its direct downstream
    // tasks), whether a short-circuit's condition held.
    const sched::TaskPlan& task = scheduler_.TaskOf(ti);
    std::vector<uint32_t> follow;
    bool skip_downstream = false;
    if (a.outcome == TiState::kSuccess && task.kind == sched::TaskKind::kBranch &&
        !task.downstream.empty()) {
      follow.push_back(task.downstream[random_.Below(task.downstream.size())]);
    } else if (a.outcome == TiState::kSuccess && task.kind == sched::TaskKind::kShortCircuit) {
      skip_downstream = random_.Uniform() >= wt.duration.continue_rate;
    }
    scheduler_.Finished(ti, a.outcome, now_, follow.empty() ? nullptr : &follow, skip_downstream);
    if (!sched::IsSettled(scheduler_.tis()[ti].state)) return;  // up for retry
    CheckSla(ti);
    if (a.outcome == TiState::kSuccess && wt.trigger_dag >= 0 && now_ < w_.end + kGrace)
      Wake(now_, {sched::SchedulerEvent::kTrigger, static_cast<uint32_t>(wt.trigger_dag)});
  }

  const Workload& w_;
  const Settings& s_;
  Random random_;
  sched::Scheduler scheduler_;
  double hop_sigma_;
  std::unique_ptr<ExecutorModel> executor_;
  ConflictDetector detector_;
  SimulationResult result_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  Millis now_ = 0;
  Millis last_t_ = 0;
  int running_ = 0;
  uint32_t global_host_ = kIsolatedHost;
  std::vector<uint32_t> last_attempt_;
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
