#pragma once
/// `dagport migrate`: the pre-cut-over workflow on one legacy DAG folder. It inspects every DAG
/// file, converts the folder to Airflow 2 with its virtualenv-operator tasks turned into
/// container tasks (written under the output folder), and simulates three scenarios on one
/// horizon and the same seeds: the legacy DAGs on the Kubernetes executor (where they came
/// from), lifted and shifted onto MWAA's Celery workers, and converted on MWAA with their
/// container tasks on ECS. The result is what the reports (migrate/report.h) render.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "converters/airflow2/api_data.h"
#include "converters/airflow2/project_converter.h"
#include "converters/containers/container_config.h"
#include "ir/diagnostic.h"
#include "ir/graph.h"
#include "simulator/report.h"

namespace dagport::migrate {

struct MigrateOptions {
  std::string legacy_dir;
  std::string output;
  converters::airflow2::AirflowVersion airflow_version;
  converters::containers::Target target = converters::containers::Target::kEcs;
  std::string mwaa_class = "mw1.small";
  int days = 1;
  int replays = 16;
  uint64_t seed = 1;
  /// dagport.json (containers and "simulate" sections); empty: LEGACY_DIR/dagport.json if any.
  std::string config;
  /// Task durations from history (docs/simulate.md); empty: the default table.
  std::string durations;
  /// The date days_ago(n) counts back from (YYYY-MM-DD); empty: today.
  std::string days_ago_from;
  /// Keep SubDagOperators instead of rewriting same-file factories into TaskGroups.
  bool keep_subdags = false;
  unsigned jobs = 1;
};

/// Where the work is, for a progress display.
struct Progress {
  std::string stage;  ///< "inspect", "convert", "simulate"
  size_t done = 0, total = 0;
  std::string what;  ///< the file or scenario being worked on
};
using ProgressFn = std::function<void(const Progress&)>;

/// How far a DAG is from running on Airflow 2.
enum class Readiness {
  kReady,    ///< converted (or fine as it was) with nothing left for a person
  kReview,   ///< converted; warnings to review before cut-over
  kBlocked,  ///< not converted, or an error a person must fix first
};
std::string_view ReadinessName(Readiness r);  ///< "ready", "review", "blocked"

struct DagReport {
  std::string dag_id;
  std::string file;  ///< relative to the legacy folder
  ir::SourceRange where;
  std::string parent_dag;  ///< a sub-DAG's parent
  Readiness readiness = Readiness::kReady;
  /// Why it is not ready (errors and warnings), and notes (infos), with files relative to the
  /// legacy folder; errors first, then by place.
  std::vector<ir::Diagnostic> reasons;
  std::string file_status;  ///< the conversion's status of its file (converted, unchanged, ...)
  std::string schedule;     ///< as written, or "@daily (1.x default)"
  size_t tasks = 0, edges = 0;
  std::vector<std::string> operators;        ///< class names, each once, sorted
  std::vector<std::string> container_tasks;  ///< task ids that became container tasks
  std::vector<std::string> environments;     ///< their environment ids, each once
  /// Conflicts involving its tasks: lifted and shifted onto MWAA, and once converted.
  size_t conflicts_mwaa = 0, conflicts_converted = 0;
  const ir::Dag* legacy = nullptr;  ///< into Migration::legacy
};

/// One simulated scenario.
struct Scenario {
  std::string key;    ///< "kubernetes", "mwaa", "converted"
  std::string title;  ///< "Legacy DAGs on Kubernetes"
  std::string description;
  simulator::SimulationReport report;
  /// The horizon's cost per day, when every part of it has a price; `cost_note` says what
  /// it counts or why it is missing.
  std::optional<double> cost_per_day;
  std::string cost_note;
};

struct Migration {
  MigrateOptions options;
  std::string config_path;  ///< the dagport.json read; empty when none
  ir::Project legacy;
  ir::Project converted;  ///< the output folder analysed with Airflow 2's semantics
  converters::airflow2::ProjectResult conversion;
  std::vector<DagReport> dags;  ///< by file, then as the file defines them
  std::vector<Scenario> scenarios;
  /// What changed between the scenarios, and why, as sentences.
  std::vector<std::string> changes;
  /// Everything found: inspection, conversion and simulation, files relative to the legacy
  /// folder.
  std::vector<ir::Diagnostic> diagnostics;
  /// The findings of files that hold no DAG (helper modules, plugins), by file.
  std::vector<std::pair<std::string, std::vector<ir::Diagnostic>>> shared_files;
  /// Findings about no file in particular, or from walking the folder and simulating (pools
  /// without a size, DAGs not simulated, .airflowignore patterns), each once.
  std::vector<ir::Diagnostic> project_findings;
  /// Index into conversion.files by path relative to the legacy folder.
  std::map<std::string, size_t> file_index;

  Migration() = default;
  Migration(Migration&&) = default;
  Migration& operator=(Migration&&) = default;
  // DagReport::legacy points into `legacy`: a copy would point into the original.
  Migration(const Migration&) = delete;
  Migration& operator=(const Migration&) = delete;
};

/// Runs the workflow. Throws std::runtime_error for a configuration that cannot be read (the
/// message names the file, line and column), or an output folder that holds something other
/// than an earlier `dagport migrate` output (which is replaced).
Migration RunMigration(const MigrateOptions& options, const ProgressFn& progress = {});

/// `path` relative to the legacy folder when it is inside it, else as it is.
std::string RelativeTo(const std::string& root, const std::string& path);

}  // namespace dagport::migrate
