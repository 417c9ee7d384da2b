// `dagport inspect` and `dagport graph` as a user runs them, on the parser corpus.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/ir_json.h"
#include "tests/test_support.h"

namespace dagport {
namespace {

using testing::RunDagport;

const std::string kDags = "tests/parser/corpus/dags";

TEST(Inspect, JsonIsTheDocumentedIr) {
  auto r =
      RunDagport({"inspect", "--format", "json", kDags + "/tutorial.py"}, testing::SourceDir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ir::Json j = ir::Json::parse(r.out);
  EXPECT_EQ(j["schema"], "dagport.ir/1");
  ASSERT_EQ(j["files"].size(), 1u);
  const ir::Json& dag = j["files"][0]["dags"][0];
  EXPECT_EQ(dag["dag_id"], "tutorial");
  EXPECT_EQ(dag["tasks"][0]["operator"], "airflow.operators.bash_operator.BashOperator");
  EXPECT_FALSE(dag["edges"].empty());
  // And it reads back.
  EXPECT_NO_THROW(ir::ProjectFromJson(j));
}

TEST(Inspect, DagFactoriesReadTheirFolder) {
  // A task per SQL file (os.listdir, glob.glob), per table of a JSON file read with `with
  // open`, all beside the DAG file (the path from __file__). A folder outside the analysed ones
  // is not read: what is built from it is unresolved.
  testing::TempDir dir;
  dir.Write("dags/sql/b_load.sql", "SELECT 1;\n");
  dir.Write("dags/sql/a_extract.sql", "SELECT 1;\n");
  dir.Write("dags/sql/readme.txt", "");
  dir.Write("dags/sql/.hidden.sql", "");
  dir.Write("dags/configs/tables.json", R"({"tables": ["t1", "t2"]})");
  dir.Write("dags/factory.py", R"PY(import glob, json, os
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
HERE = os.path.dirname(os.path.abspath(__file__))
SQL = os.path.join(HERE, "sql")
with DAG("factory", start_date=datetime(2021, 1, 1)) as dag:
    for f in os.listdir(SQL):
        if f.endswith(".sql"):
            DummyOperator(task_id="ls_" + f[:-4])
    for p in glob.glob(os.path.join(SQL, "*.sql")):
        DummyOperator(task_id="glob_" + os.path.basename(p).split(".")[0])
    with open(os.path.join(HERE, "configs", "tables.json")) as fh:
        for t in json.load(fh)["tables"]:
            DummyOperator(task_id="cfg_" + t)
    if os.path.exists(os.path.join(HERE, "configs")) and not os.path.isfile(SQL):
        DummyOperator(task_id="exists")
    for f in os.listdir("/"):
        DummyOperator(task_id="root_" + f)
)PY");
  auto r = RunDagport({"inspect", "--format", "json", (dir.path() / "dags").string()});
  const ir::Json j = ir::Json::parse(r.out);
  std::vector<std::string> ids;
  for (const ir::Json& t : j["files"][0]["dags"][0]["tasks"]) ids.push_back(t["task_id"]);
  // os.listdir lists hidden files; glob's `*` does not match them.
  EXPECT_EQ(
      ids, (std::vector<std::string>{"ls_.hidden", "ls_a_extract", "ls_b_load", "glob_a_extract",
                                     "glob_b_load", "cfg_t1", "cfg_t2", "exists", "\"root_\" + f"}))
      << r.out;
}

TEST(Inspect, OutputIsTheSameWhateverTheJobCount) {
  auto one = RunDagport({"inspect", "--format", "json", "-j", "1", kDags}, testing::SourceDir());
  auto two = RunDagport({"inspect", "--format", "json", "-j", "2", kDags}, testing::SourceDir());
  auto four = RunDagport({"inspect", "--format", "json", "-j", "4", kDags}, testing::SourceDir());
  EXPECT_FALSE(one.out.empty());
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, four.out);
}

TEST(Inspect, TextSummaryAndFindingsOnTheirStreams) {
  auto r = RunDagport({"inspect", kDags}, testing::SourceDir(), {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);  // the corpus has files Airflow would not load: errors
  EXPECT_NE(r.out.find("tutorial  schedule=timedelta(days=1)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("error[DP101]"), std::string::npos);
  EXPECT_EQ(r.err.find('\033'), std::string::npos);
  EXPECT_NE(r.err.find(" DAGs, "), std::string::npos);
}

TEST(Inspect, FailOnSetsTheExitCode) {
  const std::string clean = kDags + "/tutorial.py";
  EXPECT_EQ(RunDagport({"inspect", clean}, testing::SourceDir()).exit_code, 0);
  EXPECT_EQ(RunDagport({"inspect", "--fail-on", "never", kDags}, testing::SourceDir()).exit_code,
            0);
  EXPECT_EQ(RunDagport({"inspect", "--fail-on", "bogus", clean}, testing::SourceDir()).exit_code,
            2);
}

TEST(Inspect, SarifListsTheFindings) {
  auto r = RunDagport({"inspect", "--format", "sarif", "--fail-on", "never", kDags},
                      testing::SourceDir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ir::Json log = ir::Json::parse(r.out);
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_FALSE(log["runs"][0]["results"].empty());
}

TEST(Inspect, MissingPathIsReportedNotFatal) {
  auto r = RunDagport({"inspect", "does/not/exist"}, testing::SourceDir());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DP001"), std::string::npos);
  EXPECT_EQ(RunDagport({"inspect"}, testing::SourceDir()).exit_code, 2);
}

TEST(Inspect, HonoursAirflowIgnore) {
  testing::TempDir tmp;
  tmp.Write("dags/keep.py", "from airflow import DAG\ndag = DAG('keep')\n");
  tmp.Write("dags/skip_me.py", "from airflow import DAG\ndag = DAG('skip')\n");
  tmp.Write("dags/.airflowignore", "skip_\n");
  auto r = RunDagport({"inspect", "--format", "json", "dags"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ir::Json j = ir::Json::parse(r.out);
  ASSERT_EQ(j["files"].size(), 1u);
  EXPECT_EQ(j["files"][0]["path"], "dags/keep.py");
}

TEST(Graph, DrawsOneDagAsDotOrMermaid) {
  auto dot = RunDagport({"graph", kDags + "/tutorial.py"}, testing::SourceDir());
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_TRUE(dot.out.starts_with("digraph \"tutorial\" {")) << dot.out;
  EXPECT_NE(dot.out.find("\"print_date\" -> \"sleep\";"), std::string::npos) << dot.out;
  auto mermaid =
      RunDagport({"graph", "--format", "mermaid", kDags + "/tutorial.py"}, testing::SourceDir());
  ASSERT_EQ(mermaid.exit_code, 0);
  EXPECT_NE(mermaid.out.find("flowchart LR"), std::string::npos);
}

TEST(Graph, AsksWhichDagWhenThereAreSeveral) {
  testing::TempDir tmp;
  tmp.Write("two.py", "from airflow import DAG\na = DAG('a')\nb = DAG('b')\n");
  auto r = RunDagport({"graph", "two.py"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("choose one with --dag"), std::string::npos) << r.err;
  EXPECT_EQ(RunDagport({"graph", "two.py", "--dag", "b"}, tmp.path()).exit_code, 0);
  EXPECT_EQ(RunDagport({"graph", "two.py", "--dag", "c"}, tmp.path()).exit_code, 2);
}

}  // namespace
}  // namespace dagport
