// The evaluator against short, realistic DAG-file snippets: each test states what Python running
// the file under Airflow 1.10 (its DagBag) would build — DAG ids, task ids, operator classes,
// dependencies — and checks that dagport recovers exactly that, statically.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/value.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/python_literals.h"
#include "tests/test_support.h"

namespace dagport::parser {
namespace {

using Strings = std::vector<std::string>;

// What most snippets start with: the imports of a typical Airflow 1.10 DAG file.
constexpr std::string_view kPrelude = R"PY(from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator

START = datetime(2021, 1, 1)
)PY";

/// Analyses `source` as the DAG file `path`, with no DAG folder or plugins on the import path,
/// with Airflow 1.10's import semantics (or Airflow 2's, `airflow_major` 2).
ir::DagFile AnalyzeRaw(const std::string& source, const std::string& path = "test_dag.py",
                       int airflow_major = 1) {
  ModuleLoader loader({}, {});
  EvaluationLimits limits;
  limits.airflow_major = airflow_major;
  return AnalyzeSource(path, source, loader, limits).file;
}

/// The same, after the standard prelude.
ir::DagFile Analyze(std::string_view body, const std::string& path = "test_dag.py") {
  return AnalyzeRaw(std::string(kPrelude) + std::string(body), path);
}

/// The same, as Airflow 2 imports it (TaskGroup, Airflow 2 module paths).
ir::DagFile Analyze2(std::string_view body) {
  return AnalyzeRaw(std::string(kPrelude) + std::string(body), "test_dag.py", 2);
}

std::string ShortName(const std::string& cls) {
  const size_t dot = cls.rfind('.');
  return dot == std::string::npos ? cls : cls.substr(dot + 1);
}

Strings Sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// "task_id:OperatorShortName", sorted; a task whose id is not statically known is "?<source>:Op".
Strings Tasks(const ir::Dag& dag) {
  Strings out;
  for (const ir::Task& t : dag.tasks) {
    out.push_back((t.dynamic ? "?" : "") + t.task_id + ":" + ShortName(t.operator_class));
  }
  return Sorted(std::move(out));
}

/// Just the task ids, sorted.
Strings TaskIds(const ir::Dag& dag) {
  Strings out;
  for (const ir::Task& t : dag.tasks) out.push_back(t.task_id);
  return Sorted(std::move(out));
}

/// "upstream>>downstream", sorted.
Strings Edges(const ir::Dag& dag) {
  Strings out;
  for (const ir::Edge& e : dag.edges) out.push_back(e.from + ">>" + e.to);
  return Sorted(std::move(out));
}

/// DAG ids in the order dagport reports them.
Strings DagIds(const std::vector<ir::Dag>& dags) {
  Strings out;
  for (const ir::Dag& d : dags) out.push_back(d.dag_id);
  return out;
}

bool HasCode(const ir::DagFile& file, std::string_view code) {
  return std::any_of(file.diagnostics.begin(), file.diagnostics.end(),
                     [&](const ir::Diagnostic& d) { return d.code == code; });
}

/// A one-screen summary of what was recovered, for failure messages.
std::string Describe(const ir::DagFile& file) {
  std::string out = "\n";
  auto dags = [&](const char* title, const std::vector<ir::Dag>& list) {
    for (const ir::Dag& d : list) {
      out += std::string(title) + " " + d.dag_id +
             (d.parent_dag.empty() ? "" : " (parent " + d.parent_dag + ")") + "\n";
      for (const std::string& t : Tasks(d)) out += "    task " + t + "\n";
      for (const std::string& e : Edges(d)) out += "    edge " + e + "\n";
    }
  };
  dags("dag", file.dags);
  dags("recovered", file.recovered_dags);
  for (const ir::Diagnostic& d : file.diagnostics) out += "  " + d.code + " " + d.message + "\n";
  return out;
}

const ir::Dag& FindIn(const std::vector<ir::Dag>& dags, std::string_view id,
                      const ir::DagFile& file) {
  for (const ir::Dag& d : dags) {
    if (d.dag_id == id) return d;
  }
  ADD_FAILURE() << "no DAG '" << id << "'" << Describe(file);
  static const ir::Dag kEmpty;
  return kEmpty;
}

/// The collected DAG `id` (a test failure when absent).
const ir::Dag& Dag(const ir::DagFile& file, std::string_view id) {
  return FindIn(file.dags, id, file);
}
const ir::Dag& Recovered(const ir::DagFile& file, std::string_view id) {
  return FindIn(file.recovered_dags, id, file);
}

const ir::Task& TaskOf(const ir::Dag& dag, std::string_view id) {
  if (const ir::Task* t = dag.FindTask(id)) return *t;
  ADD_FAILURE() << "no task '" << id << "' in DAG '" << dag.dag_id << "'";
  static const ir::Task kEmpty;
  return kEmpty;
}

/// An effective (default_args-merged) argument of a task, or None when absent.
ir::Value Effective(const ir::Task& task, std::string_view name) {
  const ir::Value* v = ir::FindArgument(task.effective_arguments, name);
  return v != nullptr ? *v : ir::Value::None();
}

/// An argument as written, or None when absent.
ir::Value Written(const ir::Task& task, std::string_view name) {
  const ir::Value* v = ir::FindArgument(task.arguments, name);
  return v != nullptr ? *v : ir::Value::None();
}

constexpr int64_t kSecond = 1'000'000;

/// Value equality with both values spelled out on failure.
::testing::AssertionResult SameValue(const ir::Value& got, const ir::Value& want) {
  if (got == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << ir::KindName(got.kind()) << " " << got.ToPython() << ", want "
         << ir::KindName(want.kind()) << " " << want.ToPython();
}

/// A naive datetime value.
ir::Value NaiveDatetime(int year, int month, int day, int hour = 0, int minute = 0) {
  ir::Datetime dt;
  dt.year = year;
  dt.month = month;
  dt.day = day;
  dt.hour = hour;
  dt.minute = minute;
  return ir::Value::MakeDatetime(dt);
}

/// A DAG folder (and plugins folder) on disk, for snippets that import local modules.
class Project {
 public:
  std::filesystem::path Write(const std::string& relative, std::string_view text) const {
    return dir_.Write(relative, text);
  }
  /// Analyses dags/<relative> with dags/ on the import path and plugins/ as the plugins folder.
  ir::DagFile Analyze(const std::string& relative) const {
    ModuleLoader loader = Loader();
    return AnalyzeFile((dir_.path() / "dags" / relative).string(), loader).file;
  }
  ModuleLoader Loader() const {
    return ModuleLoader({(dir_.path() / "dags").string()}, {(dir_.path() / "plugins").string()});
  }
  std::filesystem::path path() const { return dir_.path(); }

 private:
  testing::TempDir dir_;
};

// ---------------------------------------------------------------------------------------------
// DAG objects and how DagBag collects them
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorDags, DagIdPositionalAndKeyword) {
  const ir::DagFile f = Analyze(R"PY(
positional = DAG("positional_id", start_date=START)
keyword = DAG(dag_id="keyword_id", start_date=START, schedule_interval=None)
DummyOperator(task_id="p", dag=positional)
DummyOperator(task_id="k", dag=keyword)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"positional_id", "keyword_id"})) << Describe(f);
  EXPECT_EQ(Tasks(Dag(f, "positional_id")), (Strings{"p:DummyOperator"}));
  EXPECT_EQ(Tasks(Dag(f, "keyword_id")), (Strings{"k:DummyOperator"}));
}

TEST(EvaluatorDags, WithDagAsSetsTheContextDag) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("ctx", start_date=START, schedule_interval="@daily") as dag:
    extract = BashOperator(task_id="extract", bash_command="echo extract")
    load = BashOperator(task_id="load", bash_command="echo load")
    extract >> load
stray = DummyOperator(task_id="stray")
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"ctx"})) << Describe(f);
  EXPECT_EQ(Tasks(Dag(f, "ctx")), (Strings{"extract:BashOperator", "load:BashOperator"}));
  EXPECT_EQ(Edges(Dag(f, "ctx")), (Strings{"extract>>load"}));
  EXPECT_TRUE(HasCode(f, "DP116")) << Describe(f);  // `stray` belongs to no DAG
}

TEST(EvaluatorDags, WithExistingDagObject) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("reused", start_date=START)
with dag:
    first = DummyOperator(task_id="first")
second = DummyOperator(task_id="second", dag=dag)
first >> second
)PY");
  EXPECT_EQ(Tasks(Dag(f, "reused")), (Strings{"first:DummyOperator", "second:DummyOperator"}))
      << Describe(f);
  EXPECT_EQ(Edges(Dag(f, "reused")), (Strings{"first>>second"}));
}

TEST(EvaluatorDags, DagNoneInsideWithTakesTheContextDag) {
  const ir::DagFile f = Analyze(R"PY(
other = DAG("other", start_date=START)
with DAG("ctx", start_date=START) as dag:
    implicit = DummyOperator(task_id="implicit")
    explicit_none = DummyOperator(task_id="explicit_none", dag=None)
    elsewhere = DummyOperator(task_id="elsewhere", dag=other)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"other", "ctx"})) << Describe(f);
  EXPECT_EQ(TaskIds(Dag(f, "ctx")), (Strings{"explicit_none", "implicit"}));
  EXPECT_EQ(TaskIds(Dag(f, "other")), (Strings{"elsewhere"}));
}

TEST(EvaluatorDags, NestedWithRestoresTheOuterDag) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("outer", start_date=START) as outer:
    a = DummyOperator(task_id="a")
    with DAG("inner", start_date=START) as inner:
        b = DummyOperator(task_id="b")
    c = DummyOperator(task_id="c")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "outer")), (Strings{"a", "c"})) << Describe(f);
  EXPECT_EQ(TaskIds(Dag(f, "inner")), (Strings{"b"}));
}

TEST(EvaluatorDags, SeveralDagsPerFileInBindingOrder) {
  const ir::DagFile f = Analyze(R"PY(
daily = DAG("daily_sync", start_date=START, schedule_interval="@daily")
hourly = DAG("hourly_sync", start_date=START, schedule_interval="@hourly")
weekly = DAG("weekly_sync", start_date=START, schedule_interval="@weekly")
for d in (daily, hourly, weekly):
    DummyOperator(task_id="sync", dag=d)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"daily_sync", "hourly_sync", "weekly_sync"})) << Describe(f);
  for (const ir::Dag& d : f.dags) EXPECT_EQ(TaskIds(d), (Strings{"sync"})) << d.dag_id;
}

TEST(EvaluatorDags, DagReboundInLoopOnlyLastIsCollected) {
  const ir::DagFile f = Analyze(R"PY(
for name in ["alpha", "beta", "gamma"]:
    dag = DAG("rebound_" + name, start_date=START)
    DummyOperator(task_id="work", dag=dag)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"rebound_gamma"})) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP112"));
}

TEST(EvaluatorDags, DagBuiltInFunctionAndDiscardedIsNotCollected) {
  const ir::DagFile f = Analyze(R"PY(
def build(dag_id):
    dag = DAG(dag_id, start_date=START)
    DummyOperator(task_id="t", dag=dag)
    return dag

build("discarded")
kept = build("kept")
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"kept"})) << Describe(f);
  EXPECT_TRUE(f.recovered_dags.empty());
  EXPECT_TRUE(HasCode(f, "DP112"));
}

TEST(EvaluatorDags, Airflow2CollectsDagsUsedAsContextManagersWithoutAGlobal) {
  // Airflow 2.4+ auto-registers a DAG whose `with` block ends (auto_register=True); 1.10 does
  // not, and auto_register=False turns it off.
  constexpr std::string_view kBody = R"PY(
def build(dag_id, register=True):
    with DAG(dag_id, start_date=START, auto_register=register):
        DummyOperator(task_id="t")

with DAG("unbound", start_date=START):
    DummyOperator(task_id="a")
build("from_factory")
build("opted_out", register=False)
)PY";
  const ir::DagFile two = Analyze2(kBody);
  EXPECT_EQ(DagIds(two.dags), (Strings{"unbound", "from_factory"})) << Describe(two);
  for (const ir::Dag& d : two.dags) EXPECT_TRUE(d.auto_registered) << d.dag_id;  // no global
  EXPECT_TRUE(HasCode(two, "DP112"));                                            // opted_out
  const ir::DagFile one = Analyze(kBody);
  EXPECT_TRUE(one.dags.empty()) << Describe(one);
}

TEST(EvaluatorDags, ADagAGlobalHoldsIsNotMarkedAutoRegistered) {
  const ir::DagFile f = Analyze2(R"PY(
with DAG("held", start_date=START) as dag:
    DummyOperator(task_id="a")
)PY");
  ASSERT_EQ(DagIds(f.dags), (Strings{"held"})) << Describe(f);
  EXPECT_FALSE(f.dags[0].auto_registered);
}

TEST(EvaluatorDags, DagsInsideContainersAreNotCollected) {
  const ir::DagFile f = Analyze(R"PY(
all_dags = [DAG("in_list_%d" % i, start_date=START) for i in range(2)]
by_name = {"x": DAG("in_dict", start_date=START)}
top = DAG("top_level", start_date=START)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"top_level"})) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP112"));
}

TEST(EvaluatorDags, GlobalStatementInFunctionBindsTheDag) {
  const ir::DagFile f = Analyze(R"PY(
def setup():
    global dag
    dag = DAG("from_global_stmt", start_date=START)
    DummyOperator(task_id="t", dag=dag)

setup()
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"from_global_stmt"})) << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP112"));
}

TEST(EvaluatorDags, GlobalsFactoryOverList) {
  const ir::DagFile f = Analyze(R"PY(
def create_dag(dag_id, schedule):
    dag = DAG(dag_id, schedule_interval=schedule, start_date=START)
    with dag:
        start = DummyOperator(task_id="start")
        done = DummyOperator(task_id="done")
        start >> done
    return dag

for team in ["sales", "hr"]:
    dag_id = "report_{}".format(team)
    globals()[dag_id] = create_dag(dag_id, "@daily")
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"report_sales", "report_hr"})) << Describe(f);
  for (const ir::Dag& d : f.dags) {
    EXPECT_EQ(TaskIds(d), (Strings{"done", "start"})) << d.dag_id;
    EXPECT_EQ(Edges(d), (Strings{"start>>done"})) << d.dag_id;
  }
  EXPECT_FALSE(HasCode(f, "DP112"));
}

TEST(EvaluatorDags, GlobalsFactoryOverDict) {
  const ir::DagFile f = Analyze(R"PY(
SOURCES = {
    "orders": {"schedule": "0 1 * * *", "tables": ["orders", "order_items"]},
    "users": {"schedule": None, "tables": ["users"]},
}

def make_dag(source, config):
    dag = DAG("ingest_" + source, schedule_interval=config["schedule"], start_date=START)
    done = DummyOperator(task_id="done", dag=dag)
    for table in config["tables"]:
        DummyOperator(task_id="copy_" + table, dag=dag) >> done
    return dag

for source, config in SOURCES.items():
    globals()["ingest_" + source] = make_dag(source, config)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"ingest_orders", "ingest_users"})) << Describe(f);
  const ir::Dag& orders = Dag(f, "ingest_orders");
  EXPECT_EQ(TaskIds(orders), (Strings{"copy_order_items", "copy_orders", "done"}));
  EXPECT_EQ(Edges(orders), (Strings{"copy_order_items>>done", "copy_orders>>done"}));
  EXPECT_TRUE(SameValue(orders.Setting("schedule"), ir::Value::Cron("0 1 * * *")));
  const ir::Dag& users = Dag(f, "ingest_users");
  EXPECT_EQ(TaskIds(users), (Strings{"copy_users", "done"}));
  EXPECT_TRUE(SameValue(users.Setting("schedule"), ir::Value::None()));
  EXPECT_FALSE(users.schedule_is_default());
}

// Two DAG objects with one dag_id: DagBag.bag_dag stores dags[dag_id], so the one bound to the
// later global replaces the first.
TEST(EvaluatorDags, SameDagIdTwiceTheLaterGlobalWins) {
  const ir::DagFile f = Analyze(R"PY(
first = DAG("same_id", start_date=START)
DummyOperator(task_id="from_first", dag=first)
second = DAG("same_id", start_date=START)
DummyOperator(task_id="from_second", dag=second)
)PY");
  ASSERT_EQ(DagIds(f.dags), (Strings{"same_id"})) << Describe(f);
  EXPECT_EQ(TaskIds(f.dags[0]), (Strings{"from_second"}));
}

TEST(EvaluatorDags, FileWithoutAirflowIsSkipped) {
  ModuleLoader loader({}, {});
  const FileAnalysis r =
      AnalyzeSource("helpers.py", "def build_DAG_name(x):\n    return x\n", loader);
  EXPECT_FALSE(r.might_contain_dag);
  EXPECT_TRUE(r.file.dags.empty());
}

TEST(EvaluatorDags, DagIdFromDunderFile) {
  const ir::DagFile f = Analyze(R"PY(
import os
DAG_ID = os.path.basename(__file__).replace(".py", "")
with DAG(DAG_ID, start_date=START) as dag:
    DummyOperator(task_id="t")
)PY",
                                "dags/customer_etl.py");
  EXPECT_EQ(DagIds(f.dags), (Strings{"customer_etl"})) << Describe(f);
}

TEST(EvaluatorDags, DagIdFromPathlibStem) {
  const ir::DagFile f = Analyze(R"PY(
from pathlib import Path
with DAG(Path(__file__).stem, start_date=START) as dag:
    DummyOperator(task_id="t")
)PY",
                                "dags/customer_etl.py");
  EXPECT_EQ(DagIds(f.dags), (Strings{"customer_etl"})) << Describe(f);
}

// ---------------------------------------------------------------------------------------------
// default_args
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorDefaults, DefaultArgsMergeExplicitWins) {
  const ir::DagFile f = Analyze(R"PY(
default_args = {"owner": "data", "retries": 2, "retry_delay": timedelta(minutes=5), "start_date": START}
dag = DAG("defaults", default_args=default_args, schedule_interval="@daily")
explicit = BashOperator(task_id="explicit", bash_command="true", retries=5, dag=dag)
task_level = BashOperator(task_id="task_level", bash_command="true", dag=dag,
                          default_args={"owner": "ops", "queue": "reports"})
default_args["retries"] = 9
later = BashOperator(task_id="later", bash_command="true", dag=dag)
)PY");
  const ir::Dag& d = Dag(f, "defaults");
  EXPECT_FALSE(HasCode(f, "DP125")) << Describe(f);
  const ir::Task& explicit_task = TaskOf(d, "explicit");
  EXPECT_TRUE(SameValue(explicit_task.Setting("retries"), ir::Value::Int(5)));
  EXPECT_TRUE(SameValue(Effective(explicit_task, "owner"), ir::Value::String("data")));
  EXPECT_TRUE(SameValue(explicit_task.Setting("retry_delay"), ir::Value::Timedelta(300 * kSecond)));
  EXPECT_TRUE(
      SameValue(Written(explicit_task, "owner"), ir::Value::None()));  // as written: not merged
  const ir::Task& task_level = TaskOf(d, "task_level");
  EXPECT_TRUE(SameValue(Effective(task_level, "owner"), ir::Value::String("ops")));
  EXPECT_TRUE(SameValue(task_level.Setting("queue"), ir::Value::String("reports")));
  EXPECT_TRUE(SameValue(task_level.Setting("retries"), ir::Value::Int(2)));
  // DAG() deep-copies default_args: the later change does not reach the DAG.
  EXPECT_TRUE(SameValue(TaskOf(d, "later").Setting("retries"), ir::Value::Int(2)));
}

// Each task's effective arguments hold the DAG's default_args values, and its arguments as
// written are there again: the IR holds each list, dict and long string once.
TEST(EvaluatorDefaults, TasksShareTheValuesTheyHaveInCommon) {
  const ir::DagFile f = Analyze(R"PY(
default_args = {"email": ["data@example.com"], "start_date": START,
                "params": {"table": "orders"}}
dag = DAG("shared", default_args=default_args, schedule_interval="@daily")
sql = "SELECT * FROM orders WHERE ds = '{{ ds }}'"
a = BashOperator(task_id="a", bash_command=sql, dag=dag)
b = BashOperator(task_id="b", bash_command=sql, dag=dag)
)PY");
  const ir::Dag& d = Dag(f, "shared");
  const ir::Task& a = TaskOf(d, "a");
  const ir::Task& b = TaskOf(d, "b");
  EXPECT_EQ(&Effective(a, "email").items(), &Effective(b, "email").items());
  EXPECT_EQ(&Effective(a, "params").entries(), &Effective(b, "params").entries());
  EXPECT_EQ(&Effective(a, "bash_command").as_text(), &Written(a, "bash_command").as_text());
  EXPECT_EQ(&Written(a, "bash_command").as_text(), &Written(b, "bash_command").as_text());
  EXPECT_EQ(Effective(b, "email"), ir::Value::List({ir::Value::String("data@example.com")}));
}

TEST(EvaluatorDefaults, ContextDagDefaultArgsApplyInsideWith) {
  const ir::DagFile f = Analyze(R"PY(
args = {"owner": "etl", "start_date": START, "pool": "warehouse"}
with DAG("ctx_defaults", default_args=args, schedule_interval=None) as dag:
    a = DummyOperator(task_id="a")
    b = DummyOperator(task_id="b", pool="small")
)PY");
  const ir::Dag& d = Dag(f, "ctx_defaults");
  EXPECT_TRUE(SameValue(TaskOf(d, "a").Setting("pool"), ir::Value::String("warehouse")));
  EXPECT_TRUE(SameValue(TaskOf(d, "b").Setting("pool"), ir::Value::String("small")));
  EXPECT_TRUE(SameValue(Effective(TaskOf(d, "a"), "owner"), ir::Value::String("etl")));
  EXPECT_TRUE(
      SameValue(TaskOf(d, "a").Setting("retries"), ir::Value::Int(0)));  // Airflow's default
}

// Airflow loads this DAG: the deep-copied default_args carry start_date (and retries=3).
TEST(EvaluatorDefaults, DefaultArgsCopiedWithCopyDeepcopy) {
  const ir::DagFile f = Analyze(R"PY(
import copy
DEFAULT_ARGS = {"owner": "data", "start_date": START, "retries": 1}
args = copy.deepcopy(DEFAULT_ARGS)
args["retries"] = 3
dag = DAG("copied_defaults", default_args=args, schedule_interval="@daily")
DummyOperator(task_id="t", dag=dag)
)PY");
  // Airflow: t gets start_date and retries=3 from the copied default_args; the file loads.
  EXPECT_FALSE(HasCode(f, "DP125")) << Describe(f);
  EXPECT_TRUE(
      SameValue(TaskOf(Dag(f, "copied_defaults"), "t").Setting("retries"), ir::Value::Int(3)));
}

TEST(EvaluatorDefaults, DictMergeIdiomsForDefaultArgs) {
  const ir::DagFile f = Analyze(R"PY(
BASE = {"owner": "data", "start_date": START, "retries": 1}
dag = DAG("merged_defaults", default_args=dict(BASE, retries=2), schedule_interval=None)
DummyOperator(task_id="a", dag=dag)
DummyOperator(task_id="b", dag=dag, default_args={**BASE, "queue": "heavy"})
)PY");
  const ir::Dag& d = Dag(f, "merged_defaults");
  EXPECT_TRUE(SameValue(TaskOf(d, "a").Setting("retries"), ir::Value::Int(2))) << Describe(f);
  EXPECT_TRUE(
      SameValue(TaskOf(d, "b").Setting("retries"), ir::Value::Int(1)));  // task default_args win
  EXPECT_TRUE(SameValue(TaskOf(d, "b").Setting("queue"), ir::Value::String("heavy")));
}

TEST(EvaluatorDefaults, TriggerRuleConstants) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.utils.trigger_rule import TriggerRule
with DAG("rules", start_date=START) as dag:
    cleanup = DummyOperator(task_id="cleanup", trigger_rule=TriggerRule.ALL_DONE)
    notify = DummyOperator(task_id="notify", trigger_rule="one_failed")
)PY");
  const ir::Dag& d = Dag(f, "rules");
  EXPECT_TRUE(
      SameValue(TaskOf(d, "cleanup").Setting("trigger_rule"), ir::Value::String("all_done")))
      << Describe(f);
  EXPECT_TRUE(
      SameValue(TaskOf(d, "notify").Setting("trigger_rule"), ir::Value::String("one_failed")));
}

// ---------------------------------------------------------------------------------------------
// Dependencies
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorDeps, ShiftChainsReturnTheRightOperand) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("chains", start_date=START) as dag:
    a, b, c, d, e, f = [DummyOperator(task_id=n) for n in ["a", "b", "c", "d", "e", "f"]]
    a >> b >> c
    c >> [d, e] >> f
)PY");
  EXPECT_EQ(Edges(Dag(f, "chains")), Sorted({"a>>b", "b>>c", "c>>d", "c>>e", "d>>f", "e>>f"}))
      << Describe(f);
}

TEST(EvaluatorDeps, LeftShiftAndListsOnEitherSide) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("lshift", start_date=START) as dag:
    a, b, c, d, e = [DummyOperator(task_id=n) for n in "abcde"]
    a << b << c
    [d, e] << a
    joined = [d, e] >> DummyOperator(task_id="f")
    joined >> DummyOperator(task_id="g")
)PY");
  EXPECT_EQ(Edges(Dag(f, "lshift")),
            Sorted({"b>>a", "c>>b", "a>>d", "a>>e", "d>>f", "e>>f", "f>>g"}))
      << Describe(f);
}

TEST(EvaluatorDeps, SetUpstreamAndDownstreamWithLists) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("setters", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    left = DummyOperator(task_id="left")
    right = DummyOperator(task_id="right")
    join = DummyOperator(task_id="join")
    start.set_downstream([left, right])
    join.set_upstream([left, right])
    end = DummyOperator(task_id="end")
    end.set_upstream(join)
)PY");
  EXPECT_EQ(Edges(Dag(f, "setters")),
            Sorted({"start>>left", "start>>right", "left>>join", "right>>join", "join>>end"}))
      << Describe(f);
}

TEST(EvaluatorDeps, DagSetDependencyByTaskIds) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("by_ids", start_date=START)
for name in ["canning", "autoclaving", "simhash"]:
    DummyOperator(task_id=name, dag=dag)
dag.set_dependency("canning", "autoclaving")
dag.set_dependency("autoclaving", "simhash")
)PY");
  EXPECT_EQ(Edges(Dag(f, "by_ids")), Sorted({"canning>>autoclaving", "autoclaving>>simhash"}))
      << Describe(f);
  // An id the DAG does not have: set_dependency raises, the file does not load.
  const ir::DagFile missing = Analyze(R"PY(
dag = DAG("missing", start_date=START)
a = DummyOperator(task_id="a", dag=dag)
dag.set_dependency("a", "nope")
)PY");
  EXPECT_TRUE(missing.dags.empty()) << Describe(missing);
}

TEST(EvaluatorDeps, ChainPairsListsElementwise) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.utils.helpers import chain
with DAG("chained", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    a1, a2 = DummyOperator(task_id="a1"), DummyOperator(task_id="a2")
    b1, b2 = DummyOperator(task_id="b1"), DummyOperator(task_id="b2")
    end = DummyOperator(task_id="end")
    chain(start, [a1, a2], [b1, b2], end)
)PY");
  EXPECT_EQ(Edges(Dag(f, "chained")),
            Sorted({"start>>a1", "start>>a2", "a1>>b1", "a2>>b2", "b1>>end", "b2>>end"}))
      << Describe(f);
}

TEST(EvaluatorDeps, CrossDownstreamLinksEveryPair) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.utils.helpers import cross_downstream
with DAG("crossed", start_date=START) as dag:
    extracts = [DummyOperator(task_id="extract_%d" % i) for i in range(2)]
    loads = [DummyOperator(task_id="load_%d" % i) for i in range(3)]
    cross_downstream(extracts, loads)
)PY");
  Strings want;
  for (int i = 0; i < 2; ++i) {
    for (int k = 0; k < 3; ++k)
      want.push_back("extract_" + std::to_string(i) + ">>load_" + std::to_string(k));
  }
  EXPECT_EQ(Edges(Dag(f, "crossed")), Sorted(want)) << Describe(f);
}

TEST(EvaluatorDeps, DagShiftTaskAssignsTheDag) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("assigned", start_date=START)
op1 = DummyOperator(task_id="op1")
op2 = DummyOperator(task_id="op2")
op3 = DummyOperator(task_id="op3")
dag >> op1 >> op2
op3 << dag
)PY");
  // BaseOperator.__rrshift__/__lshift__: `dag >> op` and `op << dag` set op.dag.
  EXPECT_EQ(DagIds(f.dags), (Strings{"assigned"})) << Describe(f);
  EXPECT_EQ(TaskIds(Dag(f, "assigned")), (Strings{"op1", "op2", "op3"})) << Describe(f);
  EXPECT_EQ(Edges(Dag(f, "assigned")), (Strings{"op1>>op2"}));
}

TEST(EvaluatorDeps, TaskJoinsDagThroughShift) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("joined", start_date=START)
inside = DummyOperator(task_id="inside", dag=dag)
outside = DummyOperator(task_id="outside")
upstream_free = DummyOperator(task_id="upstream_free")
inside >> outside
upstream_free >> inside
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "joined")), (Strings{"inside", "outside", "upstream_free"}))
      << Describe(f);
  EXPECT_EQ(Edges(Dag(f, "joined")), (Strings{"inside>>outside", "upstream_free>>inside"}));
  EXPECT_FALSE(HasCode(f, "DP116"));
}

TEST(EvaluatorDeps, DagTasksPropertyAfterCreation) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("fan_in", start_date=START) as dag:
    for i in range(3):
        DummyOperator(task_id="work_%d" % i)
    done = DummyOperator(task_id="done")
    for t in dag.tasks:
        if t.task_id != "done":
            t >> done
)PY");
  EXPECT_EQ(Edges(Dag(f, "fan_in")), Sorted({"work_0>>done", "work_1>>done", "work_2>>done"}))
      << Describe(f);
}

TEST(EvaluatorDeps, AssigningTaskDagAttribute) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("attr_assigned", start_date=START)
tasks = [DummyOperator(task_id="t%d" % i) for i in range(3)]
for t in tasks:
    t.dag = dag
tasks[0] >> tasks[1:]
)PY");
  const ir::Dag& d = Dag(f, "attr_assigned");
  EXPECT_EQ(TaskIds(d), Sorted({"t0", "t1", "t2"})) << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"t0>>t1", "t0>>t2"}));
}

TEST(EvaluatorDeps, PairwiseLinksByIndex) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("pairwise", start_date=START) as dag:
    steps = [DummyOperator(task_id=s) for s in ["extract", "clean", "load", "report"]]
    for i, step in enumerate(steps[:-1]):
        step >> steps[i + 1]
)PY");
  EXPECT_EQ(Edges(Dag(f, "pairwise")), Sorted({"extract>>clean", "clean>>load", "load>>report"}))
      << Describe(f);
}

// sum(list_of_lists, []) flattens the lists.
TEST(EvaluatorDeps, SumFlattensListsOfTasks) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("flattened", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    groups = [[DummyOperator(task_id="%s_%d" % (g, i)) for i in range(2)] for g in ["a", "b"]]
    start >> sum(groups, [])
)PY");
  EXPECT_EQ(Edges(Dag(f, "flattened")),
            Sorted({"start>>a_0", "start>>a_1", "start>>b_0", "start>>b_1"}))
      << Describe(f);
}

TEST(EvaluatorDeps, ListShiftListIsReported) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("lists", start_date=START) as dag:
    a, b, c, d = [DummyOperator(task_id=n) for n in "abcd"]
    [a, b] >> [c, d]
)PY");
  EXPECT_TRUE(HasCode(f, "DP121")) << Describe(f);
}

// `[a, b] >> [c, d]` raises TypeError while the module runs, so DagBag loads nothing from it.
TEST(EvaluatorDeps, ListShiftListFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("lists", start_date=START) as dag:
    a, b, c, d = [DummyOperator(task_id=n) for n in "abcd"]
    [a, b] >> [c, d]
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_EQ(DagIds(f.recovered_dags), (Strings{"lists"}));
}

TEST(EvaluatorDeps, ChainOfUnequalListsIsReported) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.utils.helpers import chain
with DAG("unequal", start_date=START) as dag:
    a, b = DummyOperator(task_id="a"), DummyOperator(task_id="b")
    c, d, e = DummyOperator(task_id="c"), DummyOperator(task_id="d"), DummyOperator(task_id="e")
    chain([a, b], [c, d, e])
)PY");
  EXPECT_TRUE(HasCode(f, "DP121")) << Describe(f);
}

// chain() of lists of different lengths raises AirflowException at import time.
TEST(EvaluatorDeps, ChainOfUnequalListsFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.utils.helpers import chain
with DAG("unequal", start_date=START) as dag:
    a, b = DummyOperator(task_id="a"), DummyOperator(task_id="b")
    c, d, e = DummyOperator(task_id="c"), DummyOperator(task_id="d"), DummyOperator(task_id="e")
    chain([a, b], [c, d, e])
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_EQ(DagIds(f.recovered_dags), (Strings{"unequal"}));
}

TEST(EvaluatorDeps, DependencyAcrossDagsIsReported) {
  const ir::DagFile f = Analyze(R"PY(
one = DAG("one", start_date=START)
two = DAG("two", start_date=START)
x = DummyOperator(task_id="x", dag=one)
y = DummyOperator(task_id="y", dag=two)
x >> y
)PY");
  EXPECT_TRUE(HasCode(f, "DP122")) << Describe(f);
}

// BaseOperator._set_relatives raises AirflowException ("Tried to set relationships between tasks
// in more than one DAG"), so the file fails to import.
TEST(EvaluatorDeps, DependencyAcrossDagsFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
one = DAG("one", start_date=START)
two = DAG("two", start_date=START)
x = DummyOperator(task_id="x", dag=one)
y = DummyOperator(task_id="y", dag=two)
x >> y
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_EQ(DagIds(f.recovered_dags), (Strings{"one", "two"}));
}

// Linking two tasks neither of which has a DAG raises AirflowException in 1.10 ("Tried to create
// relationships between tasks that don't have DAGs yet"): the file loads nothing.
TEST(EvaluatorDeps, LinkingTasksWithoutDagsFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
a = DummyOperator(task_id="a", start_date=START)
b = DummyOperator(task_id="b", start_date=START)
a >> b
dag = DAG("later", start_date=START)
dag.add_tasks([a, b])
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
}

// ---------------------------------------------------------------------------------------------
// Loops and comprehensions
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorLoops, ListsTuplesAndDictViews) {
  const ir::DagFile f = Analyze(R"PY(
TABLES = {"orders": "sales", "users": "crm"}
with DAG("loops", start_date=START) as dag:
    for name in ["a", "b"]:
        DummyOperator(task_id="list_" + name)
    for name in ("c",):
        DummyOperator(task_id="tuple_" + name)
    for table, schema in TABLES.items():
        DummyOperator(task_id=schema + "__" + table)
    for table in TABLES.keys():
        DummyOperator(task_id="key_" + table)
    for schema in TABLES.values():
        DummyOperator(task_id="value_" + schema)
    for table in TABLES:
        DummyOperator(task_id="iter_" + table)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "loops")),
            Sorted({"list_a", "list_b", "tuple_c", "sales__orders", "crm__users", "key_orders",
                    "key_users", "value_sales", "value_crm", "iter_orders", "iter_users"}))
      << Describe(f);
}

TEST(EvaluatorLoops, RangeEnumerateZipReversed) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("builtins", start_date=START) as dag:
    for i in range(1, 10, 4):
        DummyOperator(task_id="range_%d" % i)
    for i in range(3, 0, -1):
        DummyOperator(task_id="down_%d" % i)
    for n, region in enumerate(["eu", "us"], start=1):
        DummyOperator(task_id="%d_%s" % (n, region))
    for region, code in zip(["eu", "us", "apac"], [10, 20]):
        DummyOperator(task_id="%s_%d" % (region, code))
    prev = None
    for step in reversed(["first", "second", "third"]):
        t = DummyOperator(task_id="rev_" + step)
        if prev is not None:
            prev >> t
        prev = t
)PY");
  const ir::Dag& d = Dag(f, "builtins");
  EXPECT_EQ(TaskIds(d),
            Sorted({"range_1", "range_5", "range_9", "down_3", "down_2", "down_1", "1_eu", "2_us",
                    "eu_10", "us_20", "rev_third", "rev_second", "rev_first"}))
      << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"rev_third>>rev_second", "rev_second>>rev_first"}));
}

TEST(EvaluatorLoops, SortedWithKeyLambdaAndReverse) {
  const ir::DagFile f = Analyze(R"PY(
JOBS = [("load", 3), ("clean", 1), ("report", 2)]
with DAG("sorted_jobs", start_date=START) as dag:
    prev = None
    for name, prio in sorted(JOBS, key=lambda job: job[1]):
        t = DummyOperator(task_id=name)
        if prev:
            prev >> t
        prev = t
    names = sorted([j[0] for j in JOBS], reverse=True)
    DummyOperator(task_id="first_" + names[0])
)PY");
  const ir::Dag& d = Dag(f, "sorted_jobs");
  EXPECT_EQ(TaskIds(d), Sorted({"clean", "report", "load", "first_report"})) << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"clean>>report", "report>>load"}));
}

// sorted(..., reverse=True) is stable: equal keys keep their original order.
TEST(EvaluatorLoops, SortedReverseKeepsTiesInOrder) {
  const ir::DagFile f = Analyze(R"PY(
STEPS = [("extract_a", 1), ("extract_b", 1), ("publish", 2)]
with DAG("ties", start_date=START) as dag:
    prev = None
    for name, _ in sorted(STEPS, key=lambda s: s[1], reverse=True):
        t = DummyOperator(task_id=name)
        if prev:
            prev >> t
        prev = t
)PY");
  EXPECT_EQ(Edges(Dag(f, "ties")), Sorted({"publish>>extract_a", "extract_a>>extract_b"}))
      << Describe(f);
}

TEST(EvaluatorLoops, MaxWithKey) {
  const ir::DagFile f = Analyze(R"PY(
TABLES = ["users", "order_items", "events"]
with DAG("max_key", start_date=START) as dag:
    widest = max(TABLES, key=len)
    DummyOperator(task_id="vacuum_" + widest)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "max_key")), (Strings{"vacuum_order_items"})) << Describe(f);
}

TEST(EvaluatorLoops, ConfigDrivenDependenciesAndWorklist) {
  const ir::DagFile f = Analyze(R"PY(
DEPS = {"extract": [], "clean": ["extract"], "load": ["clean"], "report": ["load", "clean"]}
CHILDREN = {"root": ["a", "b"], "a": ["a1"], "b": []}
with DAG("config_driven", start_date=START) as dag:
    tasks = {}
    for name in DEPS:
        tasks[name] = DummyOperator(task_id=name)
    for name, ups in DEPS.items():
        for up in ups:
            tasks[up] >> tasks[name]
    queue = ["root"]
    while queue:
        node = queue.pop(0)
        DummyOperator(task_id="visit_" + node)
        queue.extend(CHILDREN.get(node, []))
)PY");
  const ir::Dag& d = Dag(f, "config_driven");
  EXPECT_EQ(TaskIds(d), Sorted({"extract", "clean", "load", "report", "visit_root", "visit_a",
                                "visit_b", "visit_a1"}))
      << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"extract>>clean", "clean>>load", "load>>report", "clean>>report"}));
}

TEST(EvaluatorLoops, DivmodInTaskIds) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("slots", start_date=START) as dag:
    for minutes in (90, 135):
        hours, rest = divmod(minutes, 60)
        DummyOperator(task_id="at_%02d%02d" % (hours, rest))
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "slots")), Sorted({"at_0130", "at_0215"})) << Describe(f);
}

TEST(EvaluatorLoops, NestedLoopsBreakOnlyTheInnerLoop) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("nested", start_date=START) as dag:
    for layer in ["raw", "clean"]:
        for table in ["a", "b", "skip", "c", "stop", "d"]:
            if table == "skip":
                continue
            if table == "stop":
                break
            DummyOperator(task_id=layer + "_" + table)
        DummyOperator(task_id=layer + "_done")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "nested")), Sorted({"raw_a", "raw_b", "raw_c", "raw_done", "clean_a",
                                               "clean_b", "clean_c", "clean_done"}))
      << Describe(f);
}

TEST(EvaluatorLoops, BreakAndContinue) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("evens", start_date=START) as dag:
    for i in range(10):
        if i % 2 == 1:
            continue
        if i > 6:
            break
        DummyOperator(task_id="even_%d" % i)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "evens")), Sorted({"even_0", "even_2", "even_4", "even_6"}))
      << Describe(f);
}

TEST(EvaluatorLoops, ForElseRunsOnlyWithoutBreak) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("for_else", start_date=START) as dag:
    for name in ["a", "b"]:
        if name == "z":
            break
    else:
        DummyOperator(task_id="no_break")
    for name in ["a", "z", "b"]:
        if name == "z":
            break
        DummyOperator(task_id="seen_" + name)
    else:
        DummyOperator(task_id="never")
    for name in []:
        pass
    else:
        DummyOperator(task_id="empty_loop_else")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "for_else")), Sorted({"no_break", "seen_a", "empty_loop_else"}))
      << Describe(f);
}

TEST(EvaluatorLoops, WhileWithCounter) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("while_loop", start_date=START) as dag:
    i = 0
    prev = None
    while i < 3:
        t = DummyOperator(task_id="step_%d" % i)
        if prev:
            prev >> t
        prev = t
        i += 1
    DummyOperator(task_id="final_%d" % i)
)PY");
  const ir::Dag& d = Dag(f, "while_loop");
  EXPECT_EQ(TaskIds(d), Sorted({"step_0", "step_1", "step_2", "final_3"})) << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"step_0>>step_1", "step_1>>step_2"}));
}

// Python runs a while loop's `else:` when the condition becomes false without a break.
TEST(EvaluatorLoops, WhileElse) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("while_else", start_date=START) as dag:
    attempts = 0
    while attempts < 2:
        attempts += 1
    else:
        DummyOperator(task_id="after_%d" % attempts)
    n = 0
    while n < 5:
        n += 1
        if n == 2:
            break
    else:
        DummyOperator(task_id="not_reached")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "while_else")), (Strings{"after_2"})) << Describe(f);
}

TEST(EvaluatorLoops, ComprehensionsMakeTasks) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("comprehensions", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    loads = [DummyOperator(task_id="load_%s" % t) for t in ["a", "skip", "b"] if t != "skip"]
    checks = {t: DummyOperator(task_id="check_" + t) for t in ["a", "b"]}
    cleanups = {DummyOperator(task_id="cleanup_%d" % i) for i in range(2)}
    start >> loads
    for t, load in zip(["a", "b"], loads):
        load >> checks[t]
    for c in cleanups:
        checks["b"] >> c
)PY");
  const ir::Dag& d = Dag(f, "comprehensions");
  EXPECT_EQ(TaskIds(d),
            Sorted({"start", "load_a", "load_b", "check_a", "check_b", "cleanup_0", "cleanup_1"}))
      << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"start>>load_a", "start>>load_b", "load_a>>check_a",
                              "load_b>>check_b", "check_b>>cleanup_0", "check_b>>cleanup_1"}));
}

TEST(EvaluatorLoops, ComprehensionVariableDoesNotLeak) {
  const ir::DagFile f = Analyze(R"PY(
x = "outer"
with DAG("scoping", start_date=START) as dag:
    ids = [x for x in ["inner1", "inner2"]]
    DummyOperator(task_id="after_" + x)
    DummyOperator(task_id="last_" + ids[-1])
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "scoping")), Sorted({"after_outer", "last_inner2"})) << Describe(f);
}

TEST(EvaluatorLoops, ForLoopVariableLeaksAfterTheLoop) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("leaky", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    for region in ["eu", "us", "apac"]:
        task = DummyOperator(task_id="load_" + region)
        start >> task
    final = DummyOperator(task_id="report_" + region)
    task >> final
)PY");
  const ir::Dag& d = Dag(f, "leaky");
  EXPECT_EQ(TaskIds(d), Sorted({"start", "load_eu", "load_us", "load_apac", "report_apac"}))
      << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"start>>load_eu", "start>>load_us", "start>>load_apac",
                              "load_apac>>report_apac"}));
}

TEST(EvaluatorLoops, PreviousIterationDependencies) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("serial", start_date=START) as dag:
    previous = DummyOperator(task_id="begin")
    for part in range(3):
        current = DummyOperator(task_id="part_%d" % part)
        previous >> current
        previous = current
    previous >> DummyOperator(task_id="finish")
)PY");
  EXPECT_EQ(Edges(Dag(f, "serial")),
            Sorted({"begin>>part_0", "part_0>>part_1", "part_1>>part_2", "part_2>>finish"}))
      << Describe(f);
}

// ---------------------------------------------------------------------------------------------
// Functions and classes
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorFunctions, FactoryWithDefaultsAndKeywords) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("factory", start_date=START) as dag:
    def make(name, prefix="load", retries=1):
        return BashOperator(task_id="%s_%s" % (prefix, name), bash_command="run " + name, retries=retries)

    make("a")
    make("b", "dump")
    make(prefix="export", name="c", retries=3)
)PY");
  const ir::Dag& d = Dag(f, "factory");
  EXPECT_EQ(Tasks(d),
            Sorted({"load_a:BashOperator", "dump_b:BashOperator", "export_c:BashOperator"}))
      << Describe(f);
  EXPECT_TRUE(SameValue(TaskOf(d, "export_c").Setting("retries"), ir::Value::Int(3)));
  EXPECT_TRUE(SameValue(TaskOf(d, "load_a").Setting("retries"), ir::Value::Int(1)));
  EXPECT_TRUE(SameValue(Written(TaskOf(d, "dump_b"), "bash_command"), ir::Value::String("run b")));
}

TEST(EvaluatorFunctions, StarArgsAndKwargsForwarding) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("varargs", start_date=START) as dag:
    def link(*tasks):
        for up, down in zip(tasks, tasks[1:]):
            up >> down
        return tasks[-1]

    def bash(task_id, **kwargs):
        return BashOperator(task_id=task_id, bash_command="echo " + task_id, **kwargs)

    last = link(bash("a"), bash("b", queue="fast"), bash("c", pool="db", retries=4))
    bash("d") << last
)PY");
  const ir::Dag& d = Dag(f, "varargs");
  EXPECT_EQ(Edges(d), Sorted({"a>>b", "b>>c", "c>>d"})) << Describe(f);
  EXPECT_TRUE(SameValue(TaskOf(d, "b").Setting("queue"), ir::Value::String("fast")));
  EXPECT_TRUE(SameValue(TaskOf(d, "c").Setting("pool"), ir::Value::String("db")));
  EXPECT_TRUE(SameValue(TaskOf(d, "c").Setting("retries"), ir::Value::Int(4)));
}

TEST(EvaluatorFunctions, KeywordOnlyArguments) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("kwonly", start_date=START) as dag:
    def make(name, *, retries=0, trigger_rule="all_success"):
        return DummyOperator(task_id=name, retries=retries, trigger_rule=trigger_rule)

    def make_all(*names, suffix):
        return [make(n + suffix, retries=2) for n in names]

    join = make("join", trigger_rule="one_success")
    make_all("x", "y", suffix="_v2")
)PY");
  const ir::Dag& d = Dag(f, "kwonly");
  EXPECT_EQ(TaskIds(d), Sorted({"join", "x_v2", "y_v2"})) << Describe(f);
  EXPECT_TRUE(
      SameValue(TaskOf(d, "join").Setting("trigger_rule"), ir::Value::String("one_success")));
  EXPECT_TRUE(SameValue(TaskOf(d, "x_v2").Setting("retries"), ir::Value::Int(2)));
  EXPECT_TRUE(
      SameValue(TaskOf(d, "y_v2").Setting("trigger_rule"), ir::Value::String("all_success")));
}

TEST(EvaluatorFunctions, ClosuresKeepTheirEnclosingState) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("closures", start_date=START) as dag:
    def task_maker(prefix):
        counter = [0]
        def make(name):
            counter[0] += 1
            return DummyOperator(task_id="%s_%s_%d" % (prefix, name, counter[0]))
        return make

    load = task_maker("load")
    load("a")
    load("b")
    task_maker("dump")("c")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "closures")), Sorted({"load_a_1", "load_b_2", "dump_c_1"}))
      << Describe(f);
}

TEST(EvaluatorFunctions, LambdasBindLoopVariablesLate) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("late_binding", start_date=START) as dag:
    makers = []
    for name in ["a", "b"]:
        makers.append(lambda suffix: DummyOperator(task_id="late_%s_%s" % (name, suffix)))
        makers.append(lambda suffix, name=name: DummyOperator(task_id="early_%s_%s" % (name, suffix)))
    for i, make in enumerate(makers):
        make(str(i))
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "late_binding")),
            Sorted({"late_b_0", "early_a_1", "late_b_2", "early_b_3"}))
      << Describe(f);
}

TEST(EvaluatorFunctions, DefaultsAreEvaluatedAtDefinition) {
  const ir::DagFile f = Analyze(R"PY(
PREFIX = "v1"
def make(name, prefix=PREFIX):
    return DummyOperator(task_id=prefix + "_" + name)
PREFIX = "v2"
with DAG("defaults_time", start_date=START) as dag:
    make("a")
    make("b", PREFIX)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "defaults_time")), Sorted({"v1_a", "v2_b"})) << Describe(f);
}

TEST(EvaluatorFunctions, RecursionWithinBounds) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("recursive", start_date=START) as dag:
    def build(level, parent):
        if level == 0:
            return parent
        t = DummyOperator(task_id="level_%d" % level)
        parent >> t
        return build(level - 1, t)

    leaf = build(30, DummyOperator(task_id="root"))
    leaf >> DummyOperator(task_id="leaf_done")
)PY");
  Strings want_edges{"root>>level_30", "level_1>>leaf_done"};
  for (int level = 30; level > 1; --level) {
    want_edges.push_back("level_" + std::to_string(level) + ">>level_" + std::to_string(level - 1));
  }
  const ir::Dag& d = Dag(f, "recursive");
  EXPECT_EQ(d.tasks.size(), 32u) << Describe(f);
  EXPECT_EQ(Edges(d), Sorted(want_edges));
  EXPECT_FALSE(HasCode(f, "DP105"));
}

TEST(EvaluatorFunctions, NonlocalCounter) {
  const ir::DagFile f = Analyze(R"PY(
def counter_factory(prefix):
    count = 0
    def make():
        nonlocal count
        count += 1
        return DummyOperator(task_id="%s_%d" % (prefix, count))
    return make

with DAG("nonlocal_counter", start_date=START) as dag:
    make = counter_factory("job")
    make()
    make()
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "nonlocal_counter")), Sorted({"job_1", "job_2"})) << Describe(f);
}

// functools.partial(BashOperator, dag=dag, retries=2) is a common way to preset operator arguments.
TEST(EvaluatorFunctions, FunctoolsPartialOperatorFactory) {
  const ir::DagFile f = Analyze(R"PY(
from functools import partial
dag = DAG("partials", start_date=START)
bash = partial(BashOperator, dag=dag, retries=2)
bash(task_id="a", bash_command="echo a") >> bash(task_id="b", bash_command="echo b")
)PY");
  const ir::Dag& d = Dag(f, "partials");
  EXPECT_EQ(Tasks(d), Sorted({"a:BashOperator", "b:BashOperator"})) << Describe(f);
  EXPECT_EQ(Edges(d), (Strings{"a>>b"}));
  EXPECT_TRUE(SameValue(TaskOf(d, "a").Setting("retries"), ir::Value::Int(2)));
}

TEST(EvaluatorFunctions, DecoratorsOfTheFileAreApplied) {
  // Innermost first, with arguments; Airflow's own (apply_defaults) keep the function.
  const ir::DagFile f = Analyze(R"PY(
from airflow.utils.decorators import apply_defaults
def logged(fn):
    def wrapper(*a, **k):
        return fn(*a, **k) + "_logged"
    return wrapper
def prefix(p):
    def deco(fn):
        return lambda *a: p + fn(*a)
    return deco
@prefix("pre_")
@logged
def name(x):
    return x
@apply_defaults
def plain(x):
    return x
dag = DAG("decorated", start_date=START)
DummyOperator(task_id=name("n"), dag=dag)
DummyOperator(task_id=plain("p"), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "decorated")), Sorted({"pre_n_logged", "p"})) << Describe(f);
}

TEST(EvaluatorFunctions, GeneratorsYieldTheirItems) {
  const ir::DagFile f = Analyze(R"PY(
def tables():
    yield "t1"
    for t in ["t2", "t3"]:
        if t != "t3":
            yield t
    yield from ["t4", "t5"]
    return
    yield "never"
dag = DAG("generated", start_date=START)
for t in tables():
    DummyOperator(task_id="g_" + t, dag=dag)
DummyOperator(task_id="-".join(t.upper() for t in tables()), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "generated")), Sorted({"g_t1", "g_t2", "g_t4", "g_t5", "T1-T2-T4-T5"}))
      << Describe(f);
}

TEST(EvaluatorFunctions, SliceAssignmentAndDeletionAndDedent) {
  const ir::DagFile f = Analyze(R"PY(
import textwrap
l = list("abcdef")
l[1:3] = ["X"]
l[-1:] = []
del l[:1]
l[10:] = ["Z"]
dag = DAG("slices", start_date=START)
DummyOperator(task_id="".join(l), dag=dag)
for i, t in enumerate(["  a\n    b\n  c", "  x\n \n  y\n", "    p\n  q\n      r", "\ta\n\t\tb"]):
    DummyOperator(task_id="d%d_" % i + textwrap.dedent(t).replace("\n", "N").replace(" ", "S").replace("\t", "T"), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "slices")),
            Sorted({"XdeZ", "d0_aNSSbNc", "d1_xNNyN", "d2_SSpNqNSSSSr", "d3_aNTb"}))
      << Describe(f);
}

TEST(EvaluatorFunctions, InstancesWithCallAreCalled) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("callable_instances", start_date=START)
tasks = []
class Builder(object):
    count = 0
    def __call__(self, name):
        Builder.count += 1
        t = DummyOperator(task_id="%s_%d" % (name, Builder.count), dag=dag)
        tasks.append(t)
        return t
b = Builder()
b("a") >> b("b")
DummyOperator(task_id="total_%d" % len(tasks), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "callable_instances")), Sorted({"a_1", "b_2", "total_2"}))
      << Describe(f);
  EXPECT_EQ(Edges(Dag(f, "callable_instances")), Sorted({"a_1>>b_2"})) << Describe(f);
}

TEST(EvaluatorFunctions, ContextDagOnlyWhileInsideWith) {
  const ir::DagFile f = Analyze(R"PY(
def add_check(name):
    return DummyOperator(task_id="check_" + name)

with DAG("dynamic_context", start_date=START) as dag:
    add_check("inside")
add_check("outside")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "dynamic_context")), (Strings{"check_inside"})) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP116"));
}

TEST(EvaluatorClasses, MethodsBuildTasksFromSelfAttributes) {
  const ir::DagFile f = Analyze(R"PY(
class TablePipeline(object):
    def __init__(self, dag, table, retries=1):
        self.dag = dag
        self.table = table
        self.retries = retries
        self.tasks = []

    def task(self, step):
        t = DummyOperator(task_id="%s_%s" % (step, self.table), dag=self.dag, retries=self.retries)
        if self.tasks:
            self.tasks[-1] >> t
        self.tasks.append(t)
        return t

    def build(self):
        for step in ("extract", "load"):
            self.task(step)
        return self.tasks[-1]

dag = DAG("classes", start_date=START)
end = DummyOperator(task_id="end", dag=dag)
for table in ["orders", "users"]:
    TablePipeline(dag, table, retries=3).build() >> end
)PY");
  const ir::Dag& d = Dag(f, "classes");
  EXPECT_EQ(TaskIds(d),
            Sorted({"end", "extract_orders", "load_orders", "extract_users", "load_users"}))
      << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"extract_orders>>load_orders", "load_orders>>end",
                              "extract_users>>load_users", "load_users>>end"}));
  EXPECT_TRUE(SameValue(TaskOf(d, "extract_users").Setting("retries"), ir::Value::Int(3)));
}

TEST(EvaluatorClasses, SuperInitSetsAttributes) {
  const ir::DagFile f = Analyze(R"PY(
class BaseBuilder(object):
    def __init__(self, dag, prefix):
        self.dag = dag
        self.prefix = prefix

    def make(self, name):
        return DummyOperator(task_id=self.prefix + "_" + name, dag=self.dag)

class ExportBuilder(BaseBuilder):
    def __init__(self, dag):
        super(ExportBuilder, self).__init__(dag, "export")

class ImportBuilder(BaseBuilder):
    def __init__(self, dag):
        super().__init__(dag, "import")

dag = DAG("inheritance", start_date=START)
ExportBuilder(dag).make("orders")
ImportBuilder(dag).make("users")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "inheritance")), Sorted({"export_orders", "import_users"}))
      << Describe(f);
}

TEST(EvaluatorClasses, InheritedMethodsAndClassAttributes) {
  const ir::DagFile f = Analyze(R"PY(
class Base(object):
    kind = "base"
    def __init__(self, dag):
        self.dag = dag
    def make(self, name):
        return DummyOperator(task_id="%s_%s" % (self.kind, name), dag=self.dag)

class Audit(Base):
    kind = "audit"

dag = DAG("class_attrs", start_date=START)
Audit(dag).make("orders")
Base(dag).make("orders")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "class_attrs")), Sorted({"audit_orders", "base_orders"})) << Describe(f);
}

TEST(EvaluatorClasses, StaticMethodCalledThroughSelf) {
  const ir::DagFile f = Analyze(R"PY(
class Naming(object):
    @staticmethod
    def task_id(kind, name):
        return "%s__%s" % (kind, name)

    def __init__(self, dag):
        self.dag = dag

    def make(self, name):
        return DummyOperator(task_id=self.task_id("load", name), dag=self.dag)

dag = DAG("static_methods", start_date=START)
Naming(dag).make("orders")
DummyOperator(task_id=Naming.task_id("check", "orders"), dag=dag)
)PY");
  EXPECT_EQ(Tasks(Dag(f, "static_methods")),
            Sorted({"load__orders:DummyOperator", "check__orders:DummyOperator"}))
      << Describe(f);
}

TEST(EvaluatorClasses, PropertyGivesItsValue) {
  const ir::DagFile f = Analyze(R"PY(
class Source(object):
    def __init__(self, name):
        self.name = name

    @property
    def task_id(self):
        return "ingest_" + self.name

dag = DAG("properties", start_date=START)
for s in [Source("crm"), Source("erp")]:
    DummyOperator(task_id=s.task_id, dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "properties")), Sorted({"ingest_crm", "ingest_erp"})) << Describe(f);
}

TEST(EvaluatorClasses, OperatorClassDefinedInTheDagFile) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.models import BaseOperator

class AuditOperator(BaseOperator):
    def execute(self, context):
        pass

class StrictAuditOperator(AuditOperator):
    pass

with DAG("local_ops", start_date=START) as dag:
    AuditOperator(task_id="audit") >> StrictAuditOperator(task_id="strict")
)PY",
                                "dags/quality_checks.py");
  const ir::Dag& d = Dag(f, "local_ops");
  EXPECT_EQ(TaskOf(d, "audit").operator_class, "quality_checks.AuditOperator") << Describe(f);
  EXPECT_EQ(TaskOf(d, "strict").operator_class, "quality_checks.StrictAuditOperator");
  EXPECT_EQ(Edges(d), (Strings{"audit>>strict"}));
}

// A custom operator that computes its own task_id and passes it to BaseOperator.__init__.
TEST(EvaluatorClasses, CustomOperatorComputesTaskIdInInit) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.models import BaseOperator

class TableCheckOperator(BaseOperator):
    def __init__(self, table, **kwargs):
        super(TableCheckOperator, self).__init__(task_id="check_" + table, **kwargs)
        self.table = table

    def execute(self, context):
        pass

dag = DAG("custom_init", start_date=START)
TableCheckOperator(table="orders", dag=dag)
)PY");
  EXPECT_EQ(Tasks(Dag(f, "custom_init")), (Strings{"check_orders:TableCheckOperator"}))
      << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP110"));
}

// The same with the class in a helper module, in a loop, through two levels of local classes,
// with the DAG from a `with` block: the task is built where it is instantiated.
TEST(EvaluatorClasses, CustomOperatorFromAHelperModuleComputesTaskIds) {
  Project p;
  p.Write("dags/common/checks.py", R"PY(
from airflow.models import BaseOperator
from airflow.utils.decorators import apply_defaults

class CheckBase(BaseOperator):
    @apply_defaults
    def __init__(self, table, *args, **kwargs):
        super().__init__(task_id="check_{}".format(table), pool="checks", *args, **kwargs)
        self.table = table

class RowCountCheck(CheckBase):
    def __init__(self, table, minimum=1, **kwargs):
        super(RowCountCheck, self).__init__(table, **kwargs)
        self.minimum = minimum
)PY");
  p.Write("dags/checks_dag.py", R"PY(
from datetime import datetime
from airflow import DAG
from common.checks import RowCountCheck

with DAG("checks", start_date=datetime(2021, 1, 1), schedule_interval="@daily") as dag:
    previous = None
    for table in ["orders", "users"]:
        check = RowCountCheck(table=table, minimum=10, retries=1)
        if previous is not None:
            previous >> check
        previous = check
)PY");
  const ir::DagFile f = p.Analyze("checks_dag.py");
  const ir::Dag& d = Dag(f, "checks");
  EXPECT_EQ(Tasks(d), (Strings{"check_orders:RowCountCheck", "check_users:RowCountCheck"}))
      << Describe(f);
  EXPECT_EQ(Edges(d), (Strings{"check_orders>>check_users"}));
  EXPECT_FALSE(HasCode(f, "DP110")) << Describe(f);
  const ir::Task& t = TaskOf(d, "check_orders");
  // The call's own arguments stay; what __init__ passes up that the call lacks is added.
  EXPECT_TRUE(SameValue(Written(t, "minimum"), ir::Value::Int(10)));
  EXPECT_TRUE(SameValue(t.Setting("retries"), ir::Value::Int(1)));
  EXPECT_TRUE(SameValue(t.Setting("pool"), ir::Value::String("checks")));
  EXPECT_EQ(t.where.line, 9u);
}

// An __init__ that raises, or never reaches BaseOperator, changes nothing: the task is built
// from the call as before (and, without a task_id, reported).
TEST(EvaluatorClasses, CustomOperatorInitThatFailsFallsBackToTheCall) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.models import BaseOperator

class Strict(BaseOperator):
    def __init__(self, table=None, **kwargs):
        if table is None:
            raise ValueError("table is required")
        super().__init__(task_id=table, **kwargs)

class Lazy(BaseOperator):
    def __init__(self, **kwargs):
        self.kwargs = kwargs

dag = DAG("fallback", start_date=START)
Strict(dag=dag)
Lazy(dag=dag)
Strict(table="ok", dag=dag)
)PY");
  const ir::Dag& d = Dag(f, "fallback");
  EXPECT_EQ(d.tasks.size(), 3u) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP110")) << Describe(f);
  EXPECT_EQ(TaskOf(d, "ok").operator_class.substr(TaskOf(d, "ok").operator_class.rfind('.') + 1),
            "Strict");
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorStrings, FStringFormatSpecsAndEscapes) {
  const ir::DagFile f = Analyze(R"PY(
TABLES = ["orders", "users"]
with DAG("fstrings", start_date=START) as dag:
    for i, table in enumerate(TABLES):
        BashOperator(task_id=f"part_{i:02d}_{table.upper()}",
                     bash_command=f"load {table!r} --date {{{{ ds }}}} --pct {0.5:.0%}")
)PY");
  const ir::Dag& d = Dag(f, "fstrings");
  EXPECT_EQ(TaskIds(d), Sorted({"part_00_ORDERS", "part_01_USERS"})) << Describe(f);
  const ir::Value cmd = Written(TaskOf(d, "part_00_ORDERS"), "bash_command");
  ASSERT_TRUE(cmd.is_text()) << cmd.ToPython();
  EXPECT_EQ(cmd.as_text(), "load 'orders' --date {{ ds }} --pct 50%");
  EXPECT_EQ(cmd.kind(), ir::ValueKind::kTemplate);
}

// Literals without escapes take a shortcut (their text between the quotes); the rest are
// decoded part by part. Both must give Python's value.
TEST(EvaluatorStrings, LiteralFormsGivePythonsValue) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("literals", start_date=START) as dag:
    BashOperator(task_id='single', bash_command='echo "hi" {{ ds }}')
    BashOperator(task_id="double", bash_command="it's")
    BashOperator(task_id="raw", bash_command=r"a\d+b")
    BashOperator(task_id="triple", bash_command="""line one
line 'two' "three\"""")
    BashOperator(task_id="triple_single", bash_command='''x "y" z''')
    BashOperator(task_id="escapes", bash_command="tab\there\u00e9\x41")
    BashOperator(task_id="bytes_u", bash_command=u"unicode" + b"bytes".decode())
    BashOperator(task_id="fplain", bash_command=f"no fields")
    BashOperator(task_id="fbraces", bash_command=f"{{ ds }} {1 + 1}")
    BashOperator(task_id="empty", bash_command="" + '''''')
    BashOperator(task_id="implicit", bash_command="a" 'b' """c""")
    BashOperator(task_id="continued", bash_command="one \
two")
)PY");
  const ir::Dag& d = Dag(f, "literals");
  const auto cmd = [&](std::string_view task) {
    const ir::Value v = Written(TaskOf(d, task), "bash_command");
    return v.is_text() ? v.as_text() : "<" + v.ToPython() + ">";
  };
  EXPECT_EQ(cmd("single"), "echo \"hi\" {{ ds }}");
  EXPECT_EQ(cmd("double"), "it's");
  EXPECT_EQ(cmd("raw"), "a\\d+b");
  EXPECT_EQ(cmd("triple"), "line one\nline 'two' \"three\"");
  EXPECT_EQ(cmd("triple_single"), "x \"y\" z");
  EXPECT_EQ(cmd("escapes"), "tab\there\u00e9A");
  EXPECT_EQ(cmd("bytes_u"), "unicodebytes");
  EXPECT_EQ(cmd("fplain"), "no fields");
  EXPECT_EQ(cmd("fbraces"), "{ ds } 2");
  EXPECT_EQ(cmd("empty"), "");
  EXPECT_EQ(cmd("implicit"), "abc");
  EXPECT_EQ(cmd("continued"), "one two");
}

TEST(PythonLiterals, PlainStringContentOnlyForLiteralsWithoutEscapes) {
  EXPECT_EQ(PlainStringContent("'abc'"), "abc");
  EXPECT_EQ(PlainStringContent("rb\"a b\""), "a b");
  EXPECT_EQ(PlainStringContent("\"\"\"x\ny\"\"\""), "x\ny");
  EXPECT_EQ(PlainStringContent("''"), "");
  EXPECT_EQ(PlainStringContent("''''''"), "");
  EXPECT_EQ(PlainStringContent("f'no fields'"), "no fields");
  EXPECT_EQ(PlainStringContent("'a\\nb'"), std::nullopt);  // escape
  EXPECT_EQ(PlainStringContent("f'{x}'"), std::nullopt);   // interpolation
  EXPECT_EQ(PlainStringContent("'unterminated"), std::nullopt);
  EXPECT_EQ(PlainStringContent("'a'b'"), std::nullopt);   // not one literal
  EXPECT_EQ(PlainStringContent("'a\nb'"), std::nullopt);  // a line end in '...'
  EXPECT_EQ(PlainStringContent("\"\"\"a\"\"\"\""), std::nullopt);
  EXPECT_EQ(PlainStringContent("x'a'"), std::nullopt);  // not a prefix
  EXPECT_EQ(PlainStringContent("'"), std::nullopt);
  EXPECT_EQ(PlainStringContent(""), std::nullopt);
}

TEST(EvaluatorStrings, FStringNestedFormatSpec) {
  const ir::DagFile f = Analyze(R"PY(
WIDTH = 3
with DAG("nested_spec", start_date=START) as dag:
    for i in range(2):
        DummyOperator(task_id=f"shard_{i:0{WIDTH}d}")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "nested_spec")), Sorted({"shard_000", "shard_001"})) << Describe(f);
}

TEST(EvaluatorStrings, PercentFormatting) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("percent", start_date=START) as dag:
    for n, (name, ratio) in enumerate([("a", 0.5), ("b", 12.5)]):
        DummyOperator(task_id="%s_%03d_%05.2f" % (name, n, ratio))
    DummyOperator(task_id="%(layer)s__%(table)s" % {"layer": "raw", "table": "events"})
    DummyOperator(task_id="single_%s" % "value")
    BashOperator(task_id="escape", bash_command="date +%%Y-%s" % "x")
)PY");
  const ir::Dag& d = Dag(f, "percent");
  EXPECT_EQ(TaskIds(d),
            Sorted({"a_000_00.50", "b_001_12.50", "raw__events", "single_value", "escape"}))
      << Describe(f);
  EXPECT_TRUE(
      SameValue(Written(TaskOf(d, "escape"), "bash_command"), ir::Value::String("date +%Y-x")));
}

TEST(EvaluatorStrings, StrFormatPositionalNamedAndIndexed) {
  const ir::DagFile f = Analyze(R"PY(
CONF = {"layer": "raw", "tables": ["orders", "users"]}
with DAG("str_format", start_date=START) as dag:
    DummyOperator(task_id="{}_{}".format("load", 1))
    DummyOperator(task_id="{1}_{0}_{1}".format("a", "b"))
    DummyOperator(task_id="{layer}_{name}".format(layer="raw", name="x"))
    DummyOperator(task_id="{0[layer]}_{0[tables][1]}".format(CONF))
    DummyOperator(task_id="{:04d}_{:.2f}".format(7, 1.0 / 3))
    DummyOperator(task_id="{c[layer]}_from_kwargs".format(c=CONF))
    DummyOperator(task_id="{layer}_{0}".format("mixed", **CONF))
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "str_format")), Sorted({"load_1", "b_a_b", "raw_x", "raw_users",
                                                   "0007_0.33", "raw_from_kwargs", "raw_mixed"}))
      << Describe(f);
}

TEST(EvaluatorStrings, StringMethods) {
  const ir::DagFile f = Analyze(R"PY(
RAW = "  Orders-Daily  "
with DAG("str_methods", start_date=START) as dag:
    DummyOperator(task_id=RAW.strip().lower().replace("-", "_"))
    DummyOperator(task_id="_".join("extract load report".split()))
    DummyOperator(task_id="-".join(["a", "b", "c"]).upper())
    DummyOperator(task_id="part_" + str(7).zfill(3))
    DummyOperator(task_id="customer accounts".title().replace(" ", ""))
    DummyOperator(task_id="db.schema.table".split(".")[-1])
    DummyOperator(task_id="x,y,,z".split(",")[2] or "empty")
    DummyOperator(task_id="__trim__".strip("_"))
    DummyOperator(task_id="prefix_name".rsplit("_", 1)[0] + "_r")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "str_methods")),
            Sorted({"orders_daily", "extract_load_report", "A-B-C", "part_007", "CustomerAccounts",
                    "table", "empty", "trim", "prefix_r"}))
      << Describe(f);
}

TEST(EvaluatorStrings, WhitespaceSplitWithMaxsplit) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("maxsplit", start_date=START) as dag:
    head, rest = "load orders daily".split(None, 1)
    DummyOperator(task_id=head + "__" + rest.replace(" ", "_"))
    DummyOperator(task_id="a b c".split(maxsplit=1)[1].replace(" ", "_"))
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "maxsplit")), Sorted({"load__orders_daily", "b_c"})) << Describe(f);
}

// CPython: 'ab'.center(5, '*') == '**ab*' (the odd fill character goes left for odd widths).
TEST(EvaluatorStrings, StrCenterOddPadding) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("banner", start_date=START) as dag:
    BashOperator(task_id="banner", bash_command="echo " + "ab".center(5, "*"))
)PY");
  EXPECT_TRUE(SameValue(Written(TaskOf(Dag(f, "banner"), "banner"), "bash_command"),
                        ir::Value::String("echo **ab*")))
      << Describe(f);
}

TEST(EvaluatorStrings, SlicingAndNegativeIndexes) {
  const ir::DagFile f = Analyze(R"PY(
NAMES = ["raw_orders", "raw_users", "raw_events", "raw_items"]
with DAG("slices", start_date=START) as dag:
    for name in NAMES[1:-1]:
        DummyOperator(task_id=name[4:])
    DummyOperator(task_id=NAMES[-1][::-1])
    DummyOperator(task_id=NAMES[0][-6:] + "_" + str(len(NAMES[::2])))
    DummyOperator(task_id="every_other_" + "_".join(n[4] for n in NAMES[::-2]))
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "slices")),
            Sorted({"users", "events", "smeti_war", "orders_2", "every_other_i_u"}))
      << Describe(f);
}

// ---------------------------------------------------------------------------------------------
// Conditions and exceptions
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorControl, IfElifElseOnConstants) {
  const ir::DagFile f = Analyze(R"PY(
ENV = "staging"
with DAG("branches", start_date=START) as dag:
    if ENV == "prod":
        DummyOperator(task_id="prod_only")
    elif ENV == "staging":
        DummyOperator(task_id="staging_only")
    else:
        DummyOperator(task_id="dev_only")
    if not ENV.startswith("prod") and len(ENV) > 3:
        DummyOperator(task_id="non_prod")
    DummyOperator(task_id="always" if ENV else "never")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "branches")), Sorted({"staging_only", "non_prod", "always"}))
      << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP111"));
}

TEST(EvaluatorControl, IfNameMainIsNotRun) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("main_guard", start_date=START)
DummyOperator(task_id="real", dag=dag)
if __name__ == "__main__":
    DummyOperator(task_id="debug_only", dag=dag)
    dag.cli()
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "main_guard")), (Strings{"real"})) << Describe(f);
}

TEST(EvaluatorControl, UnknownConditionAnalysesBothBranches) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.models import Variable
with DAG("unknown_branch", start_date=START) as dag:
    if Variable.get("env") == "prod":
        DummyOperator(task_id="prod_task")
    else:
        DummyOperator(task_id="dev_task")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "unknown_branch")), Sorted({"prod_task", "dev_task"})) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP111"));
}

TEST(EvaluatorControl, TryExceptElseFinally) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("exceptions", start_date=START) as dag:
    try:
        DummyOperator(task_id="in_try")
        raise ValueError("boom")
        DummyOperator(task_id="after_raise")
    except ValueError:
        DummyOperator(task_id="in_except")
    else:
        DummyOperator(task_id="in_else")
    finally:
        DummyOperator(task_id="in_finally")

    try:
        DummyOperator(task_id="quiet_try")
    except Exception:
        DummyOperator(task_id="quiet_except")
    else:
        DummyOperator(task_id="quiet_else")
    finally:
        DummyOperator(task_id="quiet_finally")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "exceptions")), Sorted({"in_try", "in_except", "in_finally", "quiet_try",
                                                   "quiet_else", "quiet_finally"}))
      << Describe(f);
}

TEST(EvaluatorControl, KeyErrorFromLookupIsCaught) {
  const ir::DagFile f = Analyze(R"PY(
SCHEDULES = {"sales": "0 2 * * *"}
for name in ["sales", "hr"]:
    try:
        schedule = SCHEDULES[name]
    except KeyError:
        schedule = "@daily"
    globals()["report_" + name] = DAG("report_" + name, schedule_interval=schedule, start_date=START)
)PY");
  EXPECT_TRUE(SameValue(Dag(f, "report_sales").Setting("schedule"), ir::Value::Cron("0 2 * * *")))
      << Describe(f);
  EXPECT_TRUE(SameValue(Dag(f, "report_hr").Setting("schedule"), ir::Value::Cron("@daily")));
}

TEST(EvaluatorControl, RaiseInCalledFunctionIsCaughtByCaller) {
  const ir::DagFile f = Analyze(R"PY(
CONFIGS = {"orders": "daily"}

def get_config(name):
    if name not in CONFIGS:
        raise KeyError(name)
    return CONFIGS[name]

with DAG("raising_helper", start_date=START) as dag:
    for name in ["orders", "missing"]:
        try:
            freq = get_config(name)
        except KeyError:
            continue
        DummyOperator(task_id="%s_%s" % (name, freq))
)PY");
  EXPECT_EQ(Tasks(Dag(f, "raising_helper")), (Strings{"orders_daily:DummyOperator"}))
      << Describe(f);
}

// An exception nobody catches stops the import: DagBag loads nothing from the file.
TEST(EvaluatorControl, UncaughtRaiseFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
REQUIRED = ["orders", "users"]
dag = DAG("validated", start_date=START)
for name in REQUIRED:
    DummyOperator(task_id=name, dag=dag)
if "customers" not in REQUIRED:
    raise ValueError("customers table missing from config")
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
}

TEST(EvaluatorControl, VariableAndEnvironmentTaskIdsAreDynamic) {
  const ir::DagFile f = Analyze(R"PY(
import os
from airflow.models import Variable
ENV = Variable.get("environment")
with DAG("dynamic_ids", start_date=START) as dag:
    DummyOperator(task_id="load_" + ENV)
    DummyOperator(task_id=os.environ["EXTRA_TASK"])
    DummyOperator(task_id="static")
)PY");
  const ir::Dag& d = Dag(f, "dynamic_ids");
  EXPECT_EQ(Tasks(d), Sorted({"?\"load_\" + ENV:DummyOperator",
                              "?os.environ[\"EXTRA_TASK\"]:DummyOperator", "static:DummyOperator"}))
      << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP110"));
  EXPECT_FALSE(TaskOf(d, "static").dynamic);
}

// ---------------------------------------------------------------------------------------------
// Schedules and dates
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorSchedule, ScheduleVariants) {
  const ir::DagFile f = Analyze(R"PY(
preset = DAG("preset", schedule_interval="@hourly", start_date=START)
cron = DAG("cron", schedule_interval="*/15 * * * *", start_date=START)
manual = DAG("manual", schedule_interval=None, start_date=START)
delta = DAG("delta", schedule_interval=timedelta(minutes=30), start_date=START)
unset = DAG("unset", start_date=START)
positional = DAG("positional", "a description", "@weekly", START)
)PY");
  EXPECT_TRUE(SameValue(Dag(f, "preset").Setting("schedule"), ir::Value::Cron("@hourly")))
      << Describe(f);
  EXPECT_TRUE(SameValue(Dag(f, "cron").Setting("schedule"), ir::Value::Cron("*/15 * * * *")));
  EXPECT_TRUE(SameValue(Dag(f, "manual").Setting("schedule"), ir::Value::None()));
  EXPECT_FALSE(Dag(f, "manual").schedule_is_default());
  EXPECT_TRUE(SameValue(Dag(f, "delta").Setting("schedule"), ir::Value::Timedelta(1800 * kSecond)));
  EXPECT_TRUE(
      SameValue(Dag(f, "unset").Setting("schedule"), ir::Value::Timedelta(86'400 * kSecond)));
  EXPECT_TRUE(Dag(f, "unset").schedule_is_default());
  const ir::Dag& positional = Dag(f, "positional");
  EXPECT_TRUE(SameValue(positional.Setting("schedule"), ir::Value::Cron("@weekly")));
  EXPECT_TRUE(SameValue(positional.Setting("description"), ir::Value::String("a description")));
  EXPECT_TRUE(SameValue(positional.Setting("start_date"), NaiveDatetime(2021, 1, 1)));
}

TEST(EvaluatorSchedule, DagSettingsAsWritten) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("settings", start_date=START, catchup=False, max_active_runs=1, concurrency=4,
          tags=["finance", "daily"], description="Month-end close")
)PY");
  const ir::Dag& d = Dag(f, "settings");
  EXPECT_TRUE(SameValue(d.Setting("catchup"), ir::Value::Bool(false))) << Describe(f);
  EXPECT_TRUE(SameValue(d.Setting("max_active_runs"), ir::Value::Int(1)));
  EXPECT_TRUE(SameValue(d.Setting("max_active_tasks"), ir::Value::Int(4)));
  EXPECT_TRUE(SameValue(d.Setting("tags"), ir::Value::List({ir::Value::String("finance"),
                                                            ir::Value::String("daily")})));
  EXPECT_TRUE(SameValue(d.Setting("description"), ir::Value::String("Month-end close")));
}

TEST(EvaluatorSchedule, TimedeltaAndDatetimeArithmetic) {
  const ir::DagFile f = Analyze(R"PY(
base = datetime(2021, 1, 31, 22, 0)
dag = DAG("arith",
          start_date=base + timedelta(hours=3),
          end_date=datetime(2021, 12, 31) - timedelta(days=365),
          schedule_interval=timedelta(hours=1) * 6 + timedelta(minutes=30))
DummyOperator(task_id="t", dag=dag, execution_timeout=timedelta(hours=2) / 4)
)PY");
  const ir::Dag& d = Dag(f, "arith");
  EXPECT_TRUE(SameValue(d.Setting("start_date"), NaiveDatetime(2021, 2, 1, 1, 0))) << Describe(f);
  EXPECT_TRUE(SameValue(d.Setting("end_date"), NaiveDatetime(2020, 12, 31)));
  EXPECT_TRUE(SameValue(d.Setting("schedule"), ir::Value::Timedelta(23'400 * kSecond)));
  EXPECT_TRUE(
      SameValue(TaskOf(d, "t").Setting("execution_timeout"), ir::Value::Timedelta(1800 * kSecond)));
}

TEST(EvaluatorSchedule, DatesInLoopWithStrftime) {
  const ir::DagFile f = Analyze(R"PY(
first = datetime(2021, 2, 27)
last = datetime(2021, 3, 2)
with DAG("backfill", start_date=first, schedule_interval="@once") as dag:
    for offset in range((last - first).days):
        day = first + timedelta(days=offset)
        DummyOperator(task_id="load_" + day.strftime("%Y%m%d"))
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "backfill")),
            Sorted({"load_20210227", "load_20210228", "load_20210301"}))
      << Describe(f);
}

TEST(EvaluatorSchedule, DatetimeFormatSpecInFString) {
  const ir::DagFile f = Analyze(R"PY(
first = datetime(2021, 2, 27)
with DAG("backfill_fstring", start_date=first, schedule_interval="@once") as dag:
    for offset in range(2):
        day = first + timedelta(days=offset)
        DummyOperator(task_id=f"load_{day:%Y%m%d}")
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "backfill_fstring")), Sorted({"load_20210227", "load_20210228"}))
      << Describe(f);
}

// DagBag.process_file runs croniter over a string schedule; a bad expression is an import error
// for that DAG, which is then not loaded.
TEST(EvaluatorSchedule, InvalidCronIsAnImportErrorIn110AndRefusedIn2) {
  // Airflow 1.10's DagBag runs croniter after bag_dag: the DAG stays loaded, the file gets an
  // import error. Airflow 2 validates the timetable first and refuses the DAG.
  constexpr std::string_view kBody = R"PY(
good = DAG("good_cron", schedule_interval="30 6 * * 1-5", start_date=START)
bad = DAG("bad_cron", schedule_interval="every day at 6", start_date=START)
)PY";
  const ir::DagFile f1 = Analyze(kBody);
  EXPECT_EQ(DagIds(f1.dags), (Strings{"good_cron", "bad_cron"})) << Describe(f1);
  EXPECT_TRUE(HasCode(f1, "DP127"));
  const ir::DagFile f2 = Analyze2(kBody);
  EXPECT_EQ(DagIds(f2.dags), (Strings{"good_cron"})) << Describe(f2);
  EXPECT_EQ(DagIds(f2.recovered_dags), (Strings{"bad_cron"})) << Describe(f2);
  EXPECT_TRUE(HasCode(f2, "DP127"));
}

// ---------------------------------------------------------------------------------------------
// Airflow behaviour: sub-DAGs, task groups, start dates, duplicates, cycles, syntax errors
// ---------------------------------------------------------------------------------------------

constexpr std::string_view kSubDagFile = R"PY(
from airflow.operators.subdag_operator import SubDagOperator

DAG_NAME = "parent"
args = {"owner": "airflow", "start_date": START}

def subdag(parent_dag_name, child_dag_name, args):
    dag_subdag = DAG(dag_id="%s.%s" % (parent_dag_name, child_dag_name), default_args=args,
                     schedule_interval="@daily")
    for i in range(2):
        DummyOperator(task_id="%s-task-%s" % (child_dag_name, i + 1), default_args=args, dag=dag_subdag)
    return dag_subdag

dag = DAG(dag_id=DAG_NAME, default_args=args, schedule_interval="@once")
start = DummyOperator(task_id="start", dag=dag)
section_1 = SubDagOperator(task_id="section-1", subdag=subdag(DAG_NAME, CHILD, args), dag=dag)
end = DummyOperator(task_id="end", dag=dag)
start >> section_1 >> end
)PY";

std::string SubDagFile(const std::string& child) {
  std::string body(kSubDagFile);
  body.replace(body.find("CHILD"), 5, "\"" + child + "\"");
  return body;
}

TEST(EvaluatorAirflow, SubDagFromFactory) {
  const ir::DagFile f = Analyze(SubDagFile("section-1"));
  EXPECT_EQ(DagIds(f.dags), (Strings{"parent", "parent.section-1"})) << Describe(f);
  const ir::Dag& parent = Dag(f, "parent");
  EXPECT_EQ(Tasks(parent),
            Sorted({"start:DummyOperator", "section-1:SubDagOperator", "end:DummyOperator"}));
  EXPECT_EQ(Edges(parent), Sorted({"start>>section-1", "section-1>>end"}));
  EXPECT_EQ(TaskOf(parent, "section-1").subdag, "parent.section-1");
  EXPECT_EQ(TaskOf(parent, "section-1").operator_class,
            "airflow.operators.subdag_operator.SubDagOperator");
  const ir::Dag& child = Dag(f, "parent.section-1");
  EXPECT_EQ(child.parent_dag, "parent");
  EXPECT_EQ(TaskIds(child), Sorted({"section-1-task-1", "section-1-task-2"}));
  EXPECT_FALSE(HasCode(f, "DP124"));
  EXPECT_FALSE(HasCode(f, "DP125"));
}

TEST(EvaluatorAirflow, SubDagWithWrongIdIsReported) {
  const ir::DagFile f = Analyze(SubDagFile("other"));
  EXPECT_TRUE(HasCode(f, "DP124")) << Describe(f);
}

// SubDagOperator.__init__ (1.10) raises AirflowException when the sub-DAG id is not
// <parent>.<task_id>, so the whole file fails to import.
TEST(EvaluatorAirflow, SubDagWithWrongIdFailsTheImport) {
  const ir::DagFile f = Analyze(SubDagFile("other"));
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_FALSE(f.recovered_dags.empty());
}

TEST(EvaluatorImports, Airflow2ModulesDoNotImportUnderAirflow1) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.operators.bash import BashOperator as Bash2
dag = DAG("two", start_date=START)
Bash2(task_id="a", bash_command="echo", dag=dag)
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);  // the import fails before the DAG exists
  EXPECT_TRUE(HasCode(f, "DP125"));
  const ir::DagFile g = Analyze2(R"PY(
from airflow.operators.bash import BashOperator as Bash2
dag = DAG("two", start_date=START)
Bash2(task_id="a", bash_command="echo", dag=dag)
)PY");
  ASSERT_EQ(g.dags.size(), 1u);
  EXPECT_EQ(g.dags[0].tasks[0].operator_class, "airflow.operators.bash.BashOperator");
}

TEST(EvaluatorImports, UnknownContribNameDoesNotImport) {
  const ir::DagFile f = Analyze(R"PY(
try:
    from airflow.contrib.operators import NoSuchOperator
except ImportError:
    from vendor.ops import NoSuchOperator
dag = DAG("fallback", start_date=START)
NoSuchOperator(task_id="a", dag=dag)
)PY");
  EXPECT_EQ(Tasks(Dag(f, "fallback")), (Strings{"a:NoSuchOperator"})) << Describe(f);
  EXPECT_EQ(Dag(f, "fallback").tasks[0].operator_class, "vendor.ops.NoSuchOperator");
}

TEST(EvaluatorAirflow, TaskGroupIdsArePrefixed) {
  const ir::DagFile f = Analyze2(R"PY(
from airflow.utils.task_group import TaskGroup
with DAG("grouped", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    with TaskGroup("extract") as extract:
        a = DummyOperator(task_id="a")
        with TaskGroup("inner") as inner:
            b = DummyOperator(task_id="b")
        a >> b
    with TaskGroup("flat", prefix_group_id=False):
        c = DummyOperator(task_id="c")
    start >> a
)PY");
  const ir::Dag& d = Dag(f, "grouped");
  EXPECT_EQ(TaskIds(d), Sorted({"start", "extract.a", "extract.inner.b", "c"})) << Describe(f);
  EXPECT_EQ(Edges(d), Sorted({"extract.a>>extract.inner.b", "start>>extract.a"}));
  EXPECT_EQ(TaskOf(d, "extract.a").task_group, "extract");
  EXPECT_EQ(TaskOf(d, "extract.inner.b").task_group, "extract.inner");
}

TEST(EvaluatorAirflow, TaskGroupSetUpstreamAndDownstreamLinkItsRootsAndLeaves) {
  const ir::DagFile f = Analyze2(R"PY(
from airflow.utils.task_group import TaskGroup
with DAG("grouped", start_date=START) as dag:
    before = DummyOperator(task_id="before")
    after = [DummyOperator(task_id="x"), DummyOperator(task_id="y")]
    with TaskGroup("g") as g:
        a = DummyOperator(task_id="a")
        b = DummyOperator(task_id="b")
        a >> b
    g.set_upstream(before)
    g.set_downstream(after)
)PY");
  const ir::Dag& d = Dag(f, "grouped");
  EXPECT_EQ(Edges(d), Sorted({"before>>g.a", "g.a>>g.b", "g.b>>x", "g.b>>y"})) << Describe(f);
}

TEST(EvaluatorAirflow, TaskGroupDefaultArgsGoOverTheDagsAndUnderTheTasks) {
  const ir::DagFile f = Analyze2(R"PY(
from airflow.utils.task_group import TaskGroup
with DAG("grouped", start_date=START, default_args={"retries": 1, "pool": "p"}) as dag:
    with TaskGroup("g", default_args={"retries": 3, "queue": "q"}) as g:
        with TaskGroup("inner", default_args={"queue": "inner_q"}):
            a = DummyOperator(task_id="a")
        b = DummyOperator(task_id="b", retries=5)
    c = DummyOperator(task_id="c")
)PY");
  const ir::Dag& d = Dag(f, "grouped");
  const ir::Task& a = TaskOf(d, "g.inner.a");
  EXPECT_EQ(Effective(a, "retries"), ir::Value::Int(3));
  EXPECT_EQ(Effective(a, "queue"), ir::Value::String("inner_q"));
  EXPECT_EQ(Effective(a, "pool"), ir::Value::String("p"));
  EXPECT_EQ(Effective(TaskOf(d, "g.b"), "retries"), ir::Value::Int(5));
  EXPECT_EQ(Effective(TaskOf(d, "c"), "retries"), ir::Value::Int(1));
  EXPECT_EQ(Effective(TaskOf(d, "c"), "queue"), ir::Value::None());
}

// `start >> group >> end` links start to the group's roots and the group's leaves to end.
TEST(EvaluatorAirflow, TaskGroupDependenciesUseRootsAndLeaves) {
  const ir::DagFile f = Analyze2(R"PY(
from airflow.utils.task_group import TaskGroup
with DAG("tg_deps", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    end = DummyOperator(task_id="end")
    with TaskGroup("etl") as etl:
        e = DummyOperator(task_id="extract")
        t = DummyOperator(task_id="transform")
        l = DummyOperator(task_id="load")
        e >> t >> l
    start >> etl >> end
)PY");
  EXPECT_EQ(Edges(Dag(f, "tg_deps")), Sorted({"start>>etl.extract", "etl.extract>>etl.transform",
                                              "etl.transform>>etl.load", "etl.load>>end"}))
      << Describe(f);
}

TEST(EvaluatorAirflow, MissingStartDateFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("no_start", default_args={"owner": "x", "start_date": START}, schedule_interval=None)
first = DummyOperator(task_id="first", dag=dag)
free = DummyOperator(task_id="free")
first >> free
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_EQ(DagIds(f.recovered_dags), (Strings{"no_start"}));
  EXPECT_TRUE(HasCode(f, "DP125"));
}

TEST(EvaluatorAirflow, StartDateOnTheTaskAvoidsTheImportFailure) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("no_start_ok", default_args={"owner": "x", "start_date": START}, schedule_interval=None)
first = DummyOperator(task_id="first", dag=dag)
free = DummyOperator(task_id="free", start_date=START)
first >> free
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "no_start_ok")), Sorted({"first", "free"})) << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP125"));
}

TEST(EvaluatorAirflow, UnknownDefaultArgsMayHoldTheStartDate) {
  // default_args from a module dagport does not analyse, or unpacked from an unknown dict: the
  // start_date may be there, so the file is not taken to fail.
  const ir::DagFile f = Analyze(R"PY(
from team_settings import default_args, extra
dag = DAG("unknown_defaults", default_args=default_args, schedule_interval=None)
first = DummyOperator(task_id="first", dag=dag)
dag2 = DAG("unpacked", schedule_interval=None)
second = DummyOperator(task_id="second", dag=dag2, **extra)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "unknown_defaults")), Sorted({"first"})) << Describe(f);
  EXPECT_EQ(TaskIds(Dag(f, "unpacked")), Sorted({"second"})) << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP125")) << Describe(f);
}

TEST(EvaluatorAirflow, UnknownDefaultArgsOfTheDagDoNotReachATaskCreatedWithoutIt) {
  // The task gets no default_args (created without a DAG), and a DAG takes its own start_date
  // only from start_date=: Airflow 1.10 raises when the task joins.
  const ir::DagFile f = Analyze(R"PY(
from team_settings import default_args
dag = DAG("late_join", default_args=default_args, schedule_interval=None)
first = DummyOperator(task_id="first", dag=dag)
free = DummyOperator(task_id="free")
free.set_upstream(first)
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP125"));
}

TEST(EvaluatorAirflow, AnAirflow2KeywordOfDagFailsTheImportUnder110) {
  // 1.10's DAG.__init__ takes no **kwargs: `schedule=` raises TypeError. Airflow 2 takes it.
  constexpr std::string_view kBody = R"PY(
dag = DAG("new_spelling", schedule="@daily", start_date=START)
DummyOperator(task_id="t", dag=dag)
ok = DAG("old_spelling", **{"schedule_interval": "@daily", "concurrency": 2}, start_date=START)
)PY";
  const ir::DagFile f1 = Analyze(kBody);
  EXPECT_TRUE(f1.dags.empty()) << Describe(f1);
  EXPECT_TRUE(HasCode(f1, "DP125"));
  const ir::DagFile f2 = Analyze2(kBody);
  EXPECT_EQ(DagIds(f2.dags), (Strings{"new_spelling", "old_spelling"})) << Describe(f2);
  const ir::DagFile f3 = Analyze(R"PY(
ok = DAG("old_spelling", schedule_interval="@daily", concurrency=2, tags=["a"], start_date=START)
)PY");
  EXPECT_EQ(DagIds(f3.dags), (Strings{"old_spelling"})) << Describe(f3);
}

TEST(EvaluatorAirflow, InvalidTaskIdFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("bad_ids", start_date=START)
ok = DummyOperator(task_id="load_orders", dag=dag)
bad = DummyOperator(task_id="load orders (daily)", dag=dag)
)PY");
  // BaseOperator.__init__ runs validate_key(task_id): AirflowException, nothing is loaded.
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_EQ(DagIds(f.recovered_dags), (Strings{"bad_ids"}));
}

TEST(EvaluatorAirflow, DuplicateTaskIdKeepsTheFirst) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("dups", start_date=START) as dag:
    first = BashOperator(task_id="dup", bash_command="echo first")
    second = DummyOperator(task_id="dup")
    other = DummyOperator(task_id="other")
)PY");
  const ir::Dag& d = Dag(f, "dups");
  EXPECT_EQ(Tasks(d), Sorted({"dup:BashOperator", "other:DummyOperator"})) << Describe(f);
  EXPECT_TRUE(
      SameValue(Written(TaskOf(d, "dup"), "bash_command"), ir::Value::String("echo first")));
  EXPECT_TRUE(HasCode(f, "DP151"));
}

TEST(EvaluatorAirflow, CycleMovesTheDagToRecovered) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("cyclic", start_date=START) as cyclic:
    a, b, c = DummyOperator(task_id="a"), DummyOperator(task_id="b"), DummyOperator(task_id="c")
    a >> b >> c >> a
with DAG("acyclic", start_date=START) as acyclic:
    DummyOperator(task_id="x") >> DummyOperator(task_id="y")
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"acyclic"})) << Describe(f);
  EXPECT_EQ(DagIds(f.recovered_dags), (Strings{"cyclic"}));
  EXPECT_EQ(Edges(Recovered(f, "cyclic")), Sorted({"a>>b", "b>>c", "c>>a"}));
  EXPECT_TRUE(HasCode(f, "DP150"));
}

TEST(EvaluatorAirflow, SyntaxErrorMovesDagsToRecovered) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("broken", start_date=START)
t = DummyOperator(task_id="t", dag=dag)

def oops(:
    pass
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  const Strings recovered = DagIds(f.recovered_dags);
  EXPECT_NE(std::find(recovered.begin(), recovered.end(), "broken"), recovered.end())
      << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP101"));
}

TEST(EvaluatorAirflow, TryImportFallsBackToAirflow1Module) {
  const ir::DagFile f = AnalyzeRaw(R"PY(
from datetime import datetime
from airflow import DAG
try:
    from airflow.operators.bash import BashOperator
except ImportError:
    from airflow.operators.bash_operator import BashOperator
try:
    from airflow.operators.python_operator import PythonOperator
except ImportError:
    from airflow.operators.python import PythonOperator

def work():
    pass

with DAG("compat", start_date=datetime(2021, 1, 1)) as dag:
    BashOperator(task_id="run", bash_command="true") >> PythonOperator(task_id="py", python_callable=work)
)PY");
  const ir::Dag& d = Dag(f, "compat");
  EXPECT_EQ(TaskOf(d, "run").operator_class, "airflow.operators.bash_operator.BashOperator")
      << Describe(f);
  EXPECT_EQ(TaskOf(d, "py").operator_class, "airflow.operators.python_operator.PythonOperator");
  EXPECT_EQ(Edges(d), (Strings{"run>>py"}));
}

TEST(EvaluatorAirflow, PackageLevelOperatorImports) {
  const ir::DagFile f = AnalyzeRaw(R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators import BashOperator, DummyOperator
import airflow.operators as ops

with DAG("legacy_imports", start_date=datetime(2021, 1, 1)) as dag:
    BashOperator(task_id="bash", bash_command="true") >> DummyOperator(task_id="dummy")
    ops.PythonOperator(task_id="py", python_callable=len)
)PY");
  const ir::Dag& d = Dag(f, "legacy_imports");
  EXPECT_EQ(TaskOf(d, "bash").operator_class, "airflow.operators.bash_operator.BashOperator")
      << Describe(f);
  EXPECT_EQ(TaskOf(d, "dummy").operator_class, "airflow.operators.dummy_operator.DummyOperator");
  EXPECT_EQ(TaskOf(d, "py").operator_class, "airflow.operators.python_operator.PythonOperator");
}

TEST(EvaluatorAirflow, ThirdPartyOperatorClass) {
  const ir::DagFile f = Analyze(R"PY(
from acme_airflow.operators.warehouse import WarehouseLoadOperator
with DAG("third_party", start_date=START) as dag:
    WarehouseLoadOperator(task_id="load", table="orders")
)PY");
  const ir::Dag& d = Dag(f, "third_party");
  EXPECT_EQ(Tasks(d), (Strings{"load:WarehouseLoadOperator"})) << Describe(f);
  EXPECT_EQ(TaskOf(d, "load").operator_class,
            "acme_airflow.operators.warehouse.WarehouseLoadOperator");
  EXPECT_TRUE(HasCode(f, "DP113"));
}

// ---------------------------------------------------------------------------------------------
// Local modules and plugins
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorImports, HelperModulesByEveryImportForm) {
  Project p;
  p.Write("dags/common/__init__.py", "");
  p.Write("dags/common/naming.py", R"PY(
PREFIX = "acme"

def task_name(kind, table):
    return "%s_%s_%s" % (PREFIX, kind, table)
)PY");
  p.Write("dags/common/factories.py", R"PY(
from airflow.operators.bash_operator import BashOperator
from common.naming import task_name

def load_task(dag, table):
    return BashOperator(task_id=task_name("load", table), bash_command="load " + table, dag=dag)
)PY");
  p.Write("dags/etl.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from common.factories import load_task
import common.naming as naming
import common.naming
from common import naming as nm

dag = DAG("helpers", start_date=datetime(2021, 1, 1))
a = load_task(dag, "orders")
b = DummyOperator(task_id=naming.task_name("check", "orders"), dag=dag)
c = DummyOperator(task_id=common.naming.PREFIX + "_done", dag=dag)
d = DummyOperator(task_id=nm.task_name("x", "y"), dag=dag)
a >> b >> c
)PY");
  const ir::DagFile f = p.Analyze("etl.py");
  const ir::Dag& d = Dag(f, "helpers");
  EXPECT_EQ(Tasks(d), Sorted({"acme_load_orders:BashOperator", "acme_check_orders:DummyOperator",
                              "acme_done:DummyOperator", "acme_x_y:DummyOperator"}))
      << Describe(f);
  EXPECT_EQ(Edges(d),
            Sorted({"acme_load_orders>>acme_check_orders", "acme_check_orders>>acme_done"}));
  EXPECT_FALSE(HasCode(f, "DP113")) << Describe(f);
}

TEST(EvaluatorImports, ALoaderTransformReplacesTheTextsOfImportedModules) {
  // The converter's Airflow 2 analysis imports helper modules as they will be written.
  Project p;
  p.Write("dags/naming.py", "PREFIX = 'old'\n");
  p.Write("dags/other.py", "SUFFIX = 'kept'\n");
  p.Write("dags/etl.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from naming import PREFIX
from other import SUFFIX

dag = DAG("t", start_date=datetime(2021, 1, 1))
DummyOperator(task_id=PREFIX + "_" + SUFFIX, dag=dag)
)PY");
  ModuleLoader loader = p.Loader();
  std::vector<std::string> asked;
  loader.SetTransform([&](const std::string& path) -> std::optional<std::string> {
    asked.push_back(std::filesystem::path(path).filename().string());
    if (path.ends_with("naming.py")) return std::string("PREFIX = 'new'\n");
    return std::nullopt;
  });
  const std::string etl = (p.path() / "dags/etl.py").string();
  for (int round = 0; round < 2; ++round) {  // the second analysis reuses the loader's trees
    const FileAnalysis a = AnalyzeFile(etl, loader);
    EXPECT_EQ(Tasks(Dag(a.file, "t")), Sorted({"new_kept:DummyOperator"})) << Describe(a.file);
    ASSERT_EQ(a.local_modules.size(), 2u);
    for (const std::string& m : a.local_modules)
      EXPECT_EQ(loader.Transformed(m), m.ends_with("naming.py")) << m;
  }
  EXPECT_EQ(asked, (std::vector<std::string>{"naming.py", "other.py"}));
}

TEST(EvaluatorImports, RelativeImportsInsideAPackage) {
  Project p;
  p.Write("dags/pipelines/__init__.py", "from .builders import build_pipeline\n");
  p.Write("dags/pipelines/naming.py",
          "def step_id(name, n):\n    return \"%s_step%d\" % (name, n)\n");
  p.Write("dags/pipelines/sub/__init__.py", "");
  p.Write("dags/pipelines/sub/extra.py",
          "from ..naming import step_id\nEXTRA = \"_\" + step_id(\"x\", 0)\n");
  p.Write("dags/pipelines/builders.py", R"PY(
from airflow.operators.dummy_operator import DummyOperator
from .naming import step_id
from . import naming
from .sub.extra import EXTRA

def build_pipeline(dag, name):
    first = DummyOperator(task_id=step_id(name, 1), dag=dag)
    second = DummyOperator(task_id=naming.step_id(name, 2) + EXTRA, dag=dag)
    first >> second
    return second
)PY");
  p.Write("dags/relative.py", R"PY(
from datetime import datetime
from airflow import DAG
from pipelines import build_pipeline

dag = DAG("relative", start_date=datetime(2021, 1, 1))
build_pipeline(dag, "orders")
)PY");
  const ir::DagFile f = p.Analyze("relative.py");
  const ir::Dag& d = Dag(f, "relative");
  EXPECT_EQ(TaskIds(d), Sorted({"orders_step1", "orders_step2_x_step0"})) << Describe(f);
  EXPECT_EQ(Edges(d), (Strings{"orders_step1>>orders_step2_x_step0"}));
}

TEST(EvaluatorImports, StarImportSkipsPrivateNames) {
  Project p;
  p.Write("dags/shared.py", R"PY(
from datetime import datetime, timedelta

DEFAULT_ARGS = {"owner": "platform", "start_date": datetime(2021, 1, 1), "retries": 1}
_PRIVATE = "hidden"

def make_dag(dag_id, **kwargs):
    from airflow import DAG
    return DAG(dag_id, default_args=DEFAULT_ARGS, start_date=datetime(2021, 1, 1), **kwargs)
)PY");
  p.Write("dags/star.py", R"PY(
# The DAG is built by shared.make_dag.
from airflow.operators.dummy_operator import DummyOperator
_PRIVATE = "mine"
from shared import *

dag = make_dag("star", schedule_interval=timedelta(hours=2))
DummyOperator(task_id="t_" + _PRIVATE, dag=dag)
)PY");
  const ir::DagFile f = p.Analyze("star.py");
  const ir::Dag& d = Dag(f, "star");
  EXPECT_EQ(TaskIds(d), (Strings{"t_mine"})) << Describe(f);
  EXPECT_TRUE(SameValue(d.Setting("schedule"), ir::Value::Timedelta(7200 * kSecond)));
  EXPECT_TRUE(SameValue(TaskOf(d, "t_mine").Setting("retries"), ir::Value::Int(1)));
}

TEST(EvaluatorImports, StarImportFromPackage) {
  Project p;
  p.Write("dags/common/__init__.py", R"PY(
from datetime import datetime

DEFAULT_ARGS = {"owner": "platform", "start_date": datetime(2021, 1, 1)}

def table_task_id(table):
    return "load_" + table.lower()
)PY");
  p.Write("dags/pkg_star.py", R"PY(
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from common import *

dag = DAG("pkg_star", default_args=DEFAULT_ARGS, schedule_interval="@daily")
for table in ["Orders", "Users"]:
    DummyOperator(task_id=table_task_id(table), dag=dag)
)PY");
  const ir::DagFile f = p.Analyze("pkg_star.py");
  EXPECT_EQ(TaskIds(Dag(f, "pkg_star")), Sorted({"load_orders", "load_users"})) << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP125"));
}

// `from m import *` imports only the names in m.__all__ when it is defined.
TEST(EvaluatorImports, StarImportRespectsDunderAll) {
  Project p;
  p.Write("dags/helpers_all.py", R"PY(
__all__ = ["build"]
PREFIX = "helper"

def build(dag, name):
    from airflow.operators.dummy_operator import DummyOperator
    return DummyOperator(task_id=PREFIX + "_" + name, dag=dag)
)PY");
  p.Write("dags/star_all.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
PREFIX = "main"
from helpers_all import *

dag = DAG("star_all", start_date=datetime(2021, 1, 1))
build(dag, "a")
DummyOperator(task_id=PREFIX + "_b", dag=dag)
)PY");
  const ir::DagFile f = p.Analyze("star_all.py");
  EXPECT_EQ(TaskIds(Dag(f, "star_all")), Sorted({"helper_a", "main_b"})) << Describe(f);
}

TEST(EvaluatorImports, ImportCycleBetweenHelpers) {
  Project p;
  p.Write("dags/helpers_a.py", R"PY(
from helpers_b import suffix

def name(x):
    return x + suffix()
)PY");
  p.Write("dags/helpers_b.py", R"PY(
import helpers_a

def suffix():
    return "_b"
)PY");
  p.Write("dags/cyclic_imports.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from helpers_a import name

with DAG("import_cycle", start_date=datetime(2021, 1, 1)) as dag:
    DummyOperator(task_id=name("t"))
)PY");
  const ir::DagFile f = p.Analyze("cyclic_imports.py");
  EXPECT_EQ(TaskIds(Dag(f, "import_cycle")), (Strings{"t_b"})) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP114"));
}

constexpr std::string_view kPluginModule = R"PY(
from airflow.models import BaseOperator
from airflow.plugins_manager import AirflowPlugin
from airflow.utils.decorators import apply_defaults


class ExportOperator(BaseOperator):
    @apply_defaults
    def __init__(self, table, *args, **kwargs):
        super(ExportOperator, self).__init__(*args, **kwargs)
        self.table = table

    def execute(self, context):
        pass


class ExportPlugin(AirflowPlugin):
    name = "export_plugin"
    operators = [ExportOperator]
)PY";

TEST(EvaluatorImports, PluginOperatorByPluginName) {
  Project p;
  p.Write("plugins/export_plugin_module.py", kPluginModule);
  p.Write("dags/exports.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.export_plugin import ExportOperator

with DAG("plugin_exports", start_date=datetime(2021, 1, 1)) as dag:
    ExportOperator(task_id="export_orders", table="orders")
)PY");
  const ir::DagFile f = p.Analyze("exports.py");
  const ir::Dag& d = Dag(f, "plugin_exports");
  EXPECT_EQ(TaskOf(d, "export_orders").operator_class, "export_plugin_module.ExportOperator")
      << Describe(f);
  EXPECT_FALSE(HasCode(f, "DP115"));
}

TEST(EvaluatorImports, Airflow2SemanticsDoNotLoadPluginsForAirflowOperatorsNames) {
  // Airflow 2 removed `airflow.operators.<plugin>.X`: under its semantics the name stays the
  // path the file wrote (Airflow 2 raises ImportError on it); Airflow 2's own
  // `airflow.operators.bash` is not looked for among the plugins either.
  Project p;
  p.Write("plugins/export_plugin_module.py", kPluginModule);
  p.Write("dags/exports.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.export_plugin import ExportOperator

with DAG("plugin_exports", start_date=datetime(2021, 1, 1)) as dag:
    ExportOperator(task_id="export_orders", table="orders")
    BashOperator(task_id="echo", bash_command="echo")
)PY");
  ModuleLoader loader = p.Loader();
  EvaluationLimits airflow2;
  airflow2.airflow_major = 2;
  const FileAnalysis modern =
      AnalyzeFile((p.path() / "dags" / "exports.py").string(), loader, airflow2);
  const ir::Dag& d = Dag(modern.file, "plugin_exports");
  EXPECT_EQ(TaskOf(d, "export_orders").operator_class,
            "airflow.operators.export_plugin.ExportOperator")
      << Describe(modern.file);
  EXPECT_EQ(TaskOf(d, "echo").operator_class, "airflow.operators.bash.BashOperator");
  // Airflow 1.10 semantics find the plugin's class (1.10 has no `airflow.operators.bash`).
  p.Write("dags/legacy_exports.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.export_plugin import ExportOperator

with DAG("plugin_exports", start_date=datetime(2021, 1, 1)) as dag:
    ExportOperator(task_id="export_orders", table="orders")
)PY");
  const ir::DagFile legacy = p.Analyze("legacy_exports.py");
  EXPECT_EQ(TaskOf(Dag(legacy, "plugin_exports"), "export_orders").operator_class,
            "export_plugin_module.ExportOperator")
      << Describe(legacy);
}

TEST(EvaluatorImports, PluginOperatorFromAirflowOperatorsPackage) {
  Project p;
  p.Write("plugins/export_plugin_module.py", kPluginModule);
  p.Write("dags/exports.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators import ExportOperator

with DAG("plugin_exports", start_date=datetime(2021, 1, 1)) as dag:
    ExportOperator(task_id="export_orders", table="orders")
)PY");
  const ir::DagFile f = p.Analyze("exports.py");
  const ir::Dag& d = Dag(f, "plugin_exports");
  EXPECT_EQ(TaskOf(d, "export_orders").operator_class, "export_plugin_module.ExportOperator")
      << Describe(f);
}

TEST(EvaluatorImports, PluginOperatorDefinedInAnotherPluginModule) {
  Project p;
  p.Write("plugins/operators/__init__.py", "");
  p.Write("plugins/operators/s3_ops.py", R"PY(
from airflow.models import BaseOperator

class S3CopyOperator(BaseOperator):
    def execute(self, context):
        pass
)PY");
  p.Write("plugins/sensors/__init__.py", "");
  p.Write("plugins/sensors/s3_sensors.py", R"PY(
from airflow.sensors.base_sensor_operator import BaseSensorOperator

class S3ReadySensor(BaseSensorOperator):
    def poke(self, context):
        return True
)PY");
  p.Write("plugins/company_plugin.py", R"PY(
from airflow.plugins_manager import AirflowPlugin
from operators.s3_ops import S3CopyOperator
from sensors.s3_sensors import S3ReadySensor

class CompanyPlugin(AirflowPlugin):
    name = "company"
    operators = [S3CopyOperator]
    sensors = [S3ReadySensor]
)PY");
  p.Write("dags/s3_copy.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.company import S3CopyOperator
from airflow.sensors.company import S3ReadySensor

with DAG("s3_copy", start_date=datetime(2021, 1, 1)) as dag:
    S3ReadySensor(task_id="wait") >> S3CopyOperator(task_id="copy")
)PY");
  const ir::DagFile f = p.Analyze("s3_copy.py");
  const ir::Dag& d = Dag(f, "s3_copy");
  EXPECT_EQ(TaskOf(d, "copy").operator_class, "operators.s3_ops.S3CopyOperator") << Describe(f);
  EXPECT_EQ(TaskOf(d, "wait").operator_class, "sensors.s3_sensors.S3ReadySensor");
  EXPECT_EQ(Edges(d), (Strings{"wait>>copy"}));
}

// ---------------------------------------------------------------------------------------------
// Bounds: whatever the file does, the analysis finishes
// ---------------------------------------------------------------------------------------------

TEST(EvaluatorLimits, RunawayWhileTrueFinishesWithDP105) {
  const auto begin = std::chrono::steady_clock::now();
  const ir::DagFile f = Analyze(R"PY(
with DAG("runaway", start_date=START) as dag:
    before = DummyOperator(task_id="before")
    n = 0
    while True:
        n += 1
)PY");
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 10);
  EXPECT_TRUE(HasCode(f, "DP105")) << Describe(f);
  std::vector<ir::Dag> all = f.dags;
  all.insert(all.end(), f.recovered_dags.begin(), f.recovered_dags.end());
  ASSERT_EQ(DagIds(all), (Strings{"runaway"}));
  EXPECT_EQ(TaskIds(all[0]), (Strings{"before"}));
}

TEST(EvaluatorLimits, TenThousandIterationsCreateEveryTask) {
  const ir::DagFile f = Analyze(R"PY(
with DAG("big", start_date=START) as dag:
    start = DummyOperator(task_id="start")
    for i in range(10000):
        start >> DummyOperator(task_id=f"t_{i:05d}")
)PY");
  const ir::Dag& d = Dag(f, "big");
  EXPECT_EQ(d.tasks.size(), 10'001u);
  EXPECT_EQ(d.edges.size(), 10'000u);
  EXPECT_NE(d.FindTask("t_09999"), nullptr);
  EXPECT_FALSE(HasCode(f, "DP105"));
}

TEST(EvaluatorLimits, UnboundedRecursionIsCutWithDP105) {
  const auto begin = std::chrono::steady_clock::now();
  const ir::DagFile f = Analyze(R"PY(
def build(n):
    DummyOperator(task_id="level_%d" % n)
    return build(n + 1)

with DAG("deep", start_date=START) as dag:
    build(0)
)PY");
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 10);
  EXPECT_TRUE(HasCode(f, "DP105")) << Describe(f);
  std::vector<ir::Dag> all = f.dags;
  all.insert(all.end(), f.recovered_dags.begin(), f.recovered_dags.end());
  ASSERT_EQ(DagIds(all), (Strings{"deep"}));
  EXPECT_NE(all[0].FindTask("level_0"), nullptr);
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

TEST(EvaluatorControl, NameErrorFailsTheImport) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("undefined_name", start_date=START)
DummyOperator(task_id="a", dag=dag)
refresh = create_refresh_tasks(dag)
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_EQ(f.recovered_dags.size(), 1u);
  EXPECT_TRUE(HasCode(f, "DP125"));
}

TEST(EvaluatorControl, NamesBoundByExecAreNotNameErrors) {
  const ir::DagFile f = Analyze(R"PY(
exec("x = 1")
dag = DAG("exec_names", start_date=START)
DummyOperator(task_id="a" + str(x), dag=dag)
)PY");
  ASSERT_EQ(f.dags.size(), 1u) << Describe(f);
}

TEST(EvaluatorControl, ExceptAsBindsTheException) {
  const ir::DagFile f = Analyze(R"PY(
try:
    raise ValueError("x")
except ValueError as error:
    message = str(error)
dag = DAG("except_as", start_date=START)
DummyOperator(task_id="a", dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "except_as")), (Strings{"a"})) << Describe(f);
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

TEST(EvaluatorStrings, RoundAndDatesAsPythonWritesThem) {
  // round() on the float's exact value, half to even; an int stays an int. A date is written
  // without a time of day, and moves by whole days.
  const ir::DagFile f = Analyze(R"PY(
from datetime import date, timedelta
import datetime as dt
dag = DAG("round_and_dates", start_date=START)
for x in [round(2.675, 2), round(0.125, 2), round(2.5), round(3.5), round(1234, -2), round(7, 1)]:
    DummyOperator(task_id="r_" + str(x), dag=dag)
d = date(2020, 2, 28)
for v in [str(d), (d + timedelta(days=1, hours=30)).isoformat(), str(START.date()),
          dt.date(2021, 3, 4).strftime("%Y%m%d_%H"), f"{d}"]:
    DummyOperator(task_id="d_" + v, dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "round_and_dates")),
            Sorted({"r_2.67", "r_0.12", "r_2", "r_4", "r_1200", "r_7", "d_2020-02-28",
                    "d_2020-03-01", "d_2021-01-01", "d_20210304_00"}))
      << Describe(f);
}

TEST(EvaluatorStrings, TimedeltasAsPythonWritesThem) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("timedelta_text", start_date=START)
for td in [timedelta(days=1, hours=2, minutes=3), timedelta(hours=-1),
           timedelta(days=-2, microseconds=5), timedelta(0), timedelta(days=3, seconds=59.5)]:
    DummyOperator(task_id="td_" + str(td).replace(":", "_").replace(" ", "").replace(",", ""), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "timedelta_text")),
            Sorted({"td_1day2_03_00", "td_-1day23_00_00", "td_-2days0_00_00.000005", "td_0_00_00",
                    "td_3days0_00_59.500000"}))
      << Describe(f);
}

TEST(EvaluatorStrings, BigPowersAreNotFloatsAndAlternateFormsHaveTheirPrefix) {
  // 2 ** 70 is an int in Python: beyond 64 bits it is unresolved, never a float.
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("powers", start_date=START)
DummyOperator(task_id="p_" + str(2 ** 10) + "_" + str((-1) ** 7) + "_" + str(1 ** 100), dag=dag)
DummyOperator(task_id="big_" + str(2 ** 70), dag=dag)
DummyOperator(task_id="{:#x}_{:#o}_{:#b}_{:#X}_{:x}".format(255, 8, 5, -255, 255), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "powers")),
            Sorted({"p_1024_-1_1", "\"big_\" + str(2 ** 70)", "0xff_0o10_0b101_-0XFF_ff"}))
      << Describe(f);
}

TEST(EvaluatorStrings, MoreBuiltins) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("more_builtins", start_date=START)
vals = [pow(2, 5), pow(3, 200, 1000003), pow(-3, 5, 7), pow(3, 5, -7),
        isinstance(1, (str, int)), isinstance("x", (int, float)), callable(len), callable("x"),
        "_".join(map(lambda a, b: a + b, ["a", "b", "c"], ["1", "2"]))]
DummyOperator(task_id="_".join(str(v) for v in vals), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "more_builtins")),
            Sorted({"32_333986_2_-2_True_False_True_False_a1_b2"}))
      << Describe(f);
}

TEST(EvaluatorStrings, RegularExpressionSubstitution) {
  const ir::DagFile f = Analyze(R"PY(
import re
dag = DAG("regex", start_date=START)
DummyOperator(task_id="update_" + re.sub("-|\\.", "_", "fire-incidents.md"), dag=dag)
DummyOperator(task_id="_".join(re.split(",", "a,b")), dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "regex")), Sorted({"update_fire_incidents_md", "a_b"})) << Describe(f);
}

TEST(EvaluatorControl, DelUnbindsNamesAndRemovesItems) {
  // A deleted global is no longer among the module's globals (DagBag does not see its DAG);
  // bound again, it comes last. `del a, b`, `del d[k]` and `del l[i]` as Python does them.
  const ir::DagFile f = Analyze(R"PY(
first = DAG("first", start_date=START)
gone = DAG("gone", start_date=START)
a, b = DAG("a", start_date=START), DAG("b", start_date=START)
del gone
del a, b
first = DAG("again", start_date=START)
steps = ["x", "y", "z"]
del steps[-2]
names = {"p": 1, "q": 2}
del names["p"]
for s in steps + list(names):
    DummyOperator(task_id=s, dag=first)
)PY");
  EXPECT_EQ(DagIds(f.dags), (Strings{"again"})) << Describe(f);
  EXPECT_EQ(TaskIds(Dag(f, "again")), Sorted({"x", "z", "q"})) << Describe(f);
}

TEST(EvaluatorControl, Python2DictMethodsFailUnderPython3) {
  const ir::DagFile f = Analyze(R"PY(
env = {k.upper(): v for k, v in {"a": 1}.iteritems()}
dag = DAG("py2_methods", start_date=START)
)PY");
  EXPECT_TRUE(f.dags.empty()) << Describe(f);
  EXPECT_TRUE(HasCode(f, "DP125"));
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

TEST(EvaluatorLoops, ItertoolsProductAndChain) {
  const ir::DagFile f = Analyze(R"PY(
import itertools
from itertools import product
dag = DAG("itertools_loops", start_date=START)
for env, n in itertools.product(["dev", "prod"], range(2)):
    DummyOperator(task_id="%s_%d" % (env, n), dag=dag)
for a, b in product("xy", repeat=2):
    DummyOperator(task_id=a + b, dag=dag)
for t in itertools.chain(["c1"], ("c2",)):
    DummyOperator(task_id=t, dag=dag)
for t in itertools.chain.from_iterable([["f1", "f2"], ["f3"]]):
    DummyOperator(task_id=t, dag=dag)
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "itertools_loops")),
            Sorted({"dev_0", "dev_1", "prod_0", "prod_1", "xx", "xy", "yx", "yy", "c1", "c2", "f1",
                    "f2", "f3"}))
      << Describe(f);
}

TEST(EvaluatorLoops, ItemsAppendedUnderAnUnknownConditionMayBeThere) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.models import Variable
TABLES = ["users", "orders"]
if Variable.get("extra", "no") == "yes":
    TABLES.append("events")
dag = DAG("maybe_items", start_date=START)
for table in TABLES:
    DummyOperator(task_id="load_" + table, dag=dag)
)PY");
  // The certain items give tasks for sure; the maybe item is analysed too (reported, as every
  // branch of an unknown condition is), without making the others unknown.
  EXPECT_EQ(TaskIds(Dag(f, "maybe_items")), Sorted({"load_users", "load_orders", "load_events"}))
      << Describe(f);
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

TEST(EvaluatorDeps, RelativesAndTheTaskDictAreReadable) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG("relatives", start_date=START)
a = DummyOperator(task_id="a", dag=dag)
b = DummyOperator(task_id="b", dag=dag)
c = DummyOperator(task_id="c", dag=dag)
a >> [b, c]
for u in b.upstream_list:
    DummyOperator(task_id="up_" + u.task_id, dag=dag)
DummyOperator(task_id="dn_" + "_".join(sorted(a.downstream_task_ids)), dag=dag)
dag.task_dict["b"] >> dag.task_dict["c"]
)PY");
  EXPECT_EQ(TaskIds(Dag(f, "relatives")), Sorted({"a", "b", "c", "up_a", "dn_b_c"})) << Describe(f);
  EXPECT_EQ(Edges(Dag(f, "relatives")), Sorted({"a>>b", "a>>c", "b>>c"})) << Describe(f);
}

TEST(EvaluatorDeps, SetUpstreamOnSomethingUnknownIsReported) {
  const ir::DagFile f = Analyze(R"PY(
from vendor.factories import make_task
dag = DAG("unknown_receiver", start_date=START)
a = DummyOperator(task_id="a", dag=dag)
b = make_task(name="b")
b.set_upstream(a)
)PY");
  EXPECT_TRUE(HasCode(f, "DP123")) << Describe(f);
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

TEST(EvaluatorDaysAgo, CountsBackFromTheGivenToday) {
  const std::string source = std::string(R"PY(
from airflow import DAG
from airflow.utils.dates import days_ago
a = DAG("a", start_date=days_ago(2))
b = DAG("b", start_date=days_ago(1, hour=6, minute=30))
c = DAG("c", start_date=days_ago(0))
)PY");
  ModuleLoader loader({}, {});
  EvaluationLimits limits;
  limits.today = "2025-03-01";
  const ir::DagFile file = AnalyzeSource("d.py", source, loader, limits).file;
  ASSERT_EQ(file.dags.size(), 3u);
  auto start = [&](size_t i) { return file.dags[i].Setting("start_date").ToPython(); };
  EXPECT_EQ(start(0), "datetime(2025, 2, 27, tzinfo='UTC')") << start(0);
  EXPECT_EQ(start(1), "datetime(2025, 2, 28, 6, 30, tzinfo='UTC')") << start(1);
  EXPECT_EQ(start(2), "datetime(2025, 3, 1, tzinfo='UTC')") << start(2);
  // Without a day, days_ago stays unknown: it depends on when Airflow parses the file.
  EvaluationLimits unknown;
  const ir::DagFile later = AnalyzeSource("d.py", source, loader, unknown).file;
  ASSERT_EQ(later.dags.size(), 3u);
  EXPECT_NE(later.dags[0].Setting("start_date").kind(), ir::ValueKind::kDatetime);
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

TEST(EvaluatorImports, ALocalModuleWithASyntaxErrorFailsTheImportingFile) {
  testing::TempDir dir;
  dir.Write("dags/common/__init__.py", "");
  dir.Write("dags/common/util.py",
            "from airflow.operators.bash_operator import BashOperator\n"
            "def make(dag):\n    return BashOperator(task_id='x', dag=dag\n");
  const std::string source = R"PY(
from datetime import datetime
from airflow import DAG
from common.util import make
dag = DAG('uses_helper', start_date=datetime(2024, 1, 1))
make(dag)
)PY";
  ModuleLoader loader({(dir.path() / "dags").string()}, {});
  EvaluationLimits limits;
  const ir::DagFile file =
      AnalyzeSource((dir.path() / "dags/d.py").string(), source, loader, limits).file;
  EXPECT_TRUE(file.dags.empty());
  bool reported = false;
  for (const ir::Diagnostic& d : file.diagnostics) {
    reported |= d.code == "DP125" && d.message.find("common.util") != std::string::npos &&
                d.message.find("SyntaxError") != std::string::npos && d.where.line == 4;
  }
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace dagport::parser
