// `dagport convert` as a user runs it: output folders, --check, --diff, --in-place, reports,
// and what happens to files it cannot convert or folders it cannot write.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "ir/ir_json.h"
#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::RunDagport;
using testing::TempDir;

constexpr const char* kLegacyDag =
    "\"\"\"Orders pipeline.\"\"\"\n"
    "from datetime import datetime\n"
    "\n"
    "from airflow import DAG\n"
    "from airflow.operators.bash_operator import BashOperator  # shell steps\n"
    "from airflow.operators.python_operator import PythonOperator\n"
    "\n"
    "\n"
    "def load(**context):\n"
    "    print(context['ds'])\n"
    "\n"
    "\n"
    "dag = DAG('orders', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
    "extract = BashOperator(task_id='extract', bash_command='extract.sh', dag=dag)\n"
    "load_task = PythonOperator(\n"
    "    task_id='load',\n"
    "    python_callable=load,\n"
    "    provide_context=True,\n"
    "    dag=dag,\n"
    ")\n"
    "extract >> load_task\n";

/// A small legacy project: one DAG, one SQL file, one Python 2 file.
void WriteProject(const TempDir& dir) {
  dir.Write("dags/orders.py", kLegacyDag);
  dir.Write("dags/sql/orders.sql", "SELECT 1;\n");
  dir.Write("dags/old.py", "from airflow import DAG\nprint 'python 2'\n");
}

TEST(Convert, MirrorsTheTreeAndWritesRequirements) {
  TempDir in, out;
  WriteProject(in);
  auto r = RunDagport({"convert", (in.path() / "dags").string(), "-o", out.path().string()}, {},
                      {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the Python 2 file is an error
  const std::string converted = testing::ReadFile(out.path() / "orders.py");
  EXPECT_NE(converted.find("from airflow.operators.bash import BashOperator  # shell steps"),
            std::string::npos)
      << converted;
  EXPECT_NE(converted.find("schedule='@daily', catchup=False)"), std::string::npos);
  EXPECT_EQ(converted.find("provide_context"), std::string::npos);
  EXPECT_NE(converted.find("\"\"\"Orders pipeline.\"\"\""), std::string::npos);
  EXPECT_EQ(testing::ReadFile(out.path() / "sql/orders.sql"), "SELECT 1;\n");
  EXPECT_FALSE(fs::exists(out.path() / "old.py")) << "a file that was not converted was copied";
  EXPECT_TRUE(fs::exists(out.path() / "requirements.txt"));
  EXPECT_NE(r.err.find("old.py"), std::string::npos);
  EXPECT_NE(r.err.find("DP210"), std::string::npos);
  // The input is untouched.
  EXPECT_EQ(testing::ReadFile(in.path() / "dags/orders.py"), kLegacyDag);
}

// A new output folder appears whole: its files are staged in a hidden folder beside it, which
// becomes the output folder. A staging folder an interrupted run left inside the input is not
// read as input.
TEST(Convert, ANewOutputFolderIsStagedWholeAndLeftoverStagingIsNotInput) {
  TempDir in;
  WriteProject(in);
  in.Write("dags/out/.out.dagport-1-0.staging/orders.py", kLegacyDag);  // an interrupted run's
  const fs::path out = in.path() / "dags" / "out" / "fresh";
  auto r = RunDagport(
      {"convert", (in.path() / "dags").string(), "-o", out.string(), "--fail-on", "never"}, {},
      {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "orders.py"));
  EXPECT_TRUE(fs::exists(out / "requirements.txt"));
  std::set<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(in.path()))
    names.insert(entry.path().filename().string());
  // Only the leftover one: the run's own staging folder became `fresh`.
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.ends_with(".staging"); }),
            1)
      << r.err;
  EXPECT_FALSE(fs::exists(out / ".out.dagport-1-0.staging"));
  EXPECT_FALSE(fs::exists(out / "out"));
}

TEST(Convert, ADagWithAnInvalidCronIsConvertedAndReported) {
  // Airflow 1.10 loads the DAG with an import error; Airflow 2 refuses it. The conversion does
  // not lose it (DP209): the file is converted and the expression reported for a person to fix.
  TempDir in, out;
  in.Write("dags/launch.py", R"PY(from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
dag = DAG("launch", schedule_interval="TODO", start_date=datetime(2020, 1, 1))
t = BashOperator(task_id="t", bash_command="echo", dag=dag)
)PY");
  auto r = RunDagport({"convert", (in.path() / "dags").string(), "-o", out.path().string()}, {},
                      {"NO_COLOR=1"});
  EXPECT_NE(r.err.find("DP127"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("DP209"), std::string::npos) << r.err;
  EXPECT_NE(testing::ReadFile(out.path() / "launch.py").find("airflow.operators.bash import"),
            std::string::npos);
}

TEST(Convert, TwoFilesWithOneOutputPathAreAnErrorNotAnOverwrite) {
  TempDir in, out;
  // Two teams' folders of the same name: both would be OUT/dags/orders.py.
  const std::string team_b_dag = std::string(kLegacyDag) + "# team b\n";
  in.Write("team_a/dags/orders.py", kLegacyDag);
  in.Write("team_b/dags/orders.py", team_b_dag);
  in.Write("team_b/dags/other.py", "x = 1\n");
  auto r = RunDagport(
      {"convert", (in.path() / "team_a/dags").string(), (in.path() / "team_b/dags").string(), "-o",
       out.path().string(), "--days-ago-from", "2026-11-26"},
      {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string b = (in.path() / "team_b/dags/orders.py").string();
  EXPECT_NE(r.err.find(b + ": error[DP006]: not converted: " + b +
                       " would have the same output path (dags/orders.py) as " +
                       (in.path() / "team_a/dags/orders.py").string()),
            std::string::npos)
      << r.err;
  // The first is written, the second did not overwrite it; the others are written.
  EXPECT_EQ(testing::ReadFile(out.path() / "dags/orders.py").find("# team b"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(out.path() / "dags/other.py"), "x = 1\n");

  // The same folder named twice is one folder: converted once, no error.
  TempDir again;
  auto twice = RunDagport(
      {"convert", (in.path() / "team_a/dags").string(), (in.path() / "team_a/dags").string(), "-o",
       again.path().string(), "--days-ago-from", "2026-11-26"},
      {}, {"NO_COLOR=1"});
  EXPECT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(twice.err.find("DP006"), std::string::npos) << twice.err;
  EXPECT_TRUE(fs::exists(again.path() / "dags/orders.py"));

  // In place, each file stays where it is: folders of one name are no collision.
  auto in_place =
      RunDagport({"convert", "--in-place", "--force", (in.path() / "team_a/dags").string(),
                  (in.path() / "team_b/dags").string(), "--days-ago-from", "2026-11-26"},
                 {}, {"NO_COLOR=1"});
  EXPECT_EQ(in_place.err.find("DP006"), std::string::npos) << in_place.err;
  for (const char* team : {"team_a", "team_b"}) {
    const std::string text = testing::ReadFile(in.path() / team / "dags/orders.py");
    EXPECT_NE(text.find("from airflow.operators.bash import BashOperator"), std::string::npos)
        << team << ":\n"
        << text;
  }
}

TEST(Convert, CheckExitsOneWhenSomethingWouldChangeAndWritesNothing) {
  TempDir in, out;
  in.Write("orders.py", kLegacyDag);
  auto check = RunDagport({"convert", "--check", in.path().string()});
  EXPECT_EQ(check.exit_code, 1) << check.err;
  auto convert = RunDagport({"convert", in.path().string(), "-o", out.path().string()});
  ASSERT_EQ(convert.exit_code, 0) << convert.err;
  EXPECT_FALSE(fs::exists(out.path() / "orders.py.tmp"));
  auto again = RunDagport({"convert", "--check", out.path().string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST(Convert, DiffPrintsUnifiedDiffs) {
  TempDir in;
  in.Write("orders.py", kLegacyDag);
  auto r = RunDagport({"convert", "--diff", (in.path() / "orders.py").string()});
  EXPECT_NE(r.out.find("\n-from airflow.operators.bash_operator import BashOperator  # shell "
                       "steps\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n+from airflow.operators.bash import BashOperator  # shell steps\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("@@ -2,20 +2,19 @@\n"), std::string::npos);
  EXPECT_NE(r.out.find("-    provide_context=True,\n"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(in.path() / "orders.py"), kLegacyDag);
}

TEST(Convert, InPlaceRefusesUncommittedChangesUnlessForced) {
  if (std::system("git --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "git is not installed";
  TempDir repo;
  repo.Write("dags/orders.py", kLegacyDag);
  const std::string git = "git -C '" + repo.path().string() + "' ";
  ASSERT_EQ(std::system((git + "init -q && " + git + "add -A && " + git +
                         "-c user.email=t@e -c user.name=t commit -qm init")
                            .c_str()),
            0);
  repo.Write("dags/orders.py", std::string(kLegacyDag) + "# edited\n");
  auto refused = RunDagport({"convert", "--in-place", (repo.path() / "dags").string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("uncommitted changes"), std::string::npos) << refused.err;
  EXPECT_EQ(testing::ReadFile(repo.path() / "dags/orders.py"),
            std::string(kLegacyDag) + "# edited\n");
  auto forced = RunDagport({"convert", "--in-place", "--force", (repo.path() / "dags").string()});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(testing::ReadFile(repo.path() / "dags/orders.py").find("airflow.operators.bash"),
            std::string::npos);
}

TEST(Convert, ReportsAsJsonAndMarkdown) {
  TempDir in, out;
  WriteProject(in);
  const fs::path json = out.path() / "report.json", md = out.path() / "report.md";
  RunDagport({"convert", (in.path() / "dags").string(), "-o", (out.path() / "tree").string(),
              "--report", json.string()});
  RunDagport({"convert", (in.path() / "dags").string(), "-o", (out.path() / "tree").string(),
              "--report", md.string()});
  const ir::Json report = ir::Json::parse(testing::ReadFile(json));
  EXPECT_EQ(report["schema"], "dagport.convert-report/1");
  EXPECT_EQ(report["target"], "2.10.3");
  EXPECT_EQ(report["totals"]["converted"], 1);
  EXPECT_EQ(report["totals"]["skipped"], 1);
  EXPECT_EQ(report["totals"]["copied"], 1);
  EXPECT_EQ(report["totals"]["loads_without_edit"], 1);
  bool found = false;
  for (const auto& f : report["files"]) {
    if (f["input"].get<std::string>().ends_with("orders.py")) {
      found = true;
      EXPECT_EQ(f["status"], "converted");
      EXPECT_FALSE(f["changes"].empty());
      EXPECT_GT(f["changes"][0]["line"].get<int>(), 0);
    }
  }
  EXPECT_TRUE(found);
  const std::string markdown = testing::ReadFile(md);
  EXPECT_NE(markdown.find("# Conversion to Airflow 2.10.3"), std::string::npos);
  EXPECT_NE(markdown.find("## Files that need a person"), std::string::npos);
  EXPECT_NE(markdown.find("old.py"), std::string::npos);
}

TEST(Convert, AnUnwritableOutputIsAnErrorAndLeavesNoPartialFile) {
  TempDir in, out;
  in.Write("orders.py", kLegacyDag);
  const fs::path blocker = out.path() / "taken";
  testing::WriteFile(blocker, "a file where the output folder should go\n");
  auto r = RunDagport({"convert", in.path().string(), "-o", blocker.string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DP004"), std::string::npos) << r.err;
  EXPECT_EQ(testing::ReadFile(blocker), "a file where the output folder should go\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

/// Python that tells Airflow 2 from 1.10 by what imports: a construct no conversion can keep.
constexpr char kOnAirflow2[] =
    "try:\n"
    "    from airflow.operators.bash import BashOperator as Bash2  # noqa: F401\n"
    "    ON_AIRFLOW_2 = True\n"
    "except ImportError:\n"
    "    ON_AIRFLOW_2 = False\n";

TEST(Convert, AFileWhoseDagsWouldChangeIsNotWritten) {
  // The file builds a task only where the Airflow 2 import fails: converted, it would lose it.
  TempDir in, out;
  in.Write("compat.py",
           "from datetime import datetime\n"
           "from airflow import DAG\n"
           "from airflow.operators.bash_operator import BashOperator\n" +
               std::string(kOnAirflow2) +
               "dag = DAG('compat', start_date=datetime(2021, 1, 1), schedule_interval='@daily', "
               "catchup=False)\n"
               "a = BashOperator(task_id='a', bash_command='true', dag=dag)\n"
               "if not ON_AIRFLOW_2:\n"
               "    legacy = BashOperator(task_id='legacy_only', bash_command='true', dag=dag)\n"
               "    a >> legacy\n");
  auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DP209"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("task 'legacy_only' is gone"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out.path() / "compat.py"));
}

TEST(Convert, TheGraphCheckSeesConvertedHelperModules) {
  // The helper decides, by what imports, whether the DAG gets a task: converted, it would not.
  TempDir in, out;
  in.Write("dags/common/__init__.py", "");
  in.Write("dags/common/flags.py",
           "from airflow.operators.bash_operator import BashOperator  # noqa: F401\n" +
               std::string(kOnAirflow2));
  in.Write("dags/etl.py",
           "from datetime import datetime\n"
           "from airflow import DAG\n"
           "from airflow.operators.bash_operator import BashOperator\n"
           "from common.flags import ON_AIRFLOW_2\n"
           "dag = DAG('etl', start_date=datetime(2021, 1, 1), schedule_interval='@daily', "
           "catchup=False)\n"
           "a = BashOperator(task_id='a', bash_command='true', dag=dag)\n"
           "if not ON_AIRFLOW_2:\n"
           "    b = BashOperator(task_id='legacy_only', bash_command='true', dag=dag)\n");
  auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("task 'legacy_only' is gone"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out.path() / "dags/etl.py"));
  EXPECT_TRUE(fs::exists(out.path() / "dags/common/flags.py"));
}

TEST(Convert, AnUnchangedDagFileIsCheckedWithItsConvertedHelpers) {
  // Nothing in etl.py needs a change, but the helper it builds its tasks with does, and the
  // converted helper gives it one task fewer.
  TempDir in, out;
  in.Write("dags/common/__init__.py", "");
  in.Write("dags/common/flags.py",
           "from airflow.operators.bash_operator import BashOperator\n" + std::string(kOnAirflow2) +
               "def bash(task_id, dag):\n"
               "    return BashOperator(task_id=task_id, bash_command='true', dag=dag)\n");
  in.Write("dags/etl.py",
           "from datetime import datetime\n"
           "from airflow import DAG\n"
           "from common.flags import ON_AIRFLOW_2, bash\n"
           "dag = DAG('etl', start_date=datetime(2021, 1, 1), schedule_interval=None, "
           "catchup=False)\n"
           "a = bash('a', dag)\n"
           "if not ON_AIRFLOW_2:\n"
           "    b = bash('legacy_only', dag)\n");
  auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dags/etl.py: error[DP209]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("task 'legacy_only' is gone"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 converted, 1 unchanged"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out.path() / "dags/etl.py"));
  EXPECT_TRUE(fs::exists(out.path() / "dags/common/flags.py"));
}

TEST(Convert, AFileThatDoesNotLoadBeforeIsNotSaidToLoadAfter) {
  TempDir in, out;
  in.Write("dup.py",
           "from datetime import datetime\n"
           "from airflow import DAG\n"
           "from airflow.operators.dummy_operator import DummyOperator\n"
           "dag = DAG('dup', start_date=datetime(2021, 1, 1), schedule_interval=None, "
           "catchup=False)\n"
           "for job in ['a', 'b']:\n"
           "    start = DummyOperator(task_id='kick_off', dag=dag)\n");
  auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DP151"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0 of 1 Airflow files load without a manual edit"), std::string::npos)
      << r.err;
}

TEST(Convert, DagsOnlyAirflow2RegistersAreReportedNotCountedAsChanges) {
  // `dag` is rebound in the loop: Airflow 1.10 loaded only the last DAG; Airflow 2.4+ registers
  // every DAG used in a `with` block. The conversion did not cause that: the file is written,
  // and each DAG that now loads too is a warning.
  TempDir in, out;
  in.Write("countries.py",
           "from datetime import datetime\n"
           "from airflow import DAG\n"
           "from airflow.operators.bash_operator import BashOperator\n"
           "for country in ['de', 'fr', 'es']:\n"
           "    dag = DAG('export_' + country, start_date=datetime(2021, 1, 1),\n"
           "              schedule_interval='@daily', catchup=False)\n"
           "    with dag:\n"
           "        BashOperator(task_id='export', bash_command='true')\n");
  auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out.path() / "countries.py")) << r.err;
  EXPECT_EQ(r.err.find("DP209"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning[DP216]: Airflow 2 loads DAG 'export_de'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("DAG 'export_fr'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("DAG 'export_es' ("), std::string::npos) << r.err;  // 1.10 loaded it
}

TEST(Convert, ASubdagTurnedTaskGroupKeepsItsTasksAndDependencies) {
  TempDir in, out;
  in.Write(
      "parts.py",
      "from datetime import datetime\n"
      "from airflow import DAG\n"
      "from airflow.operators.bash_operator import BashOperator\n"
      "from airflow.operators.subdag_operator import SubDagOperator\n"
      "ARGS = {'start_date': datetime(2021, 1, 1)}\n"
      "def parts(parent, child, args):\n"
      "    sub = DAG('%s.%s' % (parent, child), default_args=args, schedule_interval='@daily')\n"
      "    with sub:\n"
      "        a = BashOperator(task_id='a', bash_command='true')\n"
      "        b = BashOperator(task_id='b', bash_command='true')\n"
      "        c = BashOperator(task_id='c', bash_command='true')\n"
      "        a >> [b, c]\n"
      "    return sub\n"
      "dag = DAG('main', default_args=ARGS, schedule_interval='@daily', catchup=False)\n"
      "start = BashOperator(task_id='start', bash_command='true', dag=dag)\n"
      "end = BashOperator(task_id='end', bash_command='true', dag=dag)\n"
      "p = SubDagOperator(task_id='p', subdag=parts('main', 'p', ARGS), dag=dag)\n"
      "p.set_upstream(start)\n"  // a TaskGroup has set_upstream too
      "p >> end\n");
  auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("info[DP215]"), std::string::npos) << r.err;
  // The written file, as Airflow 2 reads it: the group's tasks in the parent DAG, linked to
  // start and end through the group's first and last tasks.
  auto inspected = RunDagport(
      {"inspect", (out.path() / "parts.py").string(), "--airflow", "2", "--format", "json"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  const ir::Json j = ir::Json::parse(inspected.out);
  ASSERT_EQ(j["files"][0]["dags"].size(), 1u) << inspected.out;
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& e : j["files"][0]["dags"][0]["edges"]) edges.emplace(e["from"], e["to"]);
  const std::set<std::pair<std::string, std::string>> want = {
      {"start", "p.a"}, {"p.a", "p.b"}, {"p.a", "p.c"}, {"p.b", "end"}, {"p.c", "end"}};
  EXPECT_EQ(edges, want) << inspected.out;
}

TEST(Convert, UsageErrors) {
  TempDir in;
  in.Write("orders.py", kLegacyDag);
  EXPECT_EQ(RunDagport({"convert", in.path().string()}).exit_code, 2);  // no -o
  auto version =
      RunDagport({"convert", "--airflow-version", "2.3.0", "--check", in.path().string()});
  EXPECT_EQ(version.exit_code, 2);
  EXPECT_NE(version.err.find("2.10.3"), std::string::npos) << version.err;
  EXPECT_EQ(RunDagport({"convert", "--in-place", "-o", "x", in.path().string()}).exit_code, 2);
  EXPECT_EQ(RunDagport({"convert", in.path().string(), "-o", in.path().string()}).exit_code, 2);
  // A path that does not exist: an error, and nothing written.
  TempDir out;
  auto missing = RunDagport(
      {"convert", (in.path() / "no-such-folder").string(), "-o", (out.path() / "x").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("DP001"), std::string::npos);
  EXPECT_FALSE(fs::exists(out.path() / "x"));
}

}  // namespace
}  // namespace dagport
