// The table of subcommands. Each available command lives in its own file (command_<name>.cc).
#include <array>

#include "cli/command.h"

namespace dagport::cli {

void AddInspectOptions(po::options_description& options);
int RunInspect(const po::variables_map& vm);
void AddGraphOptions(po::options_description& options);
int RunGraph(const po::variables_map& vm);
void AddConvertOptions(po::options_description& options);
int RunConvert(const po::variables_map& vm);
void AddSimulateOptions(po::options_description& options);
int RunSimulate(const po::variables_map& vm);
void AddRunOptions(po::options_description& options);
int RunRun(const po::variables_map& vm);
void AddRunsOptions(po::options_description& options);
int RunRuns(const po::variables_map& vm);
void AddLogsOptions(po::options_description& options);
int RunLogs(const po::variables_map& vm);
void AddMigrateOptions(po::options_description& options);
int RunMigrate(const po::variables_map& vm);

const std::array kCommands = {
    CommandSpec{"inspect",
                "analyse DAG files statically and summarise their DAGs, tasks and findings",
                "PATH... [options]", AddInspectOptions, "paths", RunInspect},
    CommandSpec{"graph", "draw one DAG of a file as Graphviz dot or Mermaid",
                "DAG_FILE [--dag ID] [--format dot|mermaid]", AddGraphOptions, "paths", RunGraph},
    CommandSpec{
        "convert",
        "rewrite Airflow 1.x DAG files for Airflow 2 (MWAA), keeping the rest of each file intact",
        "PATH... -o OUT [options]", AddConvertOptions, "paths", RunConvert},
    CommandSpec{"simulate",
                "replay DAG runs under executor models: conflicts, makespan, queueing, cost",
                "PATH... [options]", AddSimulateOptions, "paths", RunSimulate},
    CommandSpec{"run", "run a DAG of converted pipelines locally, every task isolated",
                "PATH [--dag ID] [--date D] [options]", AddRunOptions, "paths", RunRun},
    CommandSpec{"runs", "list the runs `dagport run` recorded, or show one",
                "[list | show RUN_ID] [--state FILE]", AddRunsOptions, "paths", RunRuns},
    CommandSpec{"logs", "print the log of a task's try from a `dagport run`",
                "RUN_ID TASK_ID [--attempt N] [--follow] [--state FILE]", AddLogsOptions, "paths",
                RunLogs},
    CommandSpec{
        "migrate",
        "inspect, convert and simulate a legacy DAG folder and write the pre-cut-over report",
        "LEGACY_DIR -o OUT [options]", AddMigrateOptions, "paths", RunMigrate},
};

std::span<const CommandSpec> Commands() {
  return kCommands;
}

}  // namespace dagport::cli
