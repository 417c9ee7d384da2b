// `dagport simulate` on real files: the sample deployment's venv conflicts on MWAA, none under
// Kubernetes, none after conversion on ECS; every output format; bad input.

#include <gtest/gtest.h>

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

const std::string kSample = (testing::SourceDir() / "samples/legacy_dags").string();

json SimulateJson(std::vector<std::string> args) {
  args.insert(args.begin(), "simulate");
  args.push_back("--format=json");
  auto r = RunDagport(args);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  return json::parse(r.out);
}

TEST(SimulateCli, SampleOnMwaaReportsTheVenvConflictsWithProbabilities) {
  const json j = SimulateJson(
      {kSample, "--executor", "celery", "--mwaa-class", "mw1.small", "--replays", "32"});
  EXPECT_EQ(j["schema"], "dagport.simulation/1");
  EXPECT_EQ(j["mwaa_class"], "mw1.small");
  EXPECT_EQ(j["replays"], 32);
  bool venv = false, scratch = false;
  for (const json& g : j["conflict_groups"]) {
    EXPECT_GT(g["probability"].get<double>(), 0.0);
    EXPECT_LE(g["probability"].get<double>(), 1.0);
    if (g["path"] == "/tmp/airflow_venvs/pricing") venv = true;
    if (g["path"] == "/tmp/pricing_{{ ds }}.json") scratch = true;
    EXPECT_NE(g["fix"].get<std::string>().find("dagport convert --containers ecs"),
              std::string::npos);
  }
  EXPECT_TRUE(venv) << j["conflict_groups"].dump(2);
  EXPECT_TRUE(scratch);
  // Some pairs only meet on a worker in some replays: the probabilities are not all 1.
  bool partial = false;
  for (const json& g : j["conflict_groups"]) partial |= g["probability"].get<double>() < 1.0;
  EXPECT_TRUE(partial);
  // Rendered per run: the scratch file names a real date.
  for (const json& c : j["conflicts"])
    EXPECT_EQ(c["resource"].get<std::string>().find("{{"), std::string::npos) << c.dump();
}

TEST(SimulateCli, KubernetesIsolatesEveryTask) {
  const json j = SimulateJson({kSample, "--executor", "kubernetes", "--replays", "8"});
  EXPECT_TRUE(j["conflicts"].empty()) << j["conflicts"].dump(2);
  EXPECT_GT(j["task_instances"].get<int>(), 50);
}

TEST(SimulateCli, ConvertedDagsOnEcsHaveNoConflicts) {
  TempDir out;
  auto convert =
      RunDagport({"convert", kSample, "-o", (out.path() / "conv").string(), "--fail-on", "never"});
  ASSERT_EQ(convert.exit_code, 0) << convert.err;
  const json j = SimulateJson({(out.path() / "conv").string(), "--airflow", "2", "--executor",
                               "ecs", "--replays", "8", "--start", "2026-12-01"});
  EXPECT_TRUE(j["conflicts"].empty()) << j["conflicts"].dump(2);
  EXPECT_GT(j["cost"]["fargate"].get<double>(), 0.0);
  // The same DAGs before conversion do clash on a shared Celery worker.
  const json legacy = SimulateJson({kSample, "--mwaa-class", "mw1.small", "--replays", "8"});
  EXPECT_FALSE(legacy["conflicts"].empty());
}

TEST(SimulateCli, SameSeedGivesByteIdenticalOutput) {
  for (const char* format : {"json", "html", "csv", "wfformat", "trace", "text"}) {
    auto a = RunDagport({"simulate", kSample, "--replays", "4", "--seed", "11", "-f", format});
    auto b = RunDagport(
        {"simulate", kSample, "--replays", "4", "--seed", "11", "-f", format, "-j", "1"});
    EXPECT_EQ(a.exit_code, 0) << format << a.err;
    EXPECT_FALSE(a.out.empty()) << format;
    EXPECT_EQ(a.out, b.out) << format;
  }
}

TEST(SimulateCli, IrJsonInputSimulatesLikeTheFolder) {
  TempDir dir;
  auto inspect = RunDagport({"inspect", kSample, "--format", "json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  const fs::path ir = dir.Write("ir.json", inspect.out);
  auto from_ir = RunDagport({"simulate", ir.string(), "--start", "2021-03-02", "-f", "json"});
  auto from_dir = RunDagport({"simulate", kSample, "--start", "2021-03-02", "-f", "json"});
  ASSERT_EQ(from_ir.exit_code, 0) << from_ir.err;
  EXPECT_EQ(from_ir.out, from_dir.out);
}

TEST(SimulateCli, OutputFileAndFailOn) {
  TempDir dir;
  const fs::path html = dir.path() / "report.html";
  auto r = RunDagport({"simulate", kSample, "--mwaa-class", "mw1.small", "-f", "html", "-o",
                       html.string(), "--fail-on", "warning"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // conflicts are warnings (DP310)
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("warning[DP310]"), std::string::npos) << r.err;
  const std::string text = testing::ReadFile(html);
  EXPECT_NE(text.find("Shared-state conflicts"), std::string::npos);
  EXPECT_NE(text.find("/tmp/airflow_venvs/pricing"), std::string::npos);
  auto sarif = RunDagport({"simulate", kSample, "--mwaa-class", "mw1.small", "-f", "sarif"});
  EXPECT_NE(sarif.out.find("\"DP310\""), std::string::npos);
  // Below a regular file: the folder cannot be made.
  auto bad_dir = RunDagport({"simulate", kSample, "-o", (html / "x.json").string()});
  EXPECT_EQ(bad_dir.exit_code, 2);
  EXPECT_NE(bad_dir.err.find("cannot write"), std::string::npos) << bad_dir.err;
}

TEST(SimulateCli, HtmlRendersInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) GTEST_SKIP() << "chromium is not installed (make deps installs it)";
  TempDir dir;
  const fs::path html = dir.path() / "report.html";
  auto r = RunDagport({"simulate", kSample, "--mwaa-class", "mw1.small", "--replays", "4", "-f",
                       "html", "-o", html.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dom = dir.path() / "dom.html";
  const std::string command = std::string(chromium) +
                              " --headless --no-sandbox --disable-gpu --no-first-run "
                              "--disable-background-networking --disable-component-update "
                              "--disable-sync --user-data-dir=" +
                              (dir.path() / "profile").string() + " --dump-dom file://" +
                              html.string() + " > " + dom.string() + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string rendered = testing::ReadFile(dom);
  EXPECT_NE(rendered.find("<svg"), std::string::npos);
  EXPECT_NE(rendered.find("<rect"), std::string::npos);
  EXPECT_NE(rendered.find("/tmp/airflow_venvs/pricing"), std::string::npos);
}

TEST(SimulateCli, BadInputIsAClearError) {
  TempDir dir;
  auto executor = RunDagport({"simulate", kSample, "--executor", "slurm"});
  EXPECT_EQ(executor.exit_code, 2);
  EXPECT_NE(executor.err.find("--executor takes local, celery, kubernetes or ecs"),
            std::string::npos);
  auto mwaa = RunDagport({"simulate", kSample, "--mwaa-class", "mw1.huge"});
  EXPECT_EQ(mwaa.exit_code, 2);
  EXPECT_NE(mwaa.err.find("mw1.small"), std::string::npos) << mwaa.err;
  auto start = RunDagport({"simulate", kSample, "--start", "yesterday"});
  EXPECT_EQ(start.exit_code, 2);
  const fs::path durations = dir.Write("durations.json", "{\n  \"a.b\": {\"mean\": 10,\n}\n");
  auto bad = RunDagport({"simulate", kSample, "--durations", durations.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(durations.string() + ":3:"), std::string::npos) << bad.err;
  const fs::path unknown = dir.Write("d2.json", R"({"nope.task": {"mean": 10, "p95": 20}})");
  auto unused = RunDagport({"simulate", kSample, "--durations", unknown.string()});
  EXPECT_EQ(unused.exit_code, 0);
  EXPECT_NE(unused.err.find("warning[DP306]"), std::string::npos) << unused.err;
  const fs::path minutely = dir.Write("dags/minutely.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
with DAG('minutely', start_date=datetime(2020, 1, 1), schedule_interval='* * * * *') as dag:
    BashOperator(task_id='a', bash_command='true') >> BashOperator(task_id='b', bash_command='true')
)PY");
  auto huge = RunDagport({"simulate", minutely.string(), "--days", "3660"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("shorten --days"), std::string::npos) << huge.err;
  auto trigger = RunDagport({"simulate", kSample, "--trigger", "no_such_dag"});
  EXPECT_EQ(trigger.exit_code, 1);
  EXPECT_NE(trigger.err.find("error[DP305]"), std::string::npos) << trigger.err;
  const fs::path config = dir.Write("dagport.json", R"({"simulate": {"pools": {"db": "x"}}})");
  auto cfg = RunDagport({"simulate", kSample, "--config", config.string()});
  EXPECT_EQ(cfg.exit_code, 2);
  EXPECT_NE(cfg.err.find(config.string() + ":1:"), std::string::npos) << cfg.err;
}

TEST(SimulateCli, DurationsFileChangesTheMakespan) {
  TempDir dir;
  const fs::path fast = dir.Write("fast.json", R"({"operators": {"BashOperator": {"median": 1},
    "PythonOperator": {"median": 1}, "VirtualenvTaskOperator": {"median": 1},
    "PostgresOperator": {"median": 1}}})");
  const json slow = SimulateJson({kSample, "--start", "2021-03-02"});
  const json quick = SimulateJson({kSample, "--start", "2021-03-02", "--durations", fast.string()});
  EXPECT_LT(quick["days"][0]["makespan_p50_seconds"].get<double>(),
            slow["days"][0]["makespan_p50_seconds"].get<double>());
}

}  // namespace
}  // namespace dagport
