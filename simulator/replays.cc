// Replays: the same workload under N seeds, in parallel, and the report built from them.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include "simulator/report.h"

namespace dagport::simulator {

namespace {

using sched::Millis;

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - (p > 0);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(k, v.size() - 1)),
                   v.end());
  return v[std::min(k, v.size() - 1)];
}

/// A conflict identified across replays: the resource and the two task instances.
using ConflictKey = std::tuple<std::string, std::string, std::string>;

struct ReplayDigest {
  std::vector<std::pair<ConflictKey, ConflictSummary>> conflicts;
  double horizon_makespan_s = 0;
};

std::string Fix(const Workload& w, const SimulationResult& r, uint32_t a, uint32_t b, bool global) {
  if (global) {
    return "give each task instance its own key (add {{ run_id }} and the task_id to the path), "
           "or serialise the tasks with a pool of one slot: containers do not separate a shared "
           "resource";
  }
  std::vector<std::string> isolate;
  for (uint32_t attempt : {a, b}) {
    const TaskInstanceRecord& ti = r.tis[r.attempts[attempt].ti];
    const WorkloadDag& dag = w.dags[r.runs[ti.run].dag];
    const WorkloadTask& task = dag.tasks[ti.task];
    const std::string name = dag.plan.dag_id + "." + dag.plan.tasks[ti.task].task_id;
    if (task.installs_on_worker && std::find(isolate.begin(), isolate.end(), name) == isolate.end())
      isolate.push_back(name);
  }
  if (!isolate.empty()) {
    return fmt::format(
        "run {} in {}: `dagport convert --containers ecs` rewrites {}, "
        "so the virtualenv and scratch files no longer live on the shared worker",
        fmt::join(isolate, " and "),
        isolate.size() == 1 ? "its own container" : "their own containers",
        isolate.size() == 1 ? "it into a ContainerTaskOperator task"
                            : "them into ContainerTaskOperator tasks");
  }
  return "give each task instance its own path (add {{ run_id }} and the task_id to it), or run "
         "the tasks in containers (`dagport convert --containers ecs`)";
}

ReplayDigest Digest(const Workload& w, const SimulationResult& r) {
  ReplayDigest d;
  for (const ConflictRecord& c : r.conflicts) {
    ConflictSummary s;
    s.resource = c.resource;
    s.host = r.HostName(c.host, c.first);
    s.first = InstanceName(w, r, r.attempts[c.first].ti);
    s.second = InstanceName(w, r, r.attempts[c.second].ti);
    s.first_mode = c.first_mode;
    s.second_mode = c.second_mode;
    s.pattern = c.pattern;
    s.first_task = s.first.substr(0, s.first.find('@'));
    s.second_task = s.second.substr(0, s.second.find('@'));
    if (s.second < s.first) {
      std::swap(s.first, s.second);
      std::swap(s.first_mode, s.second_mode);
      std::swap(s.first_task, s.second_task);
    }
    s.from = c.from;
    s.to = c.to;
    s.possible = c.possible;
    s.fix = Fix(w, r, c.first, c.second, r.hosts[c.host] == "shared");
    d.conflicts.emplace_back(ConflictKey{s.resource, s.first, s.second}, std::move(s));
  }
  Millis first_due = std::numeric_limits<Millis>::max(), last_end = 0;
  for (const RunRecord& run : r.runs) {
    first_due = std::min(first_due, run.run_after);
    // A run that never finished lasts until the simulation stopped.
    last_end = std::max(last_end, run.end >= 0 ? run.end : r.finished_at);
  }
  if (!r.runs.empty()) d.horizon_makespan_s = static_cast<double>(last_end - first_due) / 1000.0;
  return d;
}

std::string RunState(const RunRecord& r) {
  if (r.start < 0) return "queued";
  if (r.end < 0) return "running";
  return r.failed ? "failed" : "success";
}

}  // namespace

std::string RunId(const RunRecord& run) {
  if (run.triggered) return "manual__" + sched::FormatIso(run.logical_date) + "+00:00";
  return sched::ScheduledRunId(run.logical_date);
}

std::string InstanceName(const Workload& w, const SimulationResult& r, uint32_t ti) {
  const TaskInstanceRecord& t = r.tis[ti];
  const RunRecord& run = r.runs[t.run];
  const WorkloadDag& dag = w.dags[run.dag];
  return dag.plan.dag_id + "." + dag.plan.tasks[t.task].task_id + "@" + RunId(run);
}

SimulationReport RunReplays(const Workload& w, uint64_t seed, int replays, unsigned jobs,
                            SimulationResult* first_out,
                            const std::function<void(int done)>& progress) {
  replays = std::max(1, replays);
  const Settings& s = w.settings;
  SimulationReport rep;
  rep.executor = std::string(ExecutorName(s.executor));
  if (s.mwaa) rep.mwaa_class = s.mwaa->name;
  rep.seed = seed;
  rep.replays = replays;
  rep.start = w.start;
  rep.end = w.end;
  rep.dags = w.dags.size();
  rep.scheduled_runs = w.scheduled_runs;
  rep.task_instances = w.task_instances;

  // Each replay is folded into the report as soon as the ones before it are (so that the
  // result does not depend on which thread finished first), then dropped: memory stays
  // bounded however many replays there are.
  std::map<ConflictKey, size_t> index;
  using GroupKey = std::tuple<std::string, std::string, std::string>;
  std::map<GroupKey, size_t> groups;
  std::vector<double> horizon;
  auto fold = [&](const ReplayDigest& d) {
    std::map<ConflictKey, bool> seen_here;
    std::map<GroupKey, bool> group_seen_here;
    for (const auto& [key, c] : d.conflicts) {
      auto [it, added] = index.try_emplace(key, rep.conflicts.size());
      if (added) rep.conflicts.push_back(c);
      if (!seen_here[key]) {
        seen_here[key] = true;
        ++rep.conflicts[it->second].replays_seen;
      }
      const GroupKey g{c.pattern, c.first_task, c.second_task};
      auto [git, gadded] = groups.try_emplace(g, rep.conflict_groups.size());
      if (gadded) {
        ConflictGroup group;
        group.pattern = c.pattern;
        group.first_task = c.first_task;
        group.second_task = c.second_task;
        group.example = c;
        group.fix = c.fix;
        rep.conflict_groups.push_back(std::move(group));
      }
      ConflictGroup& group = rep.conflict_groups[git->second];
      ++group.instances;
      if (!group_seen_here[g]) {
        group_seen_here[g] = true;
        ++group.replays_seen;
      }
    }
    horizon.push_back(d.horizon_makespan_s);
  };

  SimulationResult first;
  std::mutex mutex;
  std::vector<std::optional<ReplayDigest>> pending(static_cast<size_t>(replays));
  size_t next_fold = 0;
  int done = 0;
  std::exception_ptr failure;
  std::atomic<int> next{0};
  auto worker = [&] {
    try {
      for (int i = next++; i < replays; i = next++) {
        SimulationResult r = Simulate(w, seed + static_cast<uint64_t>(i));
        ReplayDigest d = Digest(w, r);
        std::lock_guard<std::mutex> lock(mutex);
        if (i == 0) first = std::move(r);
        pending[static_cast<size_t>(i)] = std::move(d);
        while (next_fold < pending.size() && pending[next_fold]) {
          fold(*pending[next_fold]);
          pending[next_fold].reset();
          ++next_fold;
        }
        if (progress) progress(++done);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
      next = replays;  // the other threads stop after their current replay
    }
  };
  const unsigned threads = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(replays)));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  for (ConflictSummary& c : rep.conflicts)
    c.probability = static_cast<double>(c.replays_seen) / replays;
  for (ConflictGroup& g : rep.conflict_groups) {
    g.probability = static_cast<double>(g.replays_seen) / replays;
    g.per_replay = static_cast<double>(g.instances) / replays;
  }
  std::stable_sort(rep.conflict_groups.begin(), rep.conflict_groups.end(),
                   [](const ConflictGroup& a, const ConflictGroup& b) {
                     if (a.probability != b.probability) return a.probability > b.probability;
                     return std::tie(a.first_task, a.second_task, a.pattern) <
                            std::tie(b.first_task, b.second_task, b.pattern);
                   });
  std::stable_sort(rep.conflicts.begin(), rep.conflicts.end(),
                   [](const ConflictSummary& a, const ConflictSummary& b) {
                     if (a.probability != b.probability) return a.probability > b.probability;
                     return std::tie(a.first, a.second, a.resource) <
                            std::tie(b.first, b.second, b.resource);
                   });
  rep.horizon_makespan_p50_s = Percentile(horizon, 0.5);
  rep.horizon_makespan_p95_s = Percentile(horizon, 0.95);

  // The first replay in detail.
  const SimulationResult& r = first;
  std::map<Millis, DaySummary> days;
  auto day_of = [&](Millis t) { return w.start + (t - w.start) / sched::kDay * sched::kDay; };
  std::map<Millis, std::vector<double>> day_makespans, day_waits;
  for (const RunRecord& run : r.runs) {
    RunSummary rs;
    const WorkloadDag& dag = w.dags[run.dag];
    rs.dag_id = dag.plan.dag_id;
    rs.run_id = RunId(run);
    rs.logical_date = run.logical_date;
    rs.run_after = run.run_after;
    rs.start = run.start;
    rs.end = run.end;
    rs.state = RunState(run);
    if (run.end >= 0) rs.makespan_s = static_cast<double>(run.end - run.run_after) / 1000.0;
    DaySummary& day = days[day_of(run.run_after)];
    ++day.runs;
    day.task_instances += dag.plan.tasks.size();
    if (run.end >= 0) day_makespans[day_of(run.run_after)].push_back(rs.makespan_s);
    rep.runs.push_back(std::move(rs));
  }
  std::vector<double> waits;
  for (const AttemptRecord& a : r.attempts) {
    if (a.start < 0 || a.no_executor) continue;
    const double wait = static_cast<double>(a.start - a.ready) / 1000.0;
    waits.push_back(wait);
    DaySummary& day = days[day_of(a.ready)];
    ++day.attempts;  // tries that ran on an executor
    day.failed += a.outcome == sched::TiState::kFailed;
    day.fargate_cost += a.cost;
    day_waits[day_of(a.ready)].push_back(wait);
  }
  rep.wait_p50_s = Percentile(waits, 0.5);
  rep.wait_p95_s = Percentile(waits, 0.95);
  rep.wait_p99_s = Percentile(waits, 0.99);
  for (const UtilisationBucket& u : r.utilisation) {
    DaySummary& day = days[day_of(u.from)];
    day.peak_running = std::max(day.peak_running, u.peak_running);
  }
  std::map<Millis, std::pair<double, double>> day_util;
  for (const UtilisationBucket& u : r.utilisation) {
    auto& [busy, capacity] = day_util[day_of(u.from)];
    busy += u.busy_slot_seconds;
    capacity += u.capacity_slot_seconds;
  }
  for (const SlaMiss& m : r.sla_misses) {
    ++days[day_of(m.deadline)].sla_misses;
    rep.sla_misses.push_back(
        fmt::format("{} (deadline {}, {})", InstanceName(w, r, m.ti), sched::FormatIso(m.deadline),
                    m.end < 0 ? std::string("not finished") : "ended " + sched::FormatIso(m.end)));
  }
  for (auto& [t, day] : days) {
    day.day = t;
    std::vector<double>& m = day_makespans[t];
    day.makespan_p50_s = Percentile(m, 0.5);
    day.makespan_max_s = m.empty() ? 0 : *std::max_element(m.begin(), m.end());
    std::vector<double>& dw = day_waits[t];
    day.wait_p50_s = Percentile(dw, 0.5);
    day.wait_p95_s = Percentile(dw, 0.95);
    day.wait_p99_s = Percentile(dw, 0.99);
    const auto& [busy, capacity] = day_util[t];
    day.utilisation = capacity > 0 ? busy / capacity : 0;
    day.bounded = capacity > 0;
    rep.days.push_back(day);
  }
  rep.utilisation = r.utilisation;
  rep.bucket = r.bucket;
  rep.peak_workers = r.peak_workers;
  rep.worker_hours = r.worker_seconds / 3600.0;
  rep.currency = s.currency;
  rep.prices_as_of = s.prices_as_of;
  rep.prices_source = s.prices_source;
  rep.fargate_cost = r.fargate_cost;
  if (s.mwaa) {
    const double hours = static_cast<double>(w.end - w.start) / sched::kHour;
    if (s.mwaa->environment_per_hour)
      rep.mwaa_environment_cost = hours * *s.mwaa->environment_per_hour;
    if (s.mwaa->worker_per_hour)
      rep.mwaa_worker_cost = r.extra_worker_seconds / 3600.0 * *s.mwaa->worker_per_hour;
  }
  rep.cut_off = r.cut_off;
  rep.never_queued = r.never_queued;
  rep.unfinished_runs = r.unfinished_runs;
  if (first_out != nullptr) *first_out = std::move(first);
  return rep;
}

}  // namespace dagport::simulator
