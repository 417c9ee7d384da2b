// `dagport simulate PATH...`: replay the DAG runs of a folder (or of an IR JSON file) under an
// executor model and report shared-state conflicts, makespan, queueing, utilisation and cost.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "ir/diagnostic_render.h"
#include "ir/ir_json.h"
#include "parser/project_analyzer.h"
#include "simulator/report_render.h"
#include "simulator/simulate_config.h"

namespace dagport::cli {

namespace fs = std::filesystem;
namespace sim = simulator;

namespace {

/// The IR of the inputs: an IR JSON file (`dagport inspect --format json`), or DAG files and
/// folders analysed now.
/// The project to simulate. `input_problems` gets what kept a path or file from being read at
/// all (DP0xx: missing, unreadable, link loops), which would otherwise vanish from the report.
ir::Project LoadProject(const po::variables_map& vm, std::vector<std::string>& paths,
                        std::vector<ir::Diagnostic>& input_problems) {
  ir::Project project;
  if (paths.size() == 1 && fs::path(paths[0]).extension() == ".json") {
    const std::string text = ReadOrFail(paths[0], "IR file");
    try {
      return ir::ProjectFromJson(ir::Json::parse(text));
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("{} is not dagport IR JSON: {}", paths[0], e.what()));
    }
  }
  parser::ProjectOptions options;
  options.paths = paths;
  if (vm.count("plugins")) options.plugin_dirs = vm["plugins"].as<std::vector<std::string>>();
  options.jobs = JobsOption(vm);
  options.limits.airflow_major = AirflowMajorOption(vm);
  parser::ProjectSummary summary = parser::AnalyzeProject(
      options,
      [&](ir::DagFile&& file, std::string&&) { project.files.push_back(std::move(file)); });
  project.plugins = std::move(summary.plugins);
  input_problems = std::move(summary.diagnostics);
  for (const ir::DagFile& f : project.files) {
    for (const ir::Diagnostic& d : f.diagnostics)
      if (d.code.starts_with("DP0")) input_problems.push_back(d);
  }
  return project;
}

sim::ExecutorKind ParseExecutor(const std::string& name) {
  for (auto kind : {sim::ExecutorKind::kLocal, sim::ExecutorKind::kCelery,
                    sim::ExecutorKind::kKubernetes, sim::ExecutorKind::kEcs}) {
    if (sim::ExecutorName(kind) == name) return kind;
  }
  throw UsageError("--executor takes local, celery, kubernetes or ecs, not '" + name + "'");
}

sim::Settings SettingsFrom(const po::variables_map& vm, const ir::Project& project) {
  sim::Settings s = sim::DefaultSettings();
  s.executor = ParseExecutor(vm["executor"].as<std::string>());
  if (vm.count("mwaa-class")) {
    const std::string name = vm["mwaa-class"].as<std::string>();
    auto mwaa = sim::FindMwaaClass(name);
    if (!mwaa) {
      throw UsageError(fmt::format("unknown --mwaa-class '{}' (one of: {})", name,
                                   fmt::join(sim::MwaaClassNames(), ", ")));
    }
    if (s.executor != sim::ExecutorKind::kCelery)
      throw UsageError("--mwaa-class describes Celery workers: use it with --executor celery");
    sim::ApplyMwaaClass(s, *mwaa);
  }
  auto positive = [&](const char* name, int& target) {
    if (!vm.count(name)) return;
    const int v = vm[name].as<int>();
    if (v < 1) throw UsageError(fmt::format("--{} must be at least 1", name));
    target = v;
  };
  positive("workers", s.workers);
  if (vm.count("workers") && !vm.count("max-workers") && !s.autoscaling) s.max_workers = s.workers;
  positive("max-workers", s.max_workers);
  if (vm.count("max-workers")) s.autoscaling = s.max_workers > s.workers;
  if (s.max_workers < s.workers) s.max_workers = s.workers;
  positive("worker-concurrency", s.worker_concurrency);
  if (s.mwaa && !vm.count("parallelism")) sim::FitParallelismToWorkers(s);
  positive("slots", s.local_slots);
  positive("parallelism", s.parallelism);
  positive("schedulers", s.schedulers);
  positive("max-tis-per-query", s.max_tis_per_query);
  positive("days", s.days);
  if (s.days > 3660) throw UsageError("--days is at most 3660");
  const std::string placement = vm["placement"].as<std::string>();
  if (placement == "random") {
    s.placement = sim::Placement::kRandom;
  } else if (placement == "pack") {
    s.placement = sim::Placement::kPack;
  } else if (placement == "spread") {
    s.placement = sim::Placement::kSpread;
  } else {
    throw UsageError("--placement takes random, pack or spread, not '" + placement + "'");
  }
  s.seed = vm["seed"].as<uint64_t>();
  s.replays = vm["replays"].as<int>();
  if (s.replays < 1 || s.replays > 100000) throw UsageError("--replays is between 1 and 100000");
  s.switched_on_at_start = vm["catchup"].as<bool>();
  if (vm.count("start")) {
    if (!sched::ParseIsoDate(vm["start"].as<std::string>(), &s.start))
      throw UsageError("--start takes a date: 2025-01-01 or 2025-01-01T06:00");
  } else {
    s.start = sim::DefaultStart(project);
  }
  if (vm.count("pool")) {
    for (const std::string& p : vm["pool"].as<std::vector<std::string>>()) {
      const size_t eq = p.find('=');
      int slots = -1;
      if (eq != std::string::npos && eq > 0) {
        try {
          slots = std::stoi(p.substr(eq + 1));
        } catch (const std::exception&) {
          slots = -1;
        }
      }
      if (slots < 0) throw UsageError("--pool takes NAME=SLOTS, not '" + p + "'");
      if (p.substr(0, eq) == "default_pool") {
        s.default_pool_slots = slots;
      } else {
        s.pools[p.substr(0, eq)] = slots;
      }
    }
  }
  if (vm.count("prices")) {
    const std::string path = vm["prices"].as<std::string>();
    const std::string text = ReadOrFail(path, "prices file");
    try {
      sim::ApplyPrices(s, text);
    } catch (const std::runtime_error& e) {
      throw UsageError(fmt::format("{}: {}", path, e.what()));
    }
  }
  return s;
}

std::vector<sim::ManualTrigger> Triggers(const po::variables_map& vm, sched::Millis start) {
  std::vector<sim::ManualTrigger> triggers;
  if (!vm.count("trigger")) return triggers;
  for (const std::string& t : vm["trigger"].as<std::vector<std::string>>()) {
    sim::ManualTrigger m;
    const size_t at = t.find('@');
    m.dag_id = t.substr(0, at);
    m.at = start;
    if (at != std::string::npos && !sched::ParseIsoDate(t.substr(at + 1), &m.at))
      throw UsageError("--trigger takes DAG_ID or DAG_ID@2025-01-01T06:00, not '" + t + "'");
    triggers.push_back(m);
  }
  return triggers;
}

/// Conflicts as findings, so that --fail-on and SARIF see them.
void AddConflictFindings(const sim::SimulationReport& report, const sim::Workload& w,
                         std::vector<ir::Diagnostic>& out) {
  for (const sim::ConflictGroup& g : report.conflict_groups) {
    std::string file;
    ir::SourceRange where;
    for (const sim::WorkloadDag& d : w.dags) {
      for (const sched::TaskPlan& t : d.plan.tasks) {
        if (file.empty() && d.plan.dag_id + "." + t.task_id == g.first_task) {
          file = d.plan.file;
          where = t.source->where;
        }
      }
    }
    out.push_back(ir::MakeDiagnostic(
        "DP310", file, where,
        fmt::format("{} and {} share {} {} ({:.0f}% of {} replays, {:.1f} instance "
                    "pairs per replay)",
                    g.first_task, g.second_task, g.pattern,
                    g.example.host == "shared" ? "as a global resource" : "on one worker",
                    g.probability * 100, report.replays, g.per_replay),
        g.fix));
  }
}

}  // namespace

void AddSimulateOptions(po::options_description& options) {
  options.add_options()("executor,e", po::value<std::string>()->default_value("celery"),
                        "local, celery, kubernetes or ecs")(
      "mwaa-class", po::value<std::string>(),
      "MWAA environment class (mw1.micro ... mw1.2xlarge): tasks per worker, autoscaling, prices")(
      "workers", po::value<int>(), "Celery workers at the start (MWAA: min workers)")(
      "max-workers", po::value<int>(), "Celery workers at most (autoscaling above --workers)")(
      "worker-concurrency", po::value<int>(), "task slots per Celery worker (default 16)")(
      "placement", po::value<std::string>()->default_value("random"),
      "which Celery worker takes a task: random (a free slot of a random worker), pack, spread")(
      "slots", po::value<int>(), "local executor: slots of the one host (default 32)")(
      "parallelism", po::value<int>(), "core.parallelism per scheduler (default 32)")(
      "schedulers", po::value<int>(), "schedulers (default 2, as MWAA)")(
      "max-tis-per-query", po::value<int>(), "task instances queued per scheduler loop (16)")(
      "pool", po::value<std::vector<std::string>>()->composing(),
      "a pool's size, NAME=SLOTS (repeatable; default_pool=128)")(
      "start", po::value<std::string>(),
      "horizon start, UTC (default: after the latest start_date)")(
      "days", po::value<int>()->default_value(1), "horizon length in days")(
      "catchup", po::bool_switch(),
      "the DAGs are switched on at --start: catchup=True DAGs first run the intervals they missed")(
      "trigger", po::value<std::vector<std::string>>()->composing(),
      "a manual run, DAG_ID[@TIME] (repeatable; TIME defaults to --start)")(
      "durations", po::value<std::string>(),
      "task durations from history: {\"dag.task\": {\"mean\": s, \"p95\": s}} (docs/simulate.md)")(
      "prices", po::value<std::string>(), "prices JSON overriding the defaults (docs/simulate.md)")(
      "config", po::value<std::string>(),
      "dagport.json with a \"simulate\" section (default: dagport.json in the one folder)")(
      "seed", po::value<uint64_t>()->default_value(1), "random seed")(
      "replays", po::value<int>()->default_value(1),
      "replay the horizon with this many seeds; conflicts get a probability")(
      "format,f", po::value<std::string>()->default_value("text"),
      "text, json, csv (per attempt), html, wfformat, trace (event lines) or sarif")(
      "output,o", po::value<std::string>(), "write the report to this file instead of stdout")(
      "plugins", po::value<std::vector<std::string>>()->composing(),
      "an Airflow plugins folder (default: plugins/ inside or beside each folder)");
  AddAnalysisOptions(options);
}

int RunSimulate(const po::variables_map& vm) {
  if (!vm.count("paths")) throw UsageError("name a DAG folder, DAG files, or an IR JSON file");
  const std::string format =
      FormatOption(vm, {"text", "json", "csv", "html", "wfformat", "trace", "sarif"});
  std::vector<std::string> paths = vm["paths"].as<std::vector<std::string>>();
  std::vector<ir::Diagnostic> diagnostics;
  const ir::Project project = LoadProject(vm, paths, diagnostics);
  sim::Settings settings = SettingsFrom(vm, project);

  std::string config_path;
  std::error_code ec;
  if (vm.count("config")) {
    config_path = vm["config"].as<std::string>();
  } else if (paths.size() == 1 && fs::is_directory(paths[0], ec) &&
             fs::exists(fs::path(paths[0]) / "dagport.json", ec)) {
    config_path = (fs::path(paths[0]) / "dagport.json").string();
  }
  sim::SimulateConfig config;
  if (!config_path.empty()) {
    const std::string text = ReadOrFail(config_path, "configuration");
    try {
      config = sim::ParseSimulateConfig(text);
    } catch (const std::runtime_error& e) {
      throw UsageError(fmt::format("{}:{}", config_path, e.what()));
    }
  }
  for (const auto& [pool, slots] : config.pools) {
    if (pool == "default_pool") {
      if (!vm.count("pool") ||
          settings.default_pool_slots == sim::DefaultSettings().default_pool_slots)
        settings.default_pool_slots = slots;
    } else {
      settings.pools.try_emplace(pool, slots);  // --pool wins
    }
  }
  settings.global_resources = config.global_resources;

  sim::Durations durations;
  if (vm.count("durations")) {
    const std::string path = vm["durations"].as<std::string>();
    const std::string text = ReadOrFail(path, "durations file");
    try {
      durations = sim::Durations::Parse(text);
    } catch (const std::runtime_error& e) {
      throw UsageError(fmt::format("{}:{}", path, e.what()));
    }
  }

  const sim::Workload workload = sim::BuildWorkload(
      project, settings, durations, Triggers(vm, settings.start), config.footprints, diagnostics);
  // A replay keeps every task instance and try of the horizon in memory (about 150 bytes each,
  // per replay running at once): refuse what would not fit rather than fail half-way.
  constexpr size_t kMaxTaskInstances = 10'000'000;
  if (workload.task_instances > kMaxTaskInstances) {
    throw UsageError(fmt::format(
        "the horizon holds {} task instances; at most {} can be simulated at once: shorten --days "
        "(or simulate fewer DAGs)",
        workload.task_instances, kMaxTaskInstances));
  }
  if (vm.count("durations")) {
    std::vector<std::string> keys;
    for (const sim::WorkloadDag& d : workload.dags)
      for (const sched::TaskPlan& t : d.plan.tasks) keys.push_back(d.plan.dag_id + "." + t.task_id);
    for (const std::string& key : durations.UnusedKeys(keys)) {
      diagnostics.push_back(ir::MakeDiagnostic("DP306", vm["durations"].as<std::string>(), {},
                                               fmt::format("\"{}\" names no simulated task", key),
                                               "Check the dag_id and task_id."));
    }
  }
  sim::SimulationResult first;
  const sim::SimulationReport report =
      sim::RunReplays(workload, settings.seed, settings.replays, JobsOption(vm), &first);
  AddConflictFindings(report, workload, diagnostics);
  if (report.never_queued > 0) {
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP311", "", {},
        fmt::format("{} task instances were never queued: pool_slots exceed their pool",
                    report.never_queued),
        "Enlarge the pool or lower pool_slots."));
  }

  std::string text;
  if (format == "text") text = sim::RenderText(report);
  if (format == "json") text = sim::RenderJson(report).dump(2) + "\n";
  if (format == "csv") text = sim::RenderCsv(workload, first);
  if (format == "html") text = sim::RenderHtml(report, workload, first);
  if (format == "wfformat") text = sim::RenderWfFormat(workload, first).dump(2) + "\n";
  if (format == "trace") text = sim::RenderTrace(workload, first);
  if (format == "sarif") text = ir::RenderSarif(diagnostics, DAGPORT_VERSION).dump(2) + "\n";
  if (vm.count("output")) {
    if (!WriteOrReport(vm["output"].as<std::string>(), text, ColorOption(vm, STDERR_FILENO)))
      return kExitUsage;
  } else {
    std::cout << text;
    std::cout.flush();
  }
  ir::SourceLineCache lines;
  if (format != "sarif") {
    std::cerr << ir::RenderText(diagnostics, lines.AsLookup(),
                                {.color = ColorOption(vm, STDERR_FILENO)});
  }
  std::cerr << fmt::format(
      "simulated {} task instances of {} DAGs over {} day{} ({} replay{}); "
      "{} conflict{}\n",
      report.task_instances, report.dags, settings.days, settings.days == 1 ? "" : "s",
      report.replays, report.replays == 1 ? "" : "s", report.conflicts.size(),
      report.conflicts.size() == 1 ? "" : "s");
  return ExitCodeFor(vm, diagnostics);
}

}  // namespace dagport::cli
