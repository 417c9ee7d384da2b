// The three scenarios of `dagport migrate`, and what changed between them.
#include "migrate/scenarios.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sched/clock.h"
#include "simulator/report_render.h"
#include "simulator/settings.h"
#include "simulator/workload.h"

namespace dagport::migrate {

namespace sim = simulator;

std::string Money(const std::optional<double>& amount, const std::string& currency) {
  return amount ? fmt::format("{:.2f} {}", *amount, currency) : "n/a";
}

namespace {

/// Settings every scenario shares: the horizon, seeds, pools and shared resources.
sim::Settings BaseSettings(const ir::Project& legacy, const ir::Project& converted,
                           const sim::SimulateConfig& config, const MigrateOptions& options) {
  sim::Settings s = sim::DefaultSettings();
  // After every DAG's start_date, before and after conversion (which fixes days_ago()).
  s.start = std::max(sim::DefaultStart(legacy), sim::DefaultStart(converted));
  s.days = options.days;
  s.seed = options.seed;
  s.replays = options.replays;
  for (const auto& [pool, slots] : config.pools) {
    if (pool == "default_pool") {
      s.default_pool_slots = slots;
    } else {
      s.pools[pool] = slots;
    }
  }
  s.global_resources = config.global_resources;
  return s;
}

sim::Settings OnMwaa(sim::Settings s, const std::string& mwaa_class) {
  s.executor = sim::ExecutorKind::kCelery;
  auto mwaa = sim::FindMwaaClass(mwaa_class);
  if (!mwaa) {
    throw std::runtime_error(fmt::format("unknown MWAA class '{}' (one of: {})", mwaa_class,
                                         fmt::join(sim::MwaaClassNames(), ", ")));
  }
  sim::ApplyMwaaClass(s, *mwaa);
  sim::FitParallelismToWorkers(s);
  return s;
}

/// The horizon's cost per day when every part has a price. `unpriced` names a part without
/// one (the pods of container tasks on Kubernetes).
void Cost(Scenario& scenario, int days, const std::string& unpriced) {
  const sim::SimulationReport& r = scenario.report;
  const std::string fargate =
      r.fargate_cost > 0
          ? fmt::format("Fargate {} a day for ECS tasks", Money(r.fargate_cost / days, r.currency))
          : std::string();
  if (r.executor == "kubernetes") {
    scenario.cost_note = "the Kubernetes cluster's cost is not modelled" +
                         (fargate.empty() ? std::string() : "; " + fargate);
    return;
  }
  if (!r.mwaa_environment_cost || !r.mwaa_worker_cost) {
    scenario.cost_note = "MWAA class without a public price (dagport simulate --prices)";
    return;
  }
  const std::string parts = fmt::format("MWAA environment {}, additional workers {}",
                                        Money(*r.mwaa_environment_cost / days, r.currency),
                                        Money(*r.mwaa_worker_cost / days, r.currency)) +
                            (fargate.empty() ? std::string() : ", " + fargate) + " (per day)";
  if (!unpriced.empty()) {
    scenario.cost_note = parts + "; " + unpriced + " not modelled";
    return;
  }
  scenario.cost_per_day = (*r.mwaa_environment_cost + *r.mwaa_worker_cost + r.fargate_cost) / days;
  scenario.cost_note = parts;
}

/// CPU units and MiB of each container task ("dag_id.task_id"): its image's size.
using Sizes = std::map<std::string, std::pair<int, int>>;

Scenario Simulate(std::string key, std::string title, std::string description,
                  const ir::Project& project, const sim::Settings& settings,
                  const sim::Durations& durations, const std::vector<sim::ExtraAccess>& extras,
                  const Sizes& sizes, const MigrateOptions& options,
                  std::vector<ir::Diagnostic>& diagnostics, const ProgressFn& progress,
                  size_t index) {
  Scenario scenario;
  scenario.key = std::move(key);
  scenario.title = std::move(title);
  scenario.description = std::move(description);
  std::vector<ir::Diagnostic> found;
  sim::Workload workload = sim::BuildWorkload(project, settings, durations, {}, extras, found);
  // A container task is billed at its image's size unless the durations file gives one.
  for (sim::WorkloadDag& dag : workload.dags) {
    for (size_t i = 0; i < dag.tasks.size(); ++i) {
      auto it = sizes.find(dag.plan.dag_id + "." + dag.plan.tasks[i].task_id);
      if (it == sizes.end()) continue;
      sim::DurationModel& d = dag.tasks[i].duration;
      if (!d.cpu && it->second.first > 0) d.cpu = it->second.first;
      if (!d.memory_mib && it->second.second > 0) d.memory_mib = it->second.second;
    }
  }
  // Each scenario reports the same DAG-level findings; keep the first scenario's of each kind
  // (the legacy ones) and the converted scenario's own.
  for (ir::Diagnostic& d : found) {
    if (index == 0 || index == 2) diagnostics.push_back(std::move(d));
  }
  auto step = [&](int done) {
    if (progress)
      progress({"simulate", index * options.replays + static_cast<size_t>(done),
                3 * static_cast<size_t>(options.replays), scenario.title});
  };
  scenario.report =
      sim::RunReplays(workload, options.seed, options.replays, options.jobs, nullptr, step);
  const bool pods = index == 2 && options.target != converters::containers::Target::kEcs;
  Cost(scenario, options.days,
       pods ? std::string(options.target == converters::containers::Target::kKubernetes
                              ? "the container tasks' Kubernetes pods"
                              : "the container tasks' Docker hosts")
            : std::string());
  return scenario;
}

}  // namespace

std::vector<Scenario> SimulateScenarios(const ir::Project& legacy, const ir::Project& converted,
                                        const converters::containers::ContainerPlan& plan,
                                        const sim::SimulateConfig& config,
                                        const sim::Durations& durations,
                                        const MigrateOptions& options,
                                        std::vector<ir::Diagnostic>& diagnostics,
                                        const ProgressFn& progress) {
  const sim::Settings base = BaseSettings(legacy, converted, config, options);
  sim::Settings kubernetes = base;
  kubernetes.executor = sim::ExecutorKind::kKubernetes;
  const sim::Settings mwaa = OnMwaa(base, options.mwaa_class);
  // A container task no longer touches the worker's disk: the accesses the configuration adds
  // for it stay only when they are global (an S3 key, a declared shared resource).
  std::set<std::string> container_tasks;
  Sizes sizes;
  for (const auto& t : plan.tasks) {
    const std::string key = t.dag_id + "." + t.task_id;
    container_tasks.insert(key);
    if (auto e = plan.environments.find(t.environment); e != plan.environments.end())
      sizes[key] = {e->second.cpu, e->second.memory};
  }
  std::vector<sim::ExtraAccess> converted_extras;
  for (const sim::ExtraAccess& e : config.footprints) {
    if (e.global || !container_tasks.count(e.task_key)) converted_extras.push_back(e);
  }
  const std::string target(converters::containers::TargetName(options.target));
  const std::string operators =
      options.target == converters::containers::Target::kEcs          ? "ECS Fargate"
      : options.target == converters::containers::Target::kKubernetes ? "Kubernetes pods"
                                                                      : "Docker containers";
  std::vector<Scenario> out;
  out.push_back(Simulate("kubernetes", "Legacy DAGs on Kubernetes",
                         "Airflow 1.x on the Kubernetes executor: every task in its own pod, "
                         "with its own disk (where the DAGs come from).",
                         legacy, kubernetes, durations, config.footprints, {}, options, diagnostics,
                         progress, 0));
  out.push_back(Simulate(
      "mwaa", "Legacy DAGs lifted and shifted onto MWAA",
      fmt::format("The same DAGs on MWAA {} (Celery): several tasks share each worker and its "
                  "disk.",
                  options.mwaa_class),
      legacy, mwaa, durations, config.footprints, {}, options, diagnostics, progress, 1));
  out.push_back(Simulate(
      "converted", "Converted DAGs on MWAA with container tasks",
      fmt::format("The converted DAGs on MWAA {}: the virtualenv-operator tasks run in their "
                  "own containers ({}); the rest stay on the Celery workers.",
                  options.mwaa_class, operators),
      converted, mwaa, durations, converted_extras, sizes, options, diagnostics, progress, 2));
  return out;
}

namespace {

std::string Percent(double p) {
  return fmt::format("{:.0f}%", p * 100);
}

std::string ConflictList(const sim::SimulationReport& r, size_t at_most) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < r.conflict_groups.size() && i < at_most; ++i) {
    const sim::ConflictGroup& g = r.conflict_groups[i];
    parts.push_back(fmt::format("{} and {} on {} ({} of replays)", g.first_task, g.second_task,
                                g.pattern, Percent(g.probability)));
  }
  if (r.conflict_groups.size() > at_most)
    parts.push_back(fmt::format("{} more", r.conflict_groups.size() - at_most));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

std::vector<std::string> DescribeChanges(const Migration& m) {
  std::vector<std::string> out;
  if (m.scenarios.size() != 3) return out;
  const sim::SimulationReport& k8s = m.scenarios[0].report;
  const sim::SimulationReport& mwaa = m.scenarios[1].report;
  const sim::SimulationReport& conv = m.scenarios[2].report;
  const MigrateOptions& o = m.options;
  out.push_back(fmt::format(
      "Each scenario replays {} day{} from {} {} time{} with the same seeds ({} to {}); "
      "conflicts are counted over every replay, waits, workers and costs come from the first.",
      o.days, o.days == 1 ? "" : "s", sched::FormatIso(k8s.start), o.replays,
      o.replays == 1 ? "" : "s", o.seed, o.seed + static_cast<uint64_t>(o.replays) - 1));

  if (mwaa.conflict_groups.empty()) {
    out.push_back(fmt::format(
        "Lifted and shifted onto MWAA, no two tasks were seen using one path on one worker in "
        "{} replays.",
        mwaa.replays));
  } else {
    out.push_back(fmt::format(
        "Lifted and shifted onto MWAA, {} pair{} of tasks use the same path on one worker at "
        "the same time: {}. {}",
        mwaa.conflict_groups.size(), mwaa.conflict_groups.size() == 1 ? "" : "s",
        ConflictList(mwaa, 3),
        k8s.conflict_groups.empty()
            ? "Under Kubernetes each task had its own pod and disk, so none of them clashed: "
              "these are the transient failures a lift-and-shift brings."
            : fmt::format("Under Kubernetes {} of them clashed already (global resources).",
                          k8s.conflict_groups.size())));
  }

  const auto& plan = m.conversion.container_plan;
  if (plan.tasks.empty()) {
    out.push_back("No task was turned into a container task.");
  } else if (conv.conflict_groups.empty()) {
    out.push_back(
        fmt::format("Converted, the {} virtualenv-operator task{} run in their own containers ({} "
                    "environment{}): no conflict is left{}.",
                    plan.tasks.size(), plan.tasks.size() == 1 ? "" : "s", plan.environments.size(),
                    plan.environments.size() == 1 ? "" : "s",
                    mwaa.conflict_groups.empty()
                        ? ""
                        : fmt::format(" (there were {} on MWAA)", mwaa.conflict_groups.size())));
  } else {
    out.push_back(fmt::format(
        "Converted, the {} virtualenv-operator task{} run in their own containers, but {} "
        "conflict{} remain{}: {}. Containers do not separate global resources (an S3 key, a "
        "declared shared resource) or tasks that stay on the workers; serialise them with a "
        "pool of one slot or give each run its own path.",
        plan.tasks.size(), plan.tasks.size() == 1 ? "" : "s", conv.conflict_groups.size(),
        conv.conflict_groups.size() == 1 ? "" : "s", conv.conflict_groups.size() == 1 ? "s" : "",
        ConflictList(conv, 3)));
  }

  out.push_back(fmt::format(
      "Queue wait p95 (ready to running): {} on Kubernetes (the pod start-up), {} on MWAA (a "
      "free worker slot; autoscaling adds workers after a few minutes), {} converted (the "
      "container operators hold a worker slot while their container runs).",
      sim::HumanDuration(k8s.wait_p95_s), sim::HumanDuration(mwaa.wait_p95_s),
      sim::HumanDuration(conv.wait_p95_s)));
  if (o.target == converters::containers::Target::kDocker && !plan.tasks.empty()) {
    out.push_back(
        "MWAA workers have no Docker daemon: the DockerOperator tasks need a docker_url of a "
        "Docker host the workers can reach (its cost is not modelled).");
  }
  out.push_back(
      fmt::format("Peak Celery workers: {} lifted and shifted, {} converted ({:.1f} and {:.1f} "
                  "worker-hours).",
                  mwaa.peak_workers, conv.peak_workers, mwaa.worker_hours, conv.worker_hours));
  const Scenario& before = m.scenarios[1];
  const Scenario& after = m.scenarios[2];
  if (before.cost_per_day && after.cost_per_day) {
    const double difference = *after.cost_per_day - *before.cost_per_day;
    const double fargate = (conv.fargate_cost - mwaa.fargate_cost) / std::max(1, o.days);
    auto signed_money = [&](double v) { return (v > 0 ? "+" : "") + Money(v, conv.currency); };
    out.push_back(fmt::format(
        "Cost per day: {} lifted and shifted, {} converted ({} per 30-day month), {}{}.",
        Money(before.cost_per_day, mwaa.currency), Money(after.cost_per_day, conv.currency),
        Money(*after.cost_per_day * 30, conv.currency), signed_money(difference),
        fargate > 0 ? fmt::format(" ({} Fargate for the container tasks, {} MWAA workers)",
                                  signed_money(fargate), signed_money(difference - fargate))
                    : ""));
  } else if (!after.cost_note.empty()) {
    out.push_back("Cost converted: " + after.cost_note + ".");
  }
  return out;
}

}  // namespace dagport::migrate
