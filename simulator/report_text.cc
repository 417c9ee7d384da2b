// The text summary of `dagport simulate`.
#include <fmt/format.h>

#include <cmath>

#include "simulator/report_render.h"

namespace dagport::simulator {

std::string Seconds(double s) {
  const double r = std::round(s * 10) / 10;
  if (r == std::floor(r)) return fmt::format("{:.0f}", r);
  return fmt::format("{:.1f}", r);
}

std::string HumanDuration(double s) {
  if (s < 120) return Seconds(s) + " s";
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

namespace {

std::string Money(double v, const std::string& currency) {
  return fmt::format("{:.2f} {}", v, currency);
}

}  // namespace

std::string RenderText(const SimulationReport& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("Simulated {} to {} on {}{}, seed {}, {} replay{}", sched::FormatIso(r.start),
                   sched::FormatIso(r.end), r.executor,
                   r.mwaa_class.empty() ? "" : " (MWAA " + r.mwaa_class + ")", r.seed, r.replays,
                   r.replays == 1 ? "" : "s"));
  line(fmt::format("  {} DAGs, {} scheduled runs, {} task instances", r.dags, r.scheduled_runs,
                   r.task_instances));
  line("");
  if (r.conflict_groups.empty()) {
    line("Shared-state conflicts: none");
  } else {
    line(fmt::format("Shared-state conflicts: {} (task pairs x paths), {} task-instance pairs",
                     r.conflict_groups.size(), r.conflicts.size()));
    for (const ConflictGroup& g : r.conflict_groups) {
      const ConflictSummary& e = g.example;
      line(fmt::format("  {:>5.1f}%  {}{}", g.probability * 100, g.pattern,
                       e.possible ? " (path not fully known)" : ""));
      line(fmt::format("          {} ({}) and {} ({}): {:.1f} per replay", g.first_task,
                       e.first_mode, g.second_task, e.second_mode, g.per_replay));
      line(fmt::format("          e.g. {} and {} on {}, overlapping {}",
                       e.first.substr(e.first.find('@') + 1),
                       e.second.substr(e.second.find('@') + 1), e.host,
                       HumanDuration(static_cast<double>(e.to - e.from) / 1000.0)));
      line(fmt::format("          fix: {}", g.fix));
    }
  }
  line("");
  line("Per day:");
  line(fmt::format("  {:<10} {:>5} {:>6} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>5} {:>4}", "day",
                   "runs", "tries", "makespan", "max", "wait50", "wait95", "wait99", "util", "peak",
                   "sla"));
  for (const DaySummary& d : r.days) {
    line(fmt::format("  {:<10} {:>5} {:>6} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>5} {:>4}",
                     sched::FormatDs(d.day), d.runs, d.attempts, HumanDuration(d.makespan_p50_s),
                     HumanDuration(d.makespan_max_s), HumanDuration(d.wait_p50_s),
                     HumanDuration(d.wait_p95_s), HumanDuration(d.wait_p99_s),
                     d.bounded ? fmt::format("{:.0f}%", d.utilisation * 100) : "-", d.peak_running,
                     d.sla_misses));
  }
  line("");
  line(fmt::format("Queue wait (ready to running): p50 {}, p95 {}, p99 {}",
                   HumanDuration(r.wait_p50_s), HumanDuration(r.wait_p95_s),
                   HumanDuration(r.wait_p99_s)));
  if (r.replays > 1) {
    line(fmt::format(
        "Span of the horizon's work (first run due to last run end) over replays: "
        "p50 {}, p95 {}",
        HumanDuration(r.horizon_makespan_p50_s), HumanDuration(r.horizon_makespan_p95_s)));
  }
  if (r.executor == "celery") {
    line(fmt::format("Workers: peak {}, {:.1f} worker-hours", r.peak_workers, r.worker_hours));
  }
  if (!r.sla_misses.empty()) {
    line(fmt::format("SLA misses: {}", r.sla_misses.size()));
    for (size_t i = 0; i < r.sla_misses.size() && i < 10; ++i) line("  " + r.sla_misses[i]);
    if (r.sla_misses.size() > 10) line(fmt::format("  ... {} more", r.sla_misses.size() - 10));
  }
  if (r.executor == "ecs") {
    line(fmt::format("Cost: Fargate {} (prices {} as of {})", Money(r.fargate_cost, r.currency),
                     r.currency, r.prices_as_of));
  } else if (!r.mwaa_class.empty()) {
    std::string env = r.mwaa_environment_cost ? Money(*r.mwaa_environment_cost, r.currency)
                                              : "unknown (no public price; use --prices)";
    std::string workers = r.mwaa_worker_cost ? Money(*r.mwaa_worker_cost, r.currency)
                                             : "unknown (no public price; use --prices)";
    line(fmt::format(
        "Cost: MWAA environment {}, additional workers {}{} (prices as of {})", env, workers,
        r.fargate_cost > 0 ? ", Fargate " + Money(r.fargate_cost, r.currency) + " for ECS tasks"
                           : "",
        r.prices_as_of));
  } else if (r.fargate_cost > 0) {
    line(fmt::format("Cost: Fargate {} for ECS tasks (prices {} as of {})",
                     Money(r.fargate_cost, r.currency), r.currency, r.prices_as_of));
  }
  if (r.never_queued > 0) {
    line(fmt::format("{} task instances were never queued: pool_slots larger than their pool",
                     r.never_queued));
  }
  if (r.unfinished_runs > 0) {
    line(
        fmt::format("{} DAG runs never finished{} (JSON \"runs\" lists them with state "
                    "\"running\" or \"queued\")",
                    r.unfinished_runs,
                    r.cut_off ? ": the simulation stopped 7 days after the horizon with work left"
                              : ": depends_on_past on a past that did not succeed, or a task "
                                "that is never queued"));
  }
  return out;
}

}  // namespace dagport::simulator
