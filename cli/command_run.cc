// `dagport run PATH`: runs one DAG of converted (or legacy) DAG files on this machine, every
// try in its own sandbox, state in SQLite (docs/runtime.md).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/common_options.h"
#include "ir/diagnostic_render.h"
#include "ir/ir_json.h"
#include "parser/project_analyzer.h"
#include "runtime/backfill.h"
#include "runtime/local_run.h"

namespace dagport::cli {

namespace fs = std::filesystem;

void AddRunOptions(po::options_description& options) {
  options.add_options()("dag", po::value<std::string>(),
                        "the dag_id to run (needed when PATH defines several)")(
      "date", po::value<std::string>(),
      "the logical date of the run, YYYY-MM-DD[THH:MM] (default: today, midnight UTC)")(
      "start", po::value<std::string>(),
      "with --end: a backfill: one run per scheduled date from START to END, in order")(
      "end", po::value<std::string>(), "the last date of a backfill (inclusive)")(
      "resume", po::value<std::string>(),
      "continue the run RUN_ID of the state file (its DAG and date); successes are not run again")(
      "isolation", po::value<std::string>()->default_value("auto"),
      "auto (the strongest available), bwrap, unshare or process")(
      "state", po::value<std::string>()->default_value(".dagport/state.sqlite"),
      "the SQLite state file; running the same DAG and date again continues that run")(
      "home", po::value<std::string>()->default_value(".dagport"),
      "where logs/ and work/ are written")("memory-limit", po::value<size_t>()->default_value(0),
                                           "memory of each try's process tree in MB (a cgroup; "
                                           "else each process's address space), 0: none")(
      "max-processes", po::value<size_t>()->default_value(0),
      "processes each try may run at once (a cgroup's pids.max; else RLIMIT_NPROC), 0: none")(
      "statsd", po::value<std::string>(),
      "send StatsD metrics (Airflow's names, prefix airflow.) to HOST:PORT over UDP")(
      "metrics-file", po::value<std::string>(), "keep Prometheus text-format metrics in FILE")(
      "events-file", po::value<std::string>(), "append one JSON line per event to FILE")(
      "env-cache", po::value<std::string>(),
      "where container tasks' Python environments are built once and kept (default: "
      "HOME/envs)")("allow-network", po::bool_switch(),
                    "let tasks reach the network (bwrap and unshare cut it by default)")(
      "simulate-unsupported", po::bool_switch(),
      "mark tasks of operators the runtime cannot run as success (and say so)")(
      "plugins", po::value<std::vector<std::string>>()->composing(),
      "an Airflow plugins folder (default: plugins/ inside or beside each folder)");
  AddAnalysisOptions(options);
}

int RunRun(const po::variables_map& vm) {
  if (!vm.count("paths")) throw UsageError("name a DAG file or folder (or an IR JSON file)");
  const std::vector<std::string> paths = vm["paths"].as<std::vector<std::string>>();
  ir::Project project;
  const bool ir_json = paths.size() == 1 && fs::path(paths[0]).extension() == ".json";
  if (ir_json) {
    // The IR of `dagport inspect --format json`: its files' paths are where the DAG files
    // were (Python callables and .sh templates are read from there).
    const std::string text = ReadOrFail(paths[0], "IR file");
    try {
      project = ir::ProjectFromJson(ir::Json::parse(text));
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("{} is not dagport IR JSON: {}", paths[0], e.what()));
    }
  }
  parser::ProjectOptions options;
  options.paths = paths;
  if (vm.count("plugins")) options.plugin_dirs = vm["plugins"].as<std::vector<std::string>>();
  options.jobs = JobsOption(vm);
  options.limits.airflow_major = vm.count("airflow") && !vm["airflow"].defaulted()
                                     ? AirflowMajorOption(vm)
                                     : 2;  // converted pipelines use Airflow 2's imports
  if (!ir_json) {
    parser::AnalyzeProject(options, [&](ir::DagFile&& file, std::string&&) {
      project.files.push_back(std::move(file));
    });
  }
  // --resume RUN_ID: the DAG and the date come from the state file.
  std::optional<runtime::StoredRun> resumed;
  if (vm.count("resume")) {
    if (vm.count("date")) throw UsageError("--resume takes the date from the run: drop --date");
    try {
      runtime::StateStore peek(vm["state"].as<std::string>(), runtime::StateStore::Mode::kReadOnly);
      std::vector<runtime::StoredRun> runs = peek.FindRunsById(vm["resume"].as<std::string>());
      if (vm.count("dag")) {
        std::erase_if(runs, [&](const runtime::StoredRun& r) {
          return r.dag_id != vm["dag"].as<std::string>();
        });
      }
      if (runs.size() > 1)
        throw UsageError("several DAGs have a run " + vm["resume"].as<std::string>() +
                         ": choose one with --dag");
      if (runs.size() == 1) resumed = runs[0];
    } catch (const runtime::StateError& e) {
      throw UsageError(e.what());
    }
    if (!resumed) {
      throw UsageError(fmt::format("no run '{}' in {} (`dagport runs list`)",
                                   vm["resume"].as<std::string>(), vm["state"].as<std::string>()));
    }
  }
  const std::string wanted = resumed           ? resumed->dag_id
                             : vm.count("dag") ? vm["dag"].as<std::string>()
                                               : "";
  const ir::Dag* dag = nullptr;
  std::string file;
  std::vector<std::string> ids;
  for (const ir::DagFile& f : project.files) {
    for (const ir::Dag& d : f.dags) {
      if (!d.parent_dag.empty()) continue;
      ids.push_back(d.dag_id);
      if (!wanted.empty() ? d.dag_id == wanted : dag == nullptr) {
        dag = &d;
        file = f.path;
      }
    }
  }
  if (dag == nullptr) {
    // Say why the files gave no DAG (a DAG id Airflow refuses, an import that raises, ...).
    std::vector<ir::Diagnostic> errors;
    for (const ir::DagFile& f : project.files) {
      for (const ir::Diagnostic& d : f.diagnostics)
        if (d.severity == ir::Severity::kError) errors.push_back(d);
    }
    ir::SourceLineCache lines;
    std::cerr << ir::RenderText(errors, lines.AsLookup(),
                                {.color = ColorOption(vm, STDERR_FILENO)});
  }
  if (!wanted.empty() && dag == nullptr) {
    throw UsageError(fmt::format("no DAG '{}' in {} (found: {})", wanted, fmt::join(paths, " "),
                                 fmt::join(ids, ", ")));
  }
  if (dag == nullptr) throw UsageError(fmt::format("no DAG in {}", fmt::join(paths, " ")));
  if (wanted.empty() && ids.size() > 1) {
    throw UsageError(fmt::format("{} define several DAGs: choose one with --dag ({})",
                                 fmt::join(paths, " "), fmt::join(ids, ", ")));
  }

  runtime::LocalRunOptions run;
  run.jobs = JobsOption(vm);
  // The runs to make: one (--date, --resume, today) or a backfill's (--start/--end).
  std::vector<sched::Millis> backfill;
  if (vm.count("start") || vm.count("end")) {
    if (!vm.count("start") || !vm.count("end"))
      throw UsageError("a backfill takes both --start and --end");
    if (vm.count("date") || resumed)
      throw UsageError("--start/--end is a backfill: drop --date and --resume");
    sched::Millis start = 0, end = 0;
    if (!sched::ParseIsoDate(vm["start"].as<std::string>(), &start) ||
        !sched::ParseIsoDate(vm["end"].as<std::string>(), &end))
      throw UsageError("--start and --end take 2025-01-01 or 2025-01-01T06:00");
    if (end < start) throw UsageError("--end is before --start");
    std::string error;
    backfill = runtime::ScheduledDates(*dag, start, end, &error);
    if (!error.empty()) throw UsageError(fmt::format("{}: {}", dag->dag_id, error));
    if (backfill.empty()) {
      throw UsageError(fmt::format("{} has no scheduled date from {} to {}", dag->dag_id,
                                   vm["start"].as<std::string>(), vm["end"].as<std::string>()));
    }
    run.logical_date = backfill.front();
  } else if (resumed) {
    if (!sched::ParseIsoDate(resumed->logical_date, &run.logical_date))
      throw UsageError("the state file holds an unreadable date for " + resumed->run_id);
    if (resumed->run_id.starts_with("backfill__")) backfill = {run.logical_date};
  } else if (vm.count("date")) {
    if (!sched::ParseIsoDate(vm["date"].as<std::string>(), &run.logical_date))
      throw UsageError("--date takes 2025-01-01 or 2025-01-01T06:00");
  } else {
    const sched::Millis now = static_cast<sched::Millis>(time(nullptr)) * 1000;
    run.logical_date = now / sched::kDay * sched::kDay;
  }
  std::string why;
  auto isolation = runtime::ChooseIsolation(vm["isolation"].as<std::string>(), &why);
  if (!isolation) throw UsageError(why);
  run.isolation = *isolation;
  run.home = vm["home"].as<std::string>();
  run.simulate_unsupported = vm["simulate-unsupported"].as<bool>();
  run.memory_limit_mb = vm["memory-limit"].as<size_t>();
  run.max_processes = vm["max-processes"].as<size_t>();
  run.allow_network = vm["allow-network"].as<bool>();
  run.env_cache = vm.count("env-cache") ? vm["env-cache"].as<std::string>()
                                        : (fs::path(run.home) / "envs").string();
  // Callables import from the DAG's folder and the plugins folders, as Airflow's sys.path has.
  run.python_path.push_back(fs::absolute(file).parent_path().string());
  for (const std::string& p : paths) {
    std::error_code dir_ec;
    const fs::path path = fs::absolute(p).lexically_normal();
    const fs::path folder = fs::is_directory(path, dir_ec)
                                ? (path.filename().empty() ? path.parent_path() : path)
                                : path.parent_path();
    for (const fs::path& plugins : {folder / "plugins", folder.parent_path() / "plugins"}) {
      if (fs::is_directory(plugins, dir_ec))
        run.python_path.push_back(fs::absolute(plugins).string());
    }
  }
  std::vector<std::unique_ptr<runtime::RunObserver>> observers;
  try {
    if (vm.count("statsd"))
      observers.push_back(runtime::MakeStatsdObserver(vm["statsd"].as<std::string>()));
    if (vm.count("metrics-file"))
      observers.push_back(runtime::MakePrometheusFile(vm["metrics-file"].as<std::string>()));
    if (vm.count("events-file"))
      observers.push_back(runtime::MakeJsonLinesFile(vm["events-file"].as<std::string>()));
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  for (auto& o : observers) run.observers.push_back(o.get());
  run.progress = &std::cerr;
  run.live_status = isatty(STDERR_FILENO) != 0;  // plain lines when piped
  const std::string state_path = vm["state"].as<std::string>();
  std::error_code ec;
  if (fs::path(state_path).has_parent_path())
    fs::create_directories(fs::path(state_path).parent_path(), ec);
  try {
    runtime::StateStore state(state_path);
    fs::create_directories(run.home, ec);  // once the state is known good: nothing left otherwise
    if (backfill.empty())
      backfill = {run.logical_date};
    else
      run.run_type = "backfill";
    std::cerr << fmt::format(
        "dagport run: {} {}{} ({}), isolation {}, state {}\n", dag->dag_id,
        sched::FormatIso(backfill.front()),
        backfill.size() > 1
            ? fmt::format(" to {}, {} runs", sched::FormatIso(backfill.back()), backfill.size())
            : "",
        file, runtime::IsolationName(run.isolation), state_path);
    // A backfill runs its dates in order, one after the other (a failed run does not stop the
    // next; depends_on_past holds its tasks back), as `airflow dags backfill` does.
    size_t failed = 0;
    for (const sched::Millis date : backfill) {
      run.logical_date = date;
      const runtime::LocalRunResult result = runtime::RunLocally(*dag, file, state, run);
      failed += result.success ? 0 : 1;
      std::cout << fmt::format("{} {}: {}{}\n", dag->dag_id, result.run_id,
                               result.success ? "success" : "failed",
                               result.resumed ? " (continued)" : "");
      for (const runtime::TaskSummary& t : result.tasks) {
        std::cout << fmt::format("  {:<32} {:<16} tries {}  {:>7.1f} s  {}\n", t.task_id, t.state,
                                 t.tries, t.seconds, t.note);
      }
      std::cout << "logs: " << result.log_dir << "\n";
    }
    if (backfill.size() > 1) {
      std::cout << fmt::format("backfill: {} runs, {} succeeded, {} failed\n", backfill.size(),
                               backfill.size() - failed, failed);
    }
    return failed == 0 ? kExitOk : kExitFindings;
  } catch (const runtime::StateError& e) {
    std::cerr << "dagport: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::runtime_error& e) {
    std::cerr << fmt::format("dagport: error: {}: {}\n", file, e.what());
    return kExitUsage;
  }
}

}  // namespace dagport::cli
