// `dagport runs [list | show RUN_ID]` and `dagport logs RUN_ID TASK_ID [--attempt N]
// [--follow]`: what `dagport run` recorded in its state file, read while a run may be writing.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "runtime/state_store.h"

namespace dagport::cli {

namespace {

void AddStateOption(po::options_description& options) {
  options.add_options()("state", po::value<std::string>()->default_value(".dagport/state.sqlite"),
                        "the state file `dagport run` wrote")(
      "dag", po::value<std::string>(), "the DAG of the run (when several DAGs have that run id)");
}

/// The run RUN_ID (of --dag, when given); nullopt after printing why.
std::optional<runtime::StoredRun> FindRun(runtime::StateStore& state, const po::variables_map& vm,
                                          const std::string& run_id) {
  std::vector<runtime::StoredRun> runs = state.FindRunsById(run_id);
  if (vm.count("dag")) {
    std::erase_if(
        runs, [&](const runtime::StoredRun& r) { return r.dag_id != vm["dag"].as<std::string>(); });
  }
  if (runs.size() == 1) return runs[0];
  if (runs.empty()) {
    std::cerr << fmt::format("dagport: error: no run '{}' in {} (`dagport runs list`)\n", run_id,
                             vm["state"].as<std::string>());
  } else {
    std::vector<std::string> dags;
    for (const auto& r : runs) dags.push_back(r.dag_id);
    std::cerr << fmt::format(
        "dagport: error: several DAGs have a run '{}' ({}): choose with --dag\n", run_id,
        fmt::join(dags, ", "));
  }
  return std::nullopt;
}

runtime::StateStore Open(const po::variables_map& vm) {
  return runtime::StateStore(vm["state"].as<std::string>(), runtime::StateStore::Mode::kReadOnly);
}

}  // namespace

void AddRunsOptions(po::options_description& options) {
  AddStateOption(options);
}

int RunRuns(const po::variables_map& vm) {
  std::vector<std::string> args;
  if (vm.count("paths")) args = vm["paths"].as<std::vector<std::string>>();
  const std::string verb = args.empty() ? "list" : args[0];
  if (verb != "list" && verb != "show")
    throw UsageError("use `dagport runs list` or `dagport runs show RUN_ID`");
  if (verb == "show" && args.size() != 2) throw UsageError("`dagport runs show` takes one RUN_ID");
  try {
    runtime::StateStore state = Open(vm);
    if (verb == "list") {
      std::cout << fmt::format("{:<40} {:<28} {:<9} {:<23} {}\n", "run_id", "dag_id", "state",
                               "start", "end");
      for (const runtime::StoredRun& r : state.Runs()) {
        std::cout << fmt::format("{:<40} {:<28} {:<9} {:<23} {}\n", r.run_id, r.dag_id, r.state,
                                 r.start, r.end);
      }
      return kExitOk;
    }
    const std::string& run_id = args[1];
    auto run = FindRun(state, vm, run_id);
    if (!run) return kExitUsage;
    std::cout << fmt::format("{} {}: {} (logical date {}, {} to {})\n", run->dag_id, run->run_id,
                             run->state, run->logical_date, run->start,
                             run->end.empty() ? "now" : run->end);
    for (const runtime::StoredTaskInstance& ti : state.TaskInstances(run->key())) {
      std::cout << fmt::format("  {:<32} {:<16} tries {}\n", ti.task_id, ti.state, ti.try_number);
    }
    for (const runtime::StateStore::StoredTry& t : state.Tries(run->key())) {
      std::cout << fmt::format("    {} try {}: {} {} -> {} exit {}  {}\n", t.task_id, t.try_number,
                               t.state, t.start, t.end, t.exit_code, t.log_path);
    }
    return kExitOk;
  } catch (const runtime::StateError& e) {
    std::cerr << "dagport: error: " << e.what() << "\n";
    return kExitUsage;
  }
}

void AddLogsOptions(po::options_description& options) {
  options.add_options()("attempt", po::value<int>(), "the try to show (default: the last)")(
      "follow,f", po::bool_switch(), "keep printing what the try writes until it ends");
  AddStateOption(options);
}

int RunLogs(const po::variables_map& vm) {
  std::vector<std::string> args;
  if (vm.count("paths")) args = vm["paths"].as<std::vector<std::string>>();
  if (args.size() != 2) throw UsageError("`dagport logs` takes RUN_ID TASK_ID");
  try {
    runtime::StateStore state = Open(vm);
    const auto run = FindRun(state, vm, args[0]);
    if (!run) return kExitUsage;
    auto find = [&]() -> std::optional<runtime::StateStore::StoredTry> {
      std::optional<runtime::StateStore::StoredTry> found;
      for (const auto& t : state.Tries(run->key())) {
        if (t.task_id != args[1]) continue;
        if (vm.count("attempt") ? t.try_number == vm["attempt"].as<int>()
                                : (!found || t.try_number > found->try_number))
          found = t;
      }
      return found;
    };
    auto t = find();
    if (!t) {
      std::cerr << fmt::format("dagport: error: no try of {} in run {} (`dagport runs show {}`)\n",
                               args[1], args[0], args[0]);
      return kExitUsage;
    }
    std::ifstream in(t->log_path);
    if (!in) {
      std::cerr << fmt::format("dagport: error: cannot read the log {}\n", t->log_path);
      return kExitUsage;
    }
    std::string line;
    for (;;) {
      while (std::getline(in, line)) std::cout << line << "\n";
      std::cout.flush();
      if (!vm["follow"].as<bool>()) break;
      auto now = find();
      if (now && !now->end.empty()) {
        in.clear();
        while (std::getline(in, line)) std::cout << line << "\n";
        break;
      }
      in.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return kExitOk;
  } catch (const runtime::StateError& e) {
    std::cerr << "dagport: error: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace dagport::cli
