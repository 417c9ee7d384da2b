// `dagport migrate` on the sample legacy folder: the converted tree, the three scenarios, the
// golden JSON report (deterministic seeds), the HTML report in headless Chromium, bad input.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunDagport;
using testing::TempDir;

/// Runs migrate on the sample from the source folder (so that the report names it
/// `samples/legacy_dags`), with fixed dates and seeds.
testing::CommandResult Migrate(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "migrate",         "samples/legacy_dags", "-o",        out.string(),
      "--days-ago-from", "2025-01-01",          "--replays", "8"};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunDagport(args, testing::SourceDir());
}

TEST(MigrateCli, SampleReportMatchesTheGoldenJson) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  auto r = Migrate(out, {"-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string report = testing::ReadFile(out / "report.json");
  testing::ExpectGolden("migrate/samples_legacy_dags.report.json", report);
  // One thread or two: the same report.
  const fs::path again = dir.path() / "again";
  auto r1 = Migrate(again, {"-j", "1", "--json"});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  EXPECT_EQ(testing::ReadFile(again / "report.json"), report);
  EXPECT_EQ(json::parse(r1.out), json::parse(report));
}

TEST(MigrateCli, WritesTheConvertedTreeAndTheThreeScenarios) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  auto r = Migrate(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f :
       {"dags/pricing_daily_scoring.py", "plugins/dagport_container.py", "containers/manifest.json",
        "containers/build.sh", "requirements.txt", "report.html", "report.md", "report.json"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  const json j = json::parse(testing::ReadFile(out / "report.json"));
  EXPECT_EQ(j["schema"], "dagport.migration/1");
  ASSERT_EQ(j["scenarios"].size(), 3u);
  EXPECT_EQ(j["scenarios"][0]["executor"], "kubernetes");
  EXPECT_EQ(j["scenarios"][1]["executor"], "celery");
  EXPECT_EQ(j["scenarios"][2]["executor"], "celery");
  // The venv conflicts: none on Kubernetes, some lifted and shifted, none converted.
  EXPECT_TRUE(j["scenarios"][0]["conflicts"].empty());
  EXPECT_FALSE(j["scenarios"][1]["conflicts"].empty());
  EXPECT_TRUE(j["scenarios"][2]["conflicts"].empty());
  // Same horizon: the same runs in every scenario.
  EXPECT_EQ(j["scenarios"][0]["runs"], j["scenarios"][2]["runs"]);
  EXPECT_EQ(j["scenarios"][0]["task_instances"], j["scenarios"][1]["task_instances"]);
  EXPECT_GT(j["scenarios"][2]["cost"]["fargate_per_day"].get<double>(),
            j["scenarios"][1]["cost"]["fargate_per_day"].get<double>());
  // Every DAG has a readiness, and the totals add up.
  const json& totals = j["totals"];
  EXPECT_EQ(totals["dags"], j["dags"].size());
  EXPECT_EQ(totals["ready"].get<int>() + totals["review"].get<int>() + totals["blocked"].get<int>(),
            totals["dags"].get<int>());
  bool container_dag = false;
  for (const json& d : j["dags"]) {
    const std::string readiness = d["readiness"];
    EXPECT_TRUE(readiness == "ready" || readiness == "review" || readiness == "blocked");
    if (readiness != "ready") {
      EXPECT_FALSE(d["reasons"].empty()) << d["dag_id"];
    }
    if (d["dag_id"] == "pricing_competitor_prices") {
      container_dag = true;
      EXPECT_EQ(d["container_tasks"].size(), 3u);
      EXPECT_GT(d["conflicts"]["mwaa"].get<int>(), 0);
      EXPECT_EQ(d["conflicts"]["converted"], 0);
    }
  }
  EXPECT_TRUE(container_dag);
  EXPECT_FALSE(j["changes"].empty());
  const std::string md = testing::ReadFile(out / "report.md");
  for (const char* heading : {"## Scenarios", "### What changed and why", "## Readiness", "## DAGs",
                              "## Container environments", "```diff"}) {
    EXPECT_NE(md.find(heading), std::string::npos) << heading;
  }
  EXPECT_NE(r.out.find("Report: "), std::string::npos);
}

TEST(MigrateCli, FailOnBlockedGatesCi) {
  TempDir dir;
  // The sample has one blocked DAG (a TriggerDagRunOperator python_callable Airflow 2 refuses).
  auto blocked = Migrate(dir.path() / "a", {"--fail-on", "blocked"});
  EXPECT_EQ(blocked.exit_code, 1) << blocked.err;
  const json j = json::parse(testing::ReadFile(dir.path() / "a" / "report.json"));
  EXPECT_EQ(j["totals"]["blocked"], 1);
  auto never = Migrate(dir.path() / "b");
  EXPECT_EQ(never.exit_code, 0) << never.err;
  auto bad = Migrate(dir.path() / "c", {"--fail-on", "warning"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(MigrateCli, ReplacesItsOwnEarlierOutputAndNothingElse) {
  TempDir dir;
  const fs::path legacy = dir.path() / "legacy";
  fs::create_directories(legacy);
  fs::copy(testing::SourceDir() / "samples/legacy_dags", legacy, fs::copy_options::recursive);
  const fs::path out = dir.path() / "out";
  // --keep-subdags: the converted DAGs then hold as many tasks as the legacy ones (a TaskGroup
  // runs the sub-DAG's tasks where the SubDagOperator was one task).
  auto first = RunDagport({"migrate", legacy.string(), "-o", out.string(), "--replays", "2",
                           "--days-ago-from", "2025-01-01", "--keep-subdags"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // A DAG file removed from the legacy folder disappears from the converted scenario too.
  fs::remove(legacy / "dags" / "pricing_competitor_prices.py");
  auto second = RunDagport({"migrate", legacy.string(), "-o", out.string(), "--replays", "2",
                            "--days-ago-from", "2025-01-01", "--keep-subdags"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(fs::exists(out / "dags" / "pricing_competitor_prices.py"));
  const json j = json::parse(testing::ReadFile(out / "report.json"));
  EXPECT_EQ(j["scenarios"][1]["dags"], j["scenarios"][2]["dags"]);
  EXPECT_EQ(j["scenarios"][1]["task_instances"], j["scenarios"][2]["task_instances"]);
  // A folder that is not an earlier output is never replaced.
  const fs::path other = dir.path() / "other";
  const fs::path keep = dir.Write("other/keep.txt", "mine");
  auto refused = RunDagport({"migrate", legacy.string(), "-o", other.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not empty"), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::exists(keep));
}

TEST(MigrateCli, FindingsGoToTheDagTheyAreAbout) {
  TempDir dir;
  dir.Write("legacy/dags/two.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator

good = DAG('good_one', start_date=datetime(2024, 1, 1), schedule_interval='@daily')
BashOperator(task_id='hello', bash_command='echo hi', dag=good)

cyclic = DAG('cyclic_one', start_date=datetime(2024, 1, 1), schedule_interval='@daily')
c1 = BashOperator(task_id='c1', bash_command='true', dag=cyclic)
c2 = BashOperator(task_id='c2', bash_command='true', dag=cyclic)
c1 >> c2 >> c1
)PY");
  dir.Write("legacy/dags/copy.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator

with DAG('good_one', start_date=datetime(2024, 1, 1), schedule_interval='@daily') as dag:
    BashOperator(task_id='other', bash_command='echo <b>&"quoted"', dag=dag)
)PY");
  const fs::path out = dir.path() / "out";
  auto r = RunDagport({"migrate", (dir.path() / "legacy").string(), "-o", out.string(), "--replays",
                       "2", "--days-ago-from", "2025-01-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(testing::ReadFile(out / "report.json"));
  int cyclic = 0, good = 0;
  for (const json& d : j["dags"]) {
    std::vector<std::string> codes;
    for (const json& reason : d["reasons"]) codes.push_back(reason["code"]);
    if (d["dag_id"] == "cyclic_one") {
      ++cyclic;
      EXPECT_EQ(d["readiness"], "blocked");
      EXPECT_EQ(std::count(codes.begin(), codes.end(), "DP150"), 1) << d.dump(2);
    }
    if (d["dag_id"] == "good_one") {
      ++good;
      // Defined in two files: Airflow 2 refuses one of them; no cycle finding here.
      EXPECT_EQ(d["readiness"], "blocked") << d.dump(2);
      EXPECT_EQ(std::count(codes.begin(), codes.end(), "DP128"), 1) << d.dump(2);
      EXPECT_EQ(std::count(codes.begin(), codes.end(), "DP150"), 0) << d.dump(2);
    }
  }
  EXPECT_EQ(cyclic, 1);
  EXPECT_EQ(good, 2);
}

TEST(MigrateCli, MarkdownAndHtmlEscapeWhatTheyQuote) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  ASSERT_EQ(Migrate(out).exit_code, 0);
  // The sample's DP205 message quotes '/<table>': raw, it would start an HTML table.
  const std::string md = testing::ReadFile(out / "report.md");
  EXPECT_EQ(md.find("'/<table>'"), std::string::npos);
  EXPECT_NE(md.find("'/&lt;table&gt;'"), std::string::npos);
  const std::string html = testing::ReadFile(out / "report.html");
  EXPECT_EQ(html.find("'/<table>'"), std::string::npos);
  EXPECT_NE(html.find("/&lt;table&gt;"), std::string::npos);
}

TEST(MigrateCli, HtmlRendersInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) GTEST_SKIP() << "chromium is not installed (make deps installs it)";
  TempDir dir;
  const fs::path out = dir.path() / "out";
  auto r = Migrate(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path html = out / "report.html";
  const std::string text = testing::ReadFile(html);
  // Self-contained: no script, nothing fetched.
  EXPECT_EQ(text.find("<script"), std::string::npos);
  EXPECT_EQ(text.find("href=\"http"), std::string::npos);
  EXPECT_EQ(text.find("url(http"), std::string::npos);
  EXPECT_EQ(text.find("@import"), std::string::npos);
  EXPECT_EQ(text.find("src="), std::string::npos);
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking --disable-component-update "
      "--disable-sync --hide-scrollbars --user-data-dir=" +
      (dir.path() / "profile").string();
  const fs::path dom = dir.path() / "dom.html";
  const fs::path log = dir.path() / "chromium.log";
  const std::string dump = std::string(chromium) + flags +
                           " --enable-logging=stderr --v=0 --dump-dom file://" + html.string() +
                           " > " + dom.string() + " 2> " + log.string();
  ASSERT_EQ(std::system(dump.c_str()), 0);
  const std::string rendered = testing::ReadFile(dom);
  for (const char* id : {"id=\"scenarios\"", "id=\"readiness\"", "id=\"dags\"", "id=\"containers\"",
                         "id=\"dag-pricing_competitor_prices\""}) {
    EXPECT_NE(rendered.find(id), std::string::npos) << id;
  }
  const json j = json::parse(testing::ReadFile(out / "report.json"));
  size_t articles = 0, graphs = 0;
  for (size_t p = 0; (p = rendered.find("<article class=\"dag\"", p)) != std::string::npos; ++p)
    ++articles;
  for (size_t p = 0; (p = rendered.find("<div class=\"graph\"><svg", p)) != std::string::npos; ++p)
    ++graphs;
  size_t with_dag = 0;
  for (const json& d : j["dags"]) with_dag += !d["dag_id"].is_null();
  EXPECT_EQ(articles, j["dags"].size());
  EXPECT_EQ(graphs, with_dag);
  // No console message from the page (errors, failed loads).
  const std::string console = testing::ReadFile(log);
  EXPECT_EQ(console.find("CONSOLE"), std::string::npos) << console;
  EXPECT_EQ(console.find("Failed to load resource"), std::string::npos) << console;
  // A screenshot, kept as a test artefact in the build folder (test-artifacts/).
  const fs::path artefacts =
      fs::path(DAGPORT_BINARY).parent_path().parent_path() / "test-artifacts";
  fs::create_directories(artefacts);
  const fs::path png = artefacts / "migrate-report.png";
  fs::remove(png);
  const std::string shot = std::string(chromium) + flags +
                           " --window-size=1280,2000 --screenshot=" + png.string() + " file://" +
                           html.string() + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0);
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10000u);
}

TEST(MigrateCli, BadInputIsAClearError) {
  TempDir dir;
  auto no_out = RunDagport({"migrate", "samples/legacy_dags"}, testing::SourceDir());
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("-o OUT"), std::string::npos) << no_out.err;
  const fs::path file = dir.Write("one.py", "x = 1\n");
  auto not_dir = RunDagport({"migrate", file.string(), "-o", (dir.path() / "o").string()});
  EXPECT_EQ(not_dir.exit_code, 2);
  EXPECT_NE(not_dir.err.find("is not a folder"), std::string::npos) << not_dir.err;
  const fs::path legacy = dir.path() / "legacy";
  dir.Write("legacy/dags/a.py", "from airflow import DAG\n");
  auto inside = RunDagport({"migrate", legacy.string(), "-o", (legacy / "out").string()});
  EXPECT_EQ(inside.exit_code, 2);
  EXPECT_NE(inside.err.find("overlaps"), std::string::npos) << inside.err;
  auto target = RunDagport(
      {"migrate", legacy.string(), "-o", (dir.path() / "o").string(), "--target", "nomad"});
  EXPECT_EQ(target.exit_code, 2);
  EXPECT_NE(target.err.find("--target takes ecs, kubernetes or docker"), std::string::npos);
  auto mwaa = RunDagport(
      {"migrate", legacy.string(), "-o", (dir.path() / "o").string(), "--mwaa-class", "big"});
  EXPECT_EQ(mwaa.exit_code, 2);
  EXPECT_NE(mwaa.err.find("mw1.small"), std::string::npos) << mwaa.err;
  auto date = RunDagport({"migrate", legacy.string(), "-o", (dir.path() / "o").string(),
                          "--days-ago-from", "2025-02-31"});
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_NE(date.err.find("--days-ago-from takes a date"), std::string::npos) << date.err;
  dir.Write("legacy/dagport.json", "{\n  \"simulate\": {\"pools\": {\"p\": \"x\"}}\n}\n");
  auto config = RunDagport({"migrate", legacy.string(), "-o", (dir.path() / "o").string()});
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.err.find("dagport.json:2:"), std::string::npos) << config.err;
  EXPECT_FALSE(fs::exists(dir.path() / "o" / "report.json"));
}

TEST(MigrateCli, AFileThatCannotBeReadIsBlockedNotDropped) {
  TempDir dir;
  dir.Write("legacy/dags/good.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
with DAG('good', start_date=datetime(2024, 1, 1), schedule_interval='@daily') as dag:
    BashOperator(task_id='hello', bash_command='echo hi')
)PY");
  dir.Write("legacy/dags/broken.py", "from airflow import DAG\ndag = DAG('broken'\n");
  const fs::path out = dir.path() / "out";
  auto r = RunDagport({"migrate", (dir.path() / "legacy").string(), "-o", out.string(), "--replays",
                       "2", "--fail-on", "blocked"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json j = json::parse(testing::ReadFile(out / "report.json"));
  EXPECT_EQ(j["totals"]["files"]["skipped"], 1);
  EXPECT_EQ(j["totals"]["blocked"], 1);
  bool broken = false, good = false;
  for (const json& d : j["dags"]) {
    if (d["file"] == "dags/broken.py") {
      broken = true;
      EXPECT_TRUE(d["dag_id"].is_null());
      EXPECT_EQ(d["readiness"], "blocked");
      EXPECT_FALSE(d["reasons"].empty());
    }
    if (d["dag_id"] == "good") {
      good = true;
      EXPECT_EQ(d["readiness"], "ready") << d.dump(2);
    }
  }
  EXPECT_TRUE(broken) << j.dump(2);
  EXPECT_TRUE(good);
  for (const json& f : j["shared_files"]) EXPECT_NE(f["file"], "dags/broken.py");
}

}  // namespace
}  // namespace dagport
