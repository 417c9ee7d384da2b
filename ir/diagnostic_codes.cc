// The table of diagnostic codes. docs/diagnostics.md explains each one; a test checks that the
// two agree.
#include <algorithm>
#include <array>
#include <stdexcept>

#include "ir/diagnostic.h"
#include "ir/secrets.h"

namespace dagport::ir {

namespace {

using enum Severity;

constexpr std::array kCodes = {
    // DP0xx: inputs, outputs and configuration, whatever the command.
    DiagnosticCode{"DP001", kError, "Cannot read input",
                   "A file or folder named on the command line, or found in a folder, could not "
                   "be read. Check that it exists and that you may read it."},
    DiagnosticCode{"DP002", kError, "Invalid .airflowignore pattern",
                   "A line of an .airflowignore file is not a valid regular expression. Airflow "
                   "1.10 would fail on it too; fix or remove the line."},
    DiagnosticCode{"DP003", kWarning, "Symbolic link loop",
                   "A folder is reached again through a symbolic link; it is walked once. Remove "
                   "the link or add it to .airflowignore."},
    DiagnosticCode{"DP004", kError, "Cannot write output",
                   "An output file or folder could not be written. Nothing partial is left behind; "
                   "choose a writable location."},
    DiagnosticCode{"DP005", kWarning, "Broken symbolic link",
                   "A symbolic link in a folder points to nothing; it is skipped, as Airflow "
                   "skips it. Fix or remove the link."},
    DiagnosticCode{"DP006", kError, "Two inputs, one output path",
                   "Two different input files would be written to the same output path (two "
                   "folders of the same name converted into one output folder). The second is "
                   "not converted; convert the folders separately."},
    // DP1xx: the parser and the graph it recovers.
    DiagnosticCode{
        "DP101", kError, "Syntax error",
        "The file is not valid Python 3. dagport analyses what it could recover; Airflow "
        "would not load the file at all. Fix the syntax at the marked place."},
    DiagnosticCode{"DP102", kError, "Python 2 syntax",
                   "The file uses Python 2 syntax (print statements, `except X, e`, backquotes). "
                   "Airflow 2 runs on Python 3 only: port the file (for example with `2to3`)."},
    DiagnosticCode{"DP103", kError, "Not a text file",
                   "The file is binary or not valid UTF-8, so it cannot be a Python source file "
                   "Airflow loads. Remove it from the DAG folder or list it in .airflowignore."},
    DiagnosticCode{"DP104", kError, "Input too large or too deep",
                   "The file exceeds a safety bound (size or nesting depth) and was analysed only "
                   "in part. Split the file."},
    DiagnosticCode{
        "DP105", kWarning, "Analysis bound reached",
        "A loop ran more iterations, calls nested deeper, or the file computed more than "
        "dagport follows statically; the rest of that loop, call or file was not analysed."},
    DiagnosticCode{
        "DP110", kWarning, "Task id not statically known",
        "A task's id depends on something only known when Airflow parses the file "
        "(Variable.get, os.environ, a call into a library). The task is reported with its "
        "id expression and \"dynamic\": true."},
    DiagnosticCode{
        "DP111", kInfo, "Condition or loop not statically known",
        "An if condition, loop or comprehension depends on a value not statically known: "
        "every branch was analysed, or the loop body once."},
    DiagnosticCode{"DP112", kInfo, "DAG not collected",
                   "A DAG is built but not bound to a module global, so Airflow's DagBag does not "
                   "collect it. Bind it to a global if it should run."},
    DiagnosticCode{"DP113", kInfo, "Module not analysed",
                   "A module imported by the file is not in the DAG folder or the plugins folder; "
                   "names from it are not analysed."},
    DiagnosticCode{"DP114", kInfo, "Import cycle",
                   "Local modules import each other; names defined after the cyclic import are not "
                   "visible at that point, as in Python."},
    DiagnosticCode{
        "DP115", kInfo, "Operator inferred",
        "Something dagport could not resolve is called with a task_id, so it is taken for "
        "an operator."},
    DiagnosticCode{"DP116", kWarning, "Task without a DAG",
                   "An operator is created without a DAG (no dag=, no enclosing with DAG, no "
                   "dependency on a task of a DAG): Airflow does not run it."},
    DiagnosticCode{
        "DP119", kWarning, "DAG id not statically known",
        "A DAG's id depends on something only known when Airflow parses the file; the DAG "
        "is reported with its id expression."},
    DiagnosticCode{
        "DP120", kWarning, "Name not defined",
        "A name is used that no statement defines; Airflow would fail to import the file "
        "with NameError (unless it comes from a wildcard import dagport cannot follow)."},
    DiagnosticCode{
        "DP121", kError, "Invalid dependency expression",
        "A dependency Airflow rejects at import time, such as list >> list or chain() of "
        "lists of different lengths."},
    DiagnosticCode{"DP122", kError, "Dependency across DAGs",
                   "Tasks of two DAGs are linked, or a task's DAG is changed; Airflow raises "
                   "AirflowException."},
    DiagnosticCode{"DP123", kWarning, "Dependency on something not a task",
                   "One side of a dependency is not a task dagport knows (a value not statically "
                   "known); that dependency is not in the graph."},
    DiagnosticCode{
        "DP124", kError, "Sub-DAG id mismatch",
        "A SubDagOperator's sub-DAG must be named <parent dag_id>.<task_id>; Airflow 1.10 "
        "raises AirflowException otherwise."},
    DiagnosticCode{
        "DP125", kError, "Airflow fails to import the file",
        "Running the file raises an exception in Airflow (for example \"Task is missing the "
        "start_date parameter\"), so DagBag loads nothing from it; its DAGs are reported "
        "as recovered_dags."},
    DiagnosticCode{
        "DP126", kWarning, "DAG id used twice",
        "Two DAGs of the file have the same dag_id; Airflow's DagBag keeps only the later "
        "one."},
    DiagnosticCode{
        "DP127", kError, "Invalid cron expression",
        "A DAG's schedule is a string that is neither an Airflow preset nor a valid cron "
        "expression; DagBag refuses the DAG."},
    DiagnosticCode{"DP128", kError, "DAG id defined in two files",
                   "Two files of the folder define DAGs with the same dag_id; Airflow 2's DagBag "
                   "loads the first and refuses the other (AirflowDagDuplicatedIdException). "
                   "Give each DAG its own id."},
    DiagnosticCode{"DP150", kError, "Cycle in DAG",
                   "The dependencies form a cycle; Airflow refuses the DAG with "
                   "AirflowDagCycleException. Remove one of the dependencies in the cycle."},
    DiagnosticCode{
        "DP151", kError, "Duplicate task id",
        "Two tasks of one DAG have the same task_id; Airflow raises DuplicateTaskIdFound. "
        "Give each task a unique id."},
    DiagnosticCode{"DP152", kError, "Invalid task or DAG id",
                   "Airflow accepts ids made of ASCII letters, digits, '_', '.' and '-', at most "
                   "250 characters. Rename the task or DAG."},
    DiagnosticCode{"DP153", kError, "Dependency on an unknown task",
                   "A dependency names a task that is not in the DAG. Check the task id or add the "
                   "task to the DAG."},
    // DP2xx: the converters.
    DiagnosticCode{"DP201", kError, "Argument the Airflow 2 class does not take",
                   "A keyword argument the target operator (or DAG) does not accept. Airflow 2 "
                   "refuses to load the DAG file (\"Invalid arguments were passed\"). Remove it or "
                   "use the parameter that replaced it."},
    DiagnosticCode{
        "DP202", kError, "No Airflow 2 successor",
        "The import names a class or module that was removed from Airflow 2 without a successor, "
        "or that does not import on the target version. Replace what it did."},
    DiagnosticCode{"DP203", kError, "Unknown plugin or package-level name",
                   "`from airflow.operators.<plugin> import X` or `from airflow.operators import "
                   "X` names neither an Airflow class nor one registered by a plugin of the "
                   "plugins folder. Pass the plugins folder, or import the class from its module."},
    DiagnosticCode{
        "DP204", kWarning, "SubDAG to rewrite as a TaskGroup",
        "SubDagOperator still runs on Airflow 2 but is deprecated (removed in Airflow 3) and holds "
        "a worker slot while its tasks wait. Rewrite the sub-DAG as a TaskGroup."},
    DiagnosticCode{"DP205", kWarning, "Needs a manual change",
                   "An Airflow 1.x construct whose Airflow 2 form cannot be derived mechanically "
                   "(TriggerDagRunOperator python_callable, SqlSensor allow_null, DockerOperator "
                   "volumes, KubernetesPodOperator resources, days_ago with a computed argument, "
                   "DAG arguments by position). The hint says what to write."},
    DiagnosticCode{"DP206", kWarning, "Removed template variable",
                   "A Jinja template uses a context variable Airflow 2.0 removed (end_date, "
                   "latest_date, tables): it renders empty. Use data_interval_start / "
                   "data_interval_end or the DAG run's conf."},
    DiagnosticCode{"DP207", kInfo, "Start date fixed",
                   "days_ago(n) was replaced by the fixed date it meant on the day of the "
                   "conversion. Check the date."},
    DiagnosticCode{
        "DP208", kInfo, "Deprecated successor",
        "The class converts to an Airflow 2 class that is itself deprecated in favour of another "
        "(PostgresOperator -> SQLExecuteQueryOperator). It works; moving removes a warning."},
    DiagnosticCode{"DP209", kError, "Conversion would change the DAGs",
                   "The converted file, parsed again, would not hold the same DAGs, tasks, "
                   "dependencies and operators as the original; it is not written. Convert it by "
                   "hand, and report the file to dagport."},
    DiagnosticCode{
        "DP210", kError, "File not converted",
        "The file could not be converted (a syntax error, Python 2, not UTF-8, or two rules "
        "editing the same code); it is neither converted nor copied. Fix it and convert again."},
    DiagnosticCode{"DP211", kWarning, "Import not checked",
                   "An Airflow import dagport cannot confirm against its API data (an inferred "
                   "mapping, a module Airflow 2.10 does not have, or a class moved to another "
                   "module than the one now imported). Check it."},
    DiagnosticCode{
        "DP212", kError, "DAG assigned with a bit-shift",
        "`dag >> task` (or `task << dag`) assigned a task to a DAG in Airflow 1.x; Airflow 2 "
        "removed it. Pass dag=... to the task or create it inside `with DAG(...)`."},
    DiagnosticCode{
        "DP213", kError, "Converted code does not match the Airflow 2 API",
        "The converted file imports a name the target Airflow does not define, or passes an "
        "operator an argument it does not take. Airflow 2 would not load the file."},
    DiagnosticCode{"DP214", kInfo, "Deprecated template variable",
                   "A Jinja template uses a context variable Airflow 2.2 deprecated "
                   "(execution_date, next_ds, ...). It still renders on Airflow 2; use "
                   "logical_date and data_interval_start / data_interval_end before Airflow 3."},
    DiagnosticCode{"DP215", kInfo, "SubDAG rewritten as a TaskGroup",
                   "A SubDagOperator whose factory is in the same file became a TaskGroup of the "
                   "parent DAG. Its tasks' ids now start with the group id; check what refers "
                   "to the sub-DAG by id."},
    DiagnosticCode{"DP216", kWarning, "DAG that only Airflow 2 loads",
                   "A DAG of the converted file that no module global holds, so Airflow 1.10 "
                   "did not load it, but that is used in a `with` block: Airflow 2.4+ registers "
                   "such DAGs (auto_register) and will schedule it."},
    DiagnosticCode{"DP220", kError, "Invalid container configuration",
                   "dagport.json (or the file --config names) is not valid JSON, has a key "
                   "dagport does not know, or a value of the wrong type. Nothing is converted "
                   "until it is fixed."},
    DiagnosticCode{"DP222", kWarning, "Virtualenv operator not rewritten",
                   "A custom operator builds a virtualenv or installs packages on the worker, but "
                   "dagport cannot tell which argument holds its command. Map the class in "
                   "dagport.json (containers.operators) to have its tasks rewritten."},
    DiagnosticCode{"DP223", kError, "Container task without a known environment",
                   "A container task's requirements are not statically known, so dagport builds "
                   "no image for them and the task fails when it starts. Write them as a literal "
                   "list or a module constant."},
    DiagnosticCode{"DP224", kWarning, "Argument removed from a container task",
                   "An argument of the virtualenv operator has no counterpart in the container "
                   "task (a project name, a venv path) and was removed. If the command reads it, "
                   "map it to an environment variable in dagport.json."},
    DiagnosticCode{"DP225", kWarning, "Deployment setting not configured",
                   "A container deployment setting (cluster, subnets, security groups, roles, "
                   "registry) is still a placeholder in the generated files. Set it in "
                   "dagport.json before deploying."},
    DiagnosticCode{"DP226", kWarning, "File handed over through the worker's disk",
                   "A task that becomes a container task reads a host path another task of its "
                   "DAG writes (or writes one another reads). In its own container it no longer "
                   "shares the worker's disk: hand the file over through S3 or XCom."},
    DiagnosticCode{"DP227", kWarning, "Callable not moved into a container",
                   "A PythonVirtualenvOperator task's callable cannot move into its container "
                   "(a lambda, a method, a function dagport cannot find), or it uses Airflow, "
                   "which the image does not have. The task stays as it is, or needs a look."},
    DiagnosticCode{"DP228", kInfo, "Wrapper kept under --no-wrapper",
                   "With --no-wrapper a container task is written as the target's operator "
                   "itself, but this call keeps ContainerTaskOperator: it runs a callable, asks "
                   "for its own size, or makes tasks of several or unknown environments."},
    DiagnosticCode{"DP229", kWarning, "Operator code not carried into the container",
                   "The container runs only the operator's command. What its execute() did "
                   "around it on the worker (a scratch file, a lock file) is not done in the "
                   "container; if the command needs it, the command must do it."},
    // DP3xx: the simulator.
    DiagnosticCode{"DP301", kInfo, "Setting simulated with Airflow's default",
                   "A scheduling setting of a task or DAG (retries, pool, priority_weight, ...) "
                   "is not known statically; the simulation uses Airflow's default for it."},
    DiagnosticCode{"DP302", kWarning, "DAG not simulated: schedule unknown",
                   "The DAG's schedule is not a literal dagport can read, so its runs cannot be "
                   "placed in time. Write it as a cron string, preset, timedelta or None."},
    DiagnosticCode{"DP303", kWarning, "DAG not simulated: Airflow would not load it",
                   "The file fails to import (or the DAG has a cycle), so Airflow would never "
                   "run this DAG. Fix the errors `dagport inspect` reports for the file."},
    DiagnosticCode{"DP304", kInfo, "Pool without a size",
                   "A task names a pool whose number of slots dagport does not know; the "
                   "simulation gives it default_pool's size. Give it with --pool NAME=SLOTS or "
                   "in the \"simulate\" section of dagport.json."},
    DiagnosticCode{"DP305", kError, "Unknown DAG in --trigger",
                   "--trigger names a dag_id that is not among the simulated DAGs."},
    DiagnosticCode{"DP306", kWarning, "Durations entry matches no task",
                   "A key of the durations file names no simulated task (\"dag_id.task_id\"). "
                   "Check its spelling; the entry is not used."},
    DiagnosticCode{"DP310", kWarning, "Shared-state conflict",
                   "Two task instances ran on the same host at the same time and touched the "
                   "same path, at least one of them writing or deleting it: the transient kind "
                   "of failure a shared Celery worker causes. Isolate the tasks in containers "
                   "(`dagport convert --containers ecs`) or give each instance its own path."},
    DiagnosticCode{"DP311", kWarning, "Task instances never queued",
                   "A task asks for more pool slots (pool_slots) than its pool has; Airflow "
                   "never queues it. Enlarge the pool or lower pool_slots."},
};

static_assert(std::is_sorted(kCodes.begin(), kCodes.end(),
                             [](const auto& a, const auto& b) { return a.code < b.code; }),
              "keep the diagnostic code table sorted");

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case kInfo: return "info";
    case kWarning: return "warning";
    case kError: return "error";
  }
  return "error";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {kInfo, kWarning, kError}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

std::span<const DiagnosticCode> AllDiagnosticCodes() {
  return kCodes;
}

const DiagnosticCode* FindDiagnosticCode(std::string_view code) {
  auto it =
      std::lower_bound(kCodes.begin(), kCodes.end(), code,
                       [](const DiagnosticCode& c, std::string_view k) { return c.code < k; });
  return it != kCodes.end() && it->code == code ? &*it : nullptr;
}

Diagnostic MakeDiagnostic(std::string_view code, std::string file, SourceRange where,
                          std::string message, std::string hint) {
  const DiagnosticCode* entry = FindDiagnosticCode(code);
  if (entry == nullptr) throw std::logic_error("unknown diagnostic code " + std::string(code));
  // A message may quote source: secret values in it are masked wherever it is shown.
  return Diagnostic{std::string(code),    entry->severity, std::move(file), where,
                    MaskSecrets(message), std::move(hint)};
}

}  // namespace dagport::ir
