// Simulator benchmark: 30 days x 14,000 tasks/day (420,000 task instances, generated in memory),
// one executor, conflict detection on, at low load and at heavy backlog; then 32 replays x 1 day
// x 3 executors on 2 threads. Prints wall time, throughput and peak memory, and, when built with
// SimGrid (Debian libsimgrid-dev), the same task set run by SimGrid 3.32's S4U DAG engine on the
// same slots as the peer. Figures, never pass/fail.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "simulator/report.h"
#include "simulator/simulation.h"

#ifdef DAGPORT_HAVE_SIMGRID
#include <simgrid/s4u.hpp>
#endif

namespace {

using namespace dagport;
using Clock = std::chrono::steady_clock;

constexpr int kDags = 700;        // x 20 tasks = 14,000 tasks a day
constexpr int kTasksPerDag = 20;  // t00 >> [t01..t08] >> t09 >> [t10..t18] >> t19
constexpr int kDays = 30;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::vector<std::pair<int, int>> Edges() {
  std::vector<std::pair<int, int>> edges;
  for (int i = 1; i <= 8; ++i) {
    edges.emplace_back(0, i);
    edges.emplace_back(i, 9);
  }
  for (int i = 10; i <= 18; ++i) {
    edges.emplace_back(9, i);
    edges.emplace_back(i, 19);
  }
  return edges;
}

/// 700 daily DAGs of 20 tasks; every tenth DAG's fan-out tasks build a shared virtualenv and
/// write a date-named scratch file (the footprint the conflict detector checks).
ir::Project Generate(bool all_at_midnight) {
  ir::Project project;
  ir::DagFile file;
  file.path = "generated.py";
  const auto edges = Edges();
  for (int d = 0; d < kDags; ++d) {
    ir::Dag dag;
    dag.dag_id = fmt::format("gen_{:04}", d);
    const std::string cron =
        all_at_midnight ? "0 0 * * *" : fmt::format("{} {} * * *", d % 60, (d / 60) % 24);
    dag.arguments.emplace_back("schedule_interval", ir::Value::String(cron));
    ir::Datetime start;
    start.year = 2025;
    dag.arguments.emplace_back("start_date", ir::Value::MakeDatetime(start));
    for (int t = 0; t < kTasksPerDag; ++t) {
      ir::Task task;
      task.task_id = fmt::format("t{:02}", t);
      task.operator_class = "airflow.operators.bash_operator.BashOperator";
      if (d % 10 == 0 && ((t >= 1 && t <= 8) || (t >= 10 && t <= 18))) {
        task.footprint.push_back({fmt::format("/tmp/venvs/project_{}", d % 7),
                                  "create",
                                  "virtualenv",
                                  false,
                                  false,
                                  "",
                                  {}});
        task.footprint.push_back(
            {"/tmp/scratch_{{ ds }}.json", "write", "file", false, false, "", {}});
      }
      dag.tasks.push_back(std::move(task));
    }
    for (const auto& [from, to] : edges)
      dag.edges.push_back({fmt::format("t{:02}", from), fmt::format("t{:02}", to), {}});
    file.dags.push_back(std::move(dag));
  }
  project.files.push_back(std::move(file));
  return project;
}

simulator::Durations BenchDurations() {
  return simulator::Durations::Parse(
      R"({"operators": {"BashOperator": {"mean": 90, "p95": 300}}})");
}

simulator::Settings BenchSettings(bool heavy, int days) {
  simulator::Settings s = simulator::DefaultSettings();
  sched::ParseIsoDate("2025-02-01", &s.start);
  s.days = days;
  s.executor = simulator::ExecutorKind::kCelery;
  // Low load: 40 workers x 16 slots. Heavy backlog: the whole day at midnight on 4 x 16 slots.
  s.workers = s.max_workers = heavy ? 4 : 40;
  s.worker_concurrency = 16;
  return s;
}

struct Figures {
  double seconds = 0;
  size_t task_instances = 0;
  size_t conflicts = 0;
  double max_wait_p95 = 0;
};

Figures RunOnce(bool heavy) {
  const ir::Project project = Generate(heavy);
  std::vector<ir::Diagnostic> diagnostics;
  const auto start = Clock::now();
  const simulator::Workload w = simulator::BuildWorkload(project, BenchSettings(heavy, kDays),
                                                         BenchDurations(), {}, {}, diagnostics);
  const simulator::SimulationResult r = simulator::Simulate(w, 1);
  Figures f;
  f.seconds = Seconds(start);
  f.task_instances = r.tis.size();
  f.conflicts = r.conflicts.size();
  return f;
}

#ifdef DAGPORT_HAVE_SIMGRID
/// The same 420,000 tasks as one SimGrid DAG (the runs' tasks with their edges, every run
/// released at once) on one host with `cores` cores, each task an Exec of its mean duration.
double SimGridPeer(int cores, int days) {
  int argc = 1;
  char name[] = "simgrid_peer";
  char* argv[] = {name, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  auto* zone = simgrid::s4u::create_full_zone("zone");
  simgrid::s4u::Host* host = zone->create_host("host", 1e9)->set_core_count(cores)->seal();
  zone->seal();
  const auto edges = Edges();
  const auto start = Clock::now();
  std::vector<simgrid::s4u::ExecPtr> execs;
  execs.reserve(static_cast<size_t>(kDags) * kTasksPerDag * days);
  for (int run = 0; run < kDags * days; ++run) {
    const size_t base = execs.size();
    for (int t = 0; t < kTasksPerDag; ++t)
      execs.push_back(simgrid::s4u::Exec::init()->set_flops_amount(90e9)->set_host(host));
    for (const auto& [from, to] : edges)
      execs[base + static_cast<size_t>(from)]->add_successor(execs[base + static_cast<size_t>(to)]);
  }
  for (auto& e : execs) e->vetoable_start();
  engine.run();
  return Seconds(start);
}
#endif

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf(
      "dagport simulator benchmark: %d days x %d tasks/day = %d task instances, "
      "celery executor, conflict detection on\n",
      kDays, kDags * kTasksPerDag, kDays * kDags * kTasksPerDag);
  double low_seconds = 0, heavy_seconds = 0;
  for (bool heavy : {false, true}) {
    const Figures f = RunOnce(heavy);
    (heavy ? heavy_seconds : low_seconds) = f.seconds;
    std::printf(
        "  %-13s %7.3f s  %9.0f task instances/s  %zu conflicts  (peak RSS so far %ld MB)\n",
        heavy ? "heavy backlog" : "low load", f.seconds,
        static_cast<double>(f.task_instances) / f.seconds, f.conflicts, PeakRssMb());
  }
  // 32 replays of one day under each executor, on 2 threads.
  {
    const ir::Project project = Generate(false);
    const auto start = Clock::now();
    for (auto kind : {simulator::ExecutorKind::kCelery, simulator::ExecutorKind::kKubernetes,
                      simulator::ExecutorKind::kEcs}) {
      simulator::Settings s = BenchSettings(false, 1);
      s.executor = kind;
      std::vector<ir::Diagnostic> diagnostics;
      const simulator::Workload w =
          simulator::BuildWorkload(project, s, BenchDurations(), {}, {}, diagnostics);
      simulator::RunReplays(w, 1, 32, 2, nullptr);
    }
    std::printf("  32 replays x 1 day x 3 executors on 2 threads: %.3f s\n", Seconds(start));
  }
  std::printf("  peak RSS: %ld MB\n", PeakRssMb());
#ifdef DAGPORT_HAVE_SIMGRID
  const int peer_days =
      std::getenv("DAGPORT_PEER_DAYS") ? std::atoi(std::getenv("DAGPORT_PEER_DAYS")) : 1;
  const int peer_cores =
      std::getenv("DAGPORT_PEER_CORES") ? std::atoi(std::getenv("DAGPORT_PEER_CORES")) : 20000;
  const double unloaded = SimGridPeer(peer_cores, peer_days);
  const double saturated = SimGridPeer(64, peer_days);
  const double n = static_cast<double>(peer_days) * kDags * kTasksPerDag;
  std::printf(
      "  peer SimGrid 3.32 S4U DAG, %d day(s) of the task set (%.0f tasks, all released at "
      "once): unloaded %.3f s (%.0f tasks/s), saturated on 64 cores %.3f s (%.0f tasks/s)\n",
      peer_days, n, unloaded, n / unloaded, saturated, n / saturated);
  std::printf(
      "  dagport, the same day(s) in the 30-day runs above: %.0f task instances/s at low "
      "load, %.0f at heavy backlog\n",
      420000 / low_seconds, 420000 / heavy_seconds);
#else
  std::printf("  peer SimGrid: not built (install libsimgrid-dev and rebuild)\n");
#endif
  return 0;
}
