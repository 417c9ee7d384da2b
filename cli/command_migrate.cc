// `dagport migrate LEGACY_DIR -o OUT`: inspect, convert and simulate a legacy DAG folder and
// write the pre-cut-over report (docs/migrate.md).
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "ir/diagnostic_render.h"
#include "migrate/migration.h"
#include "migrate/report.h"
#include "sched/clock.h"
#include "simulator/settings.h"

namespace dagport::cli {

namespace fs = std::filesystem;

namespace {

/// A one-line progress bar on a terminal: files, then simulation replays.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() { Clear(); }

  void Show(const migrate::Progress& p) {
    if (!enabled_) return;
    std::string line;
    if (p.total > 0) {
      constexpr size_t kWidth = 24;
      const size_t filled = p.done * kWidth / p.total;
      line = fmt::format("[{}] {:<8} {}{} {}/{} {}", "dagport migrate", p.stage,
                         std::string(filled, '#'), std::string(kWidth - filled, '.'), p.done,
                         p.total, p.what);
    } else {
      line = fmt::format("[{}] {:<8} {} files  {}", "dagport migrate", p.stage, p.done, p.what);
    }
    const size_t width = Width();
    if (line.size() > width) {
      size_t cut = width - 3;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      line = line.substr(0, cut) + "...";
    }
    std::cerr << "\r\033[K" << line << std::flush;
    shown_ = true;
  }

  /// The terminal's width (80 when unknown), so that the line never wraps.
  static size_t Width() {
    winsize ws{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col - 1;
    return 79;
  }

  void Clear() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
};

bool Inside(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(inner, ec);
  const fs::path b = fs::weakly_canonical(outer, ec);
  auto i = a.begin();
  for (auto o = b.begin(); o != b.end(); ++o, ++i) {
    if (i == a.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

void AddMigrateOptions(po::options_description& options) {
  options.add_options()("output,o", po::value<std::string>(),
                        "the output folder: dags/, plugins/, containers/, requirements.txt and "
                        "report.html, report.json, report.md")(
      "airflow-version", po::value<std::string>()->default_value("2.10.3"),
      "the Airflow 2 version to convert for (an MWAA version)")(
      "target", po::value<std::string>()->default_value("ecs"),
      "where container tasks run: ecs, kubernetes or docker")(
      "mwaa-class", po::value<std::string>()->default_value("mw1.small"),
      "the MWAA environment class simulated (mw1.micro ... mw1.2xlarge)")(
      "days", po::value<int>()->default_value(1), "simulated horizon in days")(
      "replays", po::value<int>()->default_value(16),
      "replays per scenario (conflicts get a probability)")(
      "seed", po::value<uint64_t>()->default_value(1), "the first replay's random seed")(
      "config", po::value<std::string>(),
      "dagport.json (containers, simulate); default: dagport.json in LEGACY_DIR")(
      "durations", po::value<std::string>(), "task durations from history (docs/simulate.md)")(
      "days-ago-from", po::value<std::string>(),
      "the date (YYYY-MM-DD) days_ago(n) counts back from (default: today)")(
      "keep-subdags", po::bool_switch(),
      "keep SubDagOperators (by default one whose factory is in the same file becomes a "
      "TaskGroup)")("json", po::bool_switch(),
                    "print the JSON report on stdout instead of the summary")(
      "fail-on", po::value<std::string>()->default_value("never"),
      "exit 1 when a DAG is blocked (blocked) or not ready (review); never")(
      "jobs,j", po::value<unsigned>()->default_value(0), "threads (0: one per core)")(
      "color", po::value<std::string>()->default_value("auto"), "colour: auto, always, never");
}

int RunMigrate(const po::variables_map& vm) {
  if (!vm.count("paths") || vm["paths"].as<std::vector<std::string>>().size() != 1)
    throw UsageError("name one legacy DAG folder");
  if (!vm.count("output")) throw UsageError("name the output folder with -o OUT");
  migrate::MigrateOptions options;
  options.legacy_dir = vm["paths"].as<std::vector<std::string>>()[0];
  options.output = vm["output"].as<std::string>();
  std::error_code ec;
  if (!fs::is_directory(options.legacy_dir, ec))
    throw UsageError(
        fmt::format("'{}' is not a folder: name the legacy DAG folder (the one "
                    "holding dags/ and plugins/, or the DAG folder itself)",
                    options.legacy_dir));
  if (Inside(options.output, options.legacy_dir) || Inside(options.legacy_dir, options.output))
    throw UsageError(
        fmt::format("the output folder {} overlaps the legacy folder {}: choose "
                    "one outside it",
                    options.output, options.legacy_dir));
  const std::string version = vm["airflow-version"].as<std::string>();
  auto parsed = converters::airflow2::AirflowVersion::Parse(version);
  if (!parsed || !converters::airflow2::Api::Get().IsTarget(*parsed)) {
    throw UsageError(fmt::format("--airflow-version {} is not one dagport converts to ({})",
                                 version,
                                 fmt::join(converters::airflow2::Api::Get().targets(), ", ")));
  }
  options.airflow_version = *parsed;
  const std::string target = vm["target"].as<std::string>();
  auto t = converters::containers::ParseTarget(target);
  if (!t) throw UsageError("--target takes ecs, kubernetes or docker, not '" + target + "'");
  options.target = *t;
  options.mwaa_class = vm["mwaa-class"].as<std::string>();
  if (!simulator::FindMwaaClass(options.mwaa_class)) {
    throw UsageError(fmt::format("unknown --mwaa-class '{}' (one of: {})", options.mwaa_class,
                                 fmt::join(simulator::MwaaClassNames(), ", ")));
  }
  options.days = vm["days"].as<int>();
  if (options.days < 1 || options.days > 366) throw UsageError("--days is between 1 and 366");
  options.replays = vm["replays"].as<int>();
  if (options.replays < 1 || options.replays > 10000)
    throw UsageError("--replays is between 1 and 10000");
  options.seed = vm["seed"].as<uint64_t>();
  if (vm.count("config")) options.config = vm["config"].as<std::string>();
  if (vm.count("durations")) options.durations = vm["durations"].as<std::string>();
  options.keep_subdags = vm["keep-subdags"].as<bool>();
  if (vm.count("days-ago-from")) {
    options.days_ago_from = vm["days-ago-from"].as<std::string>();
    sched::Millis day = 0;
    if (!sched::ParseIsoDate(options.days_ago_from, &day) ||
        sched::FormatDs(day) != options.days_ago_from)
      throw UsageError("--days-ago-from takes a date as YYYY-MM-DD, not '" + options.days_ago_from +
                       "'");
  }
  const std::string fail_on = vm["fail-on"].as<std::string>();
  if (fail_on != "blocked" && fail_on != "review" && fail_on != "never")
    throw UsageError("--fail-on takes blocked, review or never, not '" + fail_on + "'");
  options.jobs = JobsOption(vm);

  migrate::Migration m;
  {
    ProgressBar bar(isatty(STDERR_FILENO) != 0);
    try {
      m = migrate::RunMigration(options, [&](const migrate::Progress& p) { bar.Show(p); });
    } catch (const std::runtime_error& e) {
      bar.Clear();
      std::cerr << "dagport migrate: " << e.what()
                << (std::string(e.what()).ends_with('\n') ? "" : "\n");
      return kExitUsage;
    }
  }
  const fs::path out(options.output);
  const nlohmann::ordered_json json = migrate::RenderJson(m);
  // A path that is not UTF-8 is written with U+FFFD in its place rather than failing the report.
  const std::string json_text =
      json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  const bool color = ColorOption(vm, STDERR_FILENO);
  if (!WriteOrReport((out / "report.json").string(), json_text, color) ||
      !WriteOrReport((out / "report.md").string(), migrate::RenderMarkdown(m), color) ||
      !WriteOrReport((out / "report.html").string(), migrate::RenderHtml(m), color))
    return kExitUsage;
  std::vector<ir::Diagnostic> shown;
  for (const ir::Diagnostic& d : m.diagnostics)
    if (d.severity != ir::Severity::kInfo) shown.push_back(d);
  if (!vm["json"].as<bool>()) {
    // Findings name files relative to the legacy folder; the line cache reads them from there.
    std::vector<ir::Diagnostic> located = shown;
    for (ir::Diagnostic& d : located) {
      if (!d.file.empty() && !d.file.starts_with("OUT/") && fs::path(d.file).is_relative())
        d.file = (fs::path(options.legacy_dir) / d.file).string();
      if (d.file.starts_with("OUT/")) d.file = (out / d.file.substr(4)).string();
    }
    std::cerr << ir::RenderTextFromFiles(located, options.jobs,
                                         {.color = ColorOption(vm, STDERR_FILENO)});
    std::cout << migrate::RenderSummary(m);
    if (m.dags.empty())
      std::cerr << fmt::format("dagport migrate: no DAG found in {}\n", options.legacy_dir);
    const fs::path dags = fs::is_directory(out / "dags", ec) ? out / "dags" : out;
    std::cout << fmt::format("Report: {} (also report.md, report.json); converted DAGs in {}\n",
                             (out / "report.html").string(), dags.string());
  } else {
    std::cout << json_text;
  }
  const migrate::ReadinessTotals totals = migrate::TotalsOf(m);
  if (fail_on == "blocked" && totals.blocked > 0) return kExitFindings;
  if (fail_on == "review" && totals.ready < totals.dags) return kExitFindings;
  return kExitOk;
}

}  // namespace dagport::cli
