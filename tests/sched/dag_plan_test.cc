#include "sched/dag_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace dagport::sched {
namespace {

using ir::Value;

constexpr int64_t kMicros = 1'000'000;

ir::Task MakeTask(std::string id,
                  std::string operator_class = "airflow.operators.bash.BashOperator",
                  ir::Arguments args = {}) {
  ir::Task t;
  t.task_id = std::move(id);
  t.operator_class = std::move(operator_class);
  t.arguments = args;
  t.effective_arguments = std::move(args);
  t.where = {10, 1, 10, 20};
  return t;
}

ir::Dag MakeDag(std::vector<ir::Task> tasks,
                const std::vector<std::pair<std::string, std::string>>& edges = {},
                ir::Arguments dag_args = {}) {
  ir::Dag d;
  d.dag_id = "example";
  d.arguments = std::move(dag_args);
  d.tasks = std::move(tasks);
  for (const auto& [from, to] : edges) d.edges.push_back({from, to, {}});
  d.where = {1, 1, 1, 10};
  return d;
}

/// Plans `dag`; fails the test when it cannot be planned.
DagPlan Plan(const ir::Dag& dag, std::vector<ir::Diagnostic>* diagnostics = nullptr) {
  std::vector<ir::Diagnostic> local;
  std::vector<ir::Diagnostic>& ds = diagnostics != nullptr ? *diagnostics : local;
  auto plan = PlanDag(dag, "dags/example.py", ds);
  EXPECT_TRUE(plan.has_value());
  return plan.value_or(DagPlan{});
}

const TaskPlan& Task(const DagPlan& plan, const std::string& id) {
  for (const TaskPlan& t : plan.tasks) {
    if (t.task_id == id) return t;
  }
  ADD_FAILURE() << "no task " << id;
  static const TaskPlan none;
  return none;
}

int64_t Priority(const DagPlan& plan, const std::string& id) {
  return Task(plan, id).priority;
}

std::vector<std::string> Codes(const std::vector<ir::Diagnostic>& ds) {
  std::vector<std::string> codes;
  for (const auto& d : ds) codes.push_back(d.code);
  return codes;
}

// --- task settings -----------------------------------------------------------------------

TEST(DagPlanTask, AirflowDefaultsWhenNothingIsSet) {
  std::vector<ir::Diagnostic> ds;
  const ir::Dag dag = MakeDag({MakeTask("t")});
  DagPlan plan = Plan(dag, &ds);
  EXPECT_TRUE(ds.empty());
  EXPECT_EQ(plan.source, &dag);
  ASSERT_EQ(plan.tasks.size(), 1u);
  const TaskPlan& t = plan.tasks[0];
  EXPECT_EQ(t.task_id, "t");
  EXPECT_EQ(t.operator_class, "airflow.operators.bash.BashOperator");
  EXPECT_EQ(t.operator_name, "BashOperator");
  EXPECT_EQ(t.kind, TaskKind::kOther);
  EXPECT_EQ(t.trigger_rule, TriggerRule::kAllSuccess);
  EXPECT_EQ(t.pool, "default_pool");
  EXPECT_EQ(t.pool_slots, 1);
  EXPECT_EQ(t.queue, "default");
  EXPECT_EQ(t.priority_weight, 1);
  EXPECT_EQ(t.weight_rule, WeightRule::kDownstream);
  EXPECT_EQ(t.priority, 1);
  EXPECT_EQ(t.retries, 0);
  EXPECT_EQ(t.retry_delay, 300 * kSecond);
  EXPECT_FALSE(t.retry_exponential_backoff);
  EXPECT_EQ(t.max_retry_delay, 0);
  EXPECT_EQ(t.execution_timeout, 0);
  EXPECT_EQ(t.sla, 0);
  EXPECT_FALSE(t.depends_on_past);
  EXPECT_FALSE(t.wait_for_downstream);
  EXPECT_EQ(t.max_active_tis_per_dag, 0);
  EXPECT_EQ(t.max_active_tis_per_dagrun, 0);
  EXPECT_TRUE(t.upstream.empty());
  EXPECT_TRUE(t.downstream.empty());
  EXPECT_EQ(t.source, &dag.tasks[0]);
}

TEST(DagPlanTask, RetriesAndRetryDelayAsTimedelta) {
  DagPlan plan = Plan(MakeDag({MakeTask(
      "t", "airflow.operators.bash.BashOperator",
      {{"retries", Value::Int(3)}, {"retry_delay", Value::Timedelta(2 * 60 * kMicros)}})}));
  EXPECT_EQ(plan.tasks[0].retries, 3);
  EXPECT_EQ(plan.tasks[0].retry_delay, 2 * kMinute);
}

TEST(DagPlanTask, RetryDelayInSeconds) {
  // BaseOperator takes a number as seconds.
  DagPlan plan = Plan(MakeDag({
      MakeTask("int", "x.BashOperator", {{"retry_delay", Value::Int(30)}}),
      MakeTask("float", "x.BashOperator", {{"retry_delay", Value::Float(1.5)}}),
      MakeTask("none", "x.BashOperator", {{"retry_delay", Value::None()}}),
  }));
  EXPECT_EQ(Task(plan, "int").retry_delay, 30 * kSecond);
  EXPECT_EQ(Task(plan, "float").retry_delay, 1500);
  EXPECT_EQ(Task(plan, "none").retry_delay, 300 * kSecond);
}

TEST(DagPlanTask, NegativeRetriesAreNone) {
  DagPlan plan = Plan(MakeDag({MakeTask("t", "x.BashOperator", {{"retries", Value::Int(-2)}})}));
  EXPECT_EQ(plan.tasks[0].retries, 0);
}

TEST(DagPlanTask, BackoffTimeoutsAndSla) {
  DagPlan plan = Plan(MakeDag({MakeTask("t", "x.BashOperator",
                                        {{"retry_exponential_backoff", Value::Bool(true)},
                                         {"max_retry_delay", Value::Timedelta(3600 * kMicros)},
                                         {"execution_timeout", Value::Timedelta(90 * kMicros)},
                                         {"sla", Value::Int(600)}})}));
  const TaskPlan& t = plan.tasks[0];
  EXPECT_TRUE(t.retry_exponential_backoff);
  EXPECT_EQ(t.max_retry_delay, kHour);
  EXPECT_EQ(t.execution_timeout, 90 * kSecond);
  EXPECT_EQ(t.sla, 10 * kMinute);
}

TEST(DagPlanTask, PoolQueueAndWeights) {
  DagPlan plan = Plan(MakeDag({MakeTask("t", "x.BashOperator",
                                        {{"pool", Value::String("db")},
                                         {"pool_slots", Value::Int(3)},
                                         {"queue", Value::String("heavy")},
                                         {"priority_weight", Value::Int(7)},
                                         {"weight_rule", Value::String("absolute")}})}));
  const TaskPlan& t = plan.tasks[0];
  EXPECT_EQ(t.pool, "db");
  EXPECT_EQ(t.pool_slots, 3);
  EXPECT_EQ(t.queue, "heavy");
  EXPECT_EQ(t.priority_weight, 7);
  EXPECT_EQ(t.weight_rule, WeightRule::kAbsolute);
  EXPECT_EQ(t.priority, 7);
}

TEST(DagPlanTask, TaskConcurrencyIsMaxActiveTisPerDag) {
  DagPlan plan = Plan(MakeDag({
      MakeTask("legacy", "x.BashOperator", {{"task_concurrency", Value::Int(2)}}),
      MakeTask("new", "x.BashOperator", {{"max_active_tis_per_dag", Value::Int(4)}}),
      MakeTask("both", "x.BashOperator",
               {{"task_concurrency", Value::Int(2)}, {"max_active_tis_per_dag", Value::Int(5)}}),
      MakeTask("per_run", "x.BashOperator", {{"max_active_tis_per_dagrun", Value::Int(1)}}),
  }));
  EXPECT_EQ(Task(plan, "legacy").max_active_tis_per_dag, 2);
  EXPECT_EQ(Task(plan, "new").max_active_tis_per_dag, 4);
  EXPECT_EQ(Task(plan, "both").max_active_tis_per_dag, 5);
  EXPECT_EQ(Task(plan, "per_run").max_active_tis_per_dag, 0);
  EXPECT_EQ(Task(plan, "per_run").max_active_tis_per_dagrun, 1);
}

TEST(DagPlanTask, WaitForDownstreamImpliesDependsOnPast) {
  DagPlan plan = Plan(MakeDag({
      MakeTask("wait", "x.BashOperator", {{"wait_for_downstream", Value::Bool(true)}}),
      MakeTask("past", "x.BashOperator", {{"depends_on_past", Value::Bool(true)}}),
  }));
  EXPECT_TRUE(Task(plan, "wait").wait_for_downstream);
  EXPECT_TRUE(Task(plan, "wait").depends_on_past);
  EXPECT_FALSE(Task(plan, "past").wait_for_downstream);
  EXPECT_TRUE(Task(plan, "past").depends_on_past);
}

TEST(DagPlanTask, TriggerRules) {
  DagPlan plan = Plan(MakeDag({
      MakeTask("dummy", "x.BashOperator", {{"trigger_rule", Value::String("dummy")}}),
      MakeTask("legacy", "x.BashOperator",
               {{"trigger_rule", Value::String("none_failed_or_skipped")}}),
      MakeTask("done", "x.BashOperator", {{"trigger_rule", Value::String("all_done")}}),
      MakeTask("one", "x.BashOperator", {{"trigger_rule", Value::String("one_failed")}}),
  }));
  EXPECT_EQ(Task(plan, "dummy").trigger_rule, TriggerRule::kAlways);
  EXPECT_EQ(Task(plan, "legacy").trigger_rule, TriggerRule::kNoneFailedMinOneSuccess);
  EXPECT_EQ(Task(plan, "done").trigger_rule, TriggerRule::kAllDone);
  EXPECT_EQ(Task(plan, "one").trigger_rule, TriggerRule::kOneFailed);
}

TEST(DagPlanTask, UnresolvedValuesFallBackToTheDefaultWithDP301) {
  std::vector<ir::Diagnostic> ds;
  DagPlan plan =
      Plan(MakeDag({MakeTask("t", "x.BashOperator",
                             {{"retries", Value::MakeUnresolved("Variable.get('r')", "variable")},
                              {"retry_delay", Value::MakeUnresolved("cfg.delay", "unknown name")},
                              {"pool", Value::MakeUnresolved("os.environ['POOL']", "environment")},
                              {"trigger_rule", Value::MakeUnresolved("rule()", "call")}})}),
           &ds);
  const TaskPlan& t = plan.tasks[0];
  EXPECT_EQ(t.retries, 0);
  EXPECT_EQ(t.retry_delay, 300 * kSecond);
  EXPECT_EQ(t.pool, "default_pool");
  EXPECT_EQ(t.trigger_rule, TriggerRule::kAllSuccess);
  ASSERT_EQ(Codes(ds), (std::vector<std::string>(4, "DP301")));
  for (const ir::Diagnostic& d : ds) {
    EXPECT_EQ(d.file, "dags/example.py");
    EXPECT_EQ(d.where.line, 10u);  // the task's line
    EXPECT_EQ(d.severity, ir::Severity::kInfo);
    EXPECT_NE(d.message.find("example.t"), std::string::npos) << d.message;
  }
  auto mentions = [&](const std::string& text) {
    for (const ir::Diagnostic& d : ds) {
      if (d.message.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(mentions("retries=Variable.get('r')"));
  EXPECT_TRUE(mentions("retry_delay=cfg.delay"));
  EXPECT_TRUE(mentions("pool=os.environ['POOL']"));
  EXPECT_TRUE(mentions("trigger_rule=rule()"));
}

TEST(DagPlanTask, AnUnknownTriggerRuleNameIsNotedAndDefaulted) {
  std::vector<ir::Diagnostic> ds;
  DagPlan plan = Plan(
      MakeDag({MakeTask("t", "x.BashOperator", {{"trigger_rule", Value::String("sometimes")}})}),
      &ds);
  EXPECT_EQ(plan.tasks[0].trigger_rule, TriggerRule::kAllSuccess);
  EXPECT_EQ(Codes(ds), std::vector<std::string>{"DP301"});
}

TEST(DagPlanTask, WrongTypesAreNotedToo) {
  std::vector<ir::Diagnostic> ds;
  DagPlan plan = Plan(MakeDag({MakeTask("t", "x.BashOperator",
                                        {{"retries", Value::String("three")},
                                         {"retry_delay", Value::String("5m")},
                                         {"max_active_tis_per_dag", Value::Float(2.5)}})}),
                      &ds);
  EXPECT_EQ(plan.tasks[0].retries, 0);
  EXPECT_EQ(plan.tasks[0].retry_delay, 300 * kSecond);
  EXPECT_EQ(plan.tasks[0].max_active_tis_per_dag, 0);
  EXPECT_EQ(Codes(ds), (std::vector<std::string>(3, "DP301")));
}

TEST(DagPlanTask, KindsOfOperators) {
  DagPlan plan = Plan(MakeDag({
      MakeTask("empty", "airflow.operators.empty.EmptyOperator"),
      MakeTask("dummy", "airflow.operators.dummy_operator.DummyOperator"),
      MakeTask("dummy2", "airflow.operators.dummy.DummyOperator"),
      MakeTask("branch", "airflow.operators.python_operator.BranchPythonOperator"),
      MakeTask("branch2", "airflow.operators.python.BranchPythonOperator"),
      MakeTask("short", "airflow.operators.python.ShortCircuitOperator"),
      MakeTask("subdag", "airflow.operators.subdag_operator.SubDagOperator"),
      MakeTask("ext", "airflow.sensors.external_task_sensor.ExternalTaskSensor"),
      MakeTask("file", "airflow.contrib.sensors.file_sensor.FileSensor"),
      MakeTask("http", "airflow.providers.http.sensors.http.HttpSensor"),
      MakeTask("base", "airflow.sensors.base.BaseSensorOperator"),
      MakeTask("s3", "airflow.sensors.s3_key_sensor.S3KeySensor"),
      MakeTask("bash", "airflow.operators.bash_operator.BashOperator"),
      MakeTask("python", "airflow.operators.python_operator.PythonOperator"),
      MakeTask("custom", "plugins.my_operators.LoadOperator"),
  }));
  EXPECT_EQ(Task(plan, "empty").kind, TaskKind::kEmpty);
  EXPECT_EQ(Task(plan, "dummy").kind, TaskKind::kEmpty);
  EXPECT_EQ(Task(plan, "dummy2").kind, TaskKind::kEmpty);
  EXPECT_EQ(Task(plan, "branch").kind, TaskKind::kBranch);
  EXPECT_EQ(Task(plan, "branch2").kind, TaskKind::kBranch);
  EXPECT_EQ(Task(plan, "short").kind, TaskKind::kShortCircuit);
  EXPECT_EQ(Task(plan, "subdag").kind, TaskKind::kSubDag);
  EXPECT_EQ(Task(plan, "ext").kind, TaskKind::kSensor);
  EXPECT_EQ(Task(plan, "file").kind, TaskKind::kSensor);
  EXPECT_EQ(Task(plan, "http").kind, TaskKind::kSensor);
  EXPECT_EQ(Task(plan, "base").kind, TaskKind::kSensor);
  EXPECT_EQ(Task(plan, "s3").kind, TaskKind::kSensor);
  EXPECT_EQ(Task(plan, "bash").kind, TaskKind::kOther);
  EXPECT_EQ(Task(plan, "python").kind, TaskKind::kOther);
  EXPECT_EQ(Task(plan, "custom").kind, TaskKind::kOther);
  EXPECT_EQ(Task(plan, "custom").operator_name, "LoadOperator");
}

TEST(DagPlanTask, ExternalTaskMarkerIsAnEmptyOperatorNotASensor) {
  // ExternalTaskMarker lives in airflow.sensors.external_task(_sensor) but subclasses
  // EmptyOperator (DummyOperator in 1.10): the scheduler marks it success without running it.
  DagPlan plan = Plan(MakeDag({
      MakeTask("m1", "airflow.sensors.external_task_sensor.ExternalTaskMarker"),
      MakeTask("m2", "airflow.sensors.external_task.ExternalTaskMarker"),
  }));
  EXPECT_EQ(Task(plan, "m1").kind, TaskKind::kEmpty);
  EXPECT_EQ(Task(plan, "m2").kind, TaskKind::kEmpty);
}

// --- DAG settings and the graph ----------------------------------------------------------

TEST(DagPlanDag, AirflowDefaults) {
  std::vector<ir::Diagnostic> ds;
  DagPlan plan = Plan(MakeDag({MakeTask("t")}), &ds);
  EXPECT_TRUE(ds.empty());
  EXPECT_EQ(plan.dag_id, "example");
  EXPECT_EQ(plan.file, "dags/example.py");
  EXPECT_EQ(plan.timetable.kind, ScheduleKind::kDelta);
  EXPECT_EQ(plan.timetable.delta, kDay);
  EXPECT_FALSE(plan.start_date.has_value());
  EXPECT_FALSE(plan.end_date.has_value());
  EXPECT_TRUE(plan.catchup);
  EXPECT_EQ(plan.max_active_runs, 16);
  EXPECT_EQ(plan.max_active_tasks, 16);
  EXPECT_EQ(plan.dagrun_timeout, 0);
}

TEST(DagPlanDag, Settings) {
  ir::Datetime start{2025, 1, 1, 0, 0, 0, 0, ""};
  ir::Datetime end{2025, 6, 30, 12, 0, 0, 0, ""};
  DagPlan plan = Plan(MakeDag({MakeTask("t")}, {},
                              {{"schedule_interval", Value::String("0 2 * * *")},
                               {"start_date", Value::MakeDatetime(start)},
                               {"end_date", Value::MakeDatetime(end)},
                               {"catchup", Value::Bool(false)},
                               {"max_active_runs", Value::Int(1)},
                               {"concurrency", Value::Int(4)},
                               {"dagrun_timeout", Value::Timedelta(3600 * kMicros)}}));
  EXPECT_EQ(plan.timetable.kind, ScheduleKind::kCron);
  EXPECT_EQ(plan.timetable.text, "0 2 * * *");
  EXPECT_EQ(plan.start_date, ToMillis(start));
  EXPECT_EQ(plan.end_date, ToMillis(end));
  EXPECT_FALSE(plan.catchup);
  EXPECT_EQ(plan.max_active_runs, 1);
  EXPECT_EQ(plan.max_active_tasks, 4);  // 1.10's `concurrency`
  EXPECT_EQ(plan.dagrun_timeout, kHour);
}

TEST(DagPlanDag, StartDateFromDefaultArgs) {
  ir::Datetime start{2024, 3, 1, 0, 0, 0, 0, ""};
  DagPlan plan =
      Plan(MakeDag({MakeTask("t")}, {},
                   {{"default_args",
                     Value::Dict({{Value::String("start_date"), Value::MakeDatetime(start)}})}}));
  EXPECT_EQ(plan.start_date, ToMillis(start));
}

TEST(DagPlanDag, UnresolvedDagSettingsFallBackWithDP301) {
  std::vector<ir::Diagnostic> ds;
  DagPlan plan = Plan(MakeDag({MakeTask("t")}, {},
                              {{"max_active_runs", Value::MakeUnresolved("N", "name")},
                               {"catchup", Value::MakeUnresolved("flag()", "call")}}),
                      &ds);
  EXPECT_EQ(plan.max_active_runs, 16);
  EXPECT_TRUE(plan.catchup);
  EXPECT_EQ(Codes(ds), (std::vector<std::string>{"DP301", "DP301"}));
  for (const auto& d : ds) EXPECT_NE(d.message.find("DAG example"), std::string::npos);
}

TEST(DagPlanDag, AnUnknownScheduleIsNotPlannedWithDP302) {
  std::vector<ir::Diagnostic> ds;
  auto plan = PlanDag(
      MakeDag({MakeTask("t")}, {},
              {{"schedule_interval", Value::MakeUnresolved("Variable.get('cron')", "variable")}}),
      "dags/example.py", ds);
  EXPECT_FALSE(plan.has_value());
  ASSERT_EQ(Codes(ds), std::vector<std::string>{"DP302"});
  EXPECT_EQ(ds[0].file, "dags/example.py");
  EXPECT_NE(ds[0].message.find("example"), std::string::npos);
}

TEST(DagPlanDag, EdgesBecomeIndexLists) {
  DagPlan plan = Plan(
      MakeDag({MakeTask("a"), MakeTask("b"), MakeTask("c")}, {{"a", "b"},
                                                              {"a", "c"},
                                                              {"b", "c"},
                                                              {"a", "b"},        // declared twice
                                                              {"a", "missing"},  // unknown task
                                                              {"c", "c"}}));     // self loop
  ASSERT_EQ(plan.tasks.size(), 3u);
  EXPECT_EQ(plan.tasks[0].downstream, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(plan.tasks[0].upstream, std::vector<uint32_t>{});
  EXPECT_EQ(plan.tasks[1].upstream, std::vector<uint32_t>{0});
  EXPECT_EQ(plan.tasks[1].downstream, std::vector<uint32_t>{2});
  EXPECT_EQ(plan.tasks[2].upstream, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(plan.tasks[2].downstream, std::vector<uint32_t>{});
}

TEST(DagPlanDag, DuplicateTaskIdsAreNotPlanned) {
  // Airflow 2 raises DuplicateTaskIdFound: the DAG never loads, so it is not simulated.
  std::vector<ir::Diagnostic> diagnostics;
  auto plan = PlanDag(MakeDag({MakeTask("a", "x.BashOperator", {{"retries", Value::Int(1)}}),
                               MakeTask("a", "x.BashOperator", {{"retries", Value::Int(9)}})}),
                      "dags/example.py", diagnostics);
  EXPECT_FALSE(plan.has_value());
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "DP303");
  EXPECT_NE(diagnostics[0].message.find("'a' is used twice"), std::string::npos);
}

// --- priority weights --------------------------------------------------------------------

ir::Task Weighted(std::string id, int64_t weight, const char* rule = "downstream") {
  return MakeTask(std::move(id), "x.BashOperator",
                  {{"priority_weight", Value::Int(weight)}, {"weight_rule", Value::String(rule)}});
}

TEST(DagPlanPriority, DownstreamIsOwnWeightPlusAllDescendants) {
  DagPlan plan =
      Plan(MakeDag({MakeTask("a"), MakeTask("b"), MakeTask("c")}, {{"a", "b"}, {"b", "c"}}));
  EXPECT_EQ(Priority(plan, "a"), 3);
  EXPECT_EQ(Priority(plan, "b"), 2);
  EXPECT_EQ(Priority(plan, "c"), 1);
}

TEST(DagPlanPriority, DiamondCountsTheJoinOnce) {
  const std::vector<std::pair<std::string, std::string>> diamond = {
      {"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}};
  DagPlan plan = Plan(MakeDag(
      {Weighted("a", 1), Weighted("b", 10), Weighted("c", 100), Weighted("d", 1000)}, diamond));
  EXPECT_EQ(Priority(plan, "a"), 1111);
  EXPECT_EQ(Priority(plan, "b"), 1010);
  EXPECT_EQ(Priority(plan, "c"), 1100);
  EXPECT_EQ(Priority(plan, "d"), 1000);
}

TEST(DagPlanPriority, DescendantsBeyondDirectChildrenCount) {
  // a >> b >> c >> d, and a >> d directly: d is still counted once for a.
  DagPlan plan =
      Plan(MakeDag({Weighted("a", 1), Weighted("b", 2), Weighted("c", 4), Weighted("d", 8)},
                   {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"a", "d"}}));
  EXPECT_EQ(Priority(plan, "a"), 15);
  EXPECT_EQ(Priority(plan, "b"), 14);
  EXPECT_EQ(Priority(plan, "c"), 12);
  EXPECT_EQ(Priority(plan, "d"), 8);
}

TEST(DagPlanPriority, UpstreamIsOwnWeightPlusAllAncestors) {
  const std::vector<std::pair<std::string, std::string>> diamond = {
      {"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}};
  DagPlan plan = Plan(MakeDag({Weighted("a", 1, "upstream"), Weighted("b", 10, "upstream"),
                               Weighted("c", 100, "upstream"), Weighted("d", 1000, "upstream")},
                              diamond));
  EXPECT_EQ(Priority(plan, "a"), 1);
  EXPECT_EQ(Priority(plan, "b"), 11);
  EXPECT_EQ(Priority(plan, "c"), 101);
  EXPECT_EQ(Priority(plan, "d"), 1111);
}

TEST(DagPlanPriority, AbsoluteIsOwnWeight) {
  DagPlan plan = Plan(MakeDag(
      {Weighted("a", 5, "absolute"), Weighted("b", 7, "absolute"), Weighted("c", 9, "absolute")},
      {{"a", "b"}, {"b", "c"}}));
  EXPECT_EQ(Priority(plan, "a"), 5);
  EXPECT_EQ(Priority(plan, "b"), 7);
  EXPECT_EQ(Priority(plan, "c"), 9);
}

TEST(DagPlanPriority, EachTaskUsesItsOwnRuleAndTheOthersOwnWeights) {
  // The sums take the relatives' own priority_weight, not their totals.
  DagPlan plan = Plan(MakeDag({Weighted("a", 1, "downstream"), Weighted("b", 10, "absolute"),
                               Weighted("c", 100, "upstream")},
                              {{"a", "b"}, {"b", "c"}}));
  EXPECT_EQ(Priority(plan, "a"), 111);
  EXPECT_EQ(Priority(plan, "b"), 10);
  EXPECT_EQ(Priority(plan, "c"), 111);
}

TEST(DagPlanPriority, ManyTasksAcrossBitsetWords) {
  // A chain of 130 tasks and a root fanning out to 200 leaves.
  std::vector<ir::Task> tasks;
  std::vector<std::pair<std::string, std::string>> edges;
  for (int i = 0; i < 130; ++i) {
    tasks.push_back(MakeTask("c" + std::to_string(i)));
    if (i > 0) edges.emplace_back("c" + std::to_string(i - 1), "c" + std::to_string(i));
  }
  tasks.push_back(MakeTask("root"));
  for (int i = 0; i < 200; ++i) {
    tasks.push_back(MakeTask("leaf" + std::to_string(i)));
    edges.emplace_back("root", "leaf" + std::to_string(i));
  }
  DagPlan plan = Plan(MakeDag(std::move(tasks), edges));
  EXPECT_EQ(Priority(plan, "c0"), 130);
  EXPECT_EQ(Priority(plan, "c64"), 66);
  EXPECT_EQ(Priority(plan, "c129"), 1);
  EXPECT_EQ(Priority(plan, "root"), 201);
  EXPECT_EQ(Priority(plan, "leaf199"), 1);
}

TEST(DagPlanPriority, ClampedToAirflowsIntegerColumn) {
  DagPlan plan = Plan(MakeDag(
      {Weighted("a", 2'000'000'000), Weighted("b", 2'000'000'000),
       Weighted("c", -2'000'000'000, "upstream"), Weighted("d", -2'000'000'000, "upstream")},
      {{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(Priority(plan, "a"), 2147483647);
  EXPECT_EQ(Priority(plan, "b"), 2'000'000'000);
  EXPECT_EQ(Priority(plan, "d"), -2147483648LL);
}

TEST(DagPlanPriority, ComputePrioritiesOnAHandBuiltPlan) {
  DagPlan plan;
  plan.tasks.resize(3);
  plan.tasks[0].priority_weight = 2;
  plan.tasks[1].priority_weight = 3;
  plan.tasks[2].priority_weight = 4;
  plan.tasks[0].downstream = {1, 2};
  plan.tasks[1].upstream = {0};
  plan.tasks[2].upstream = {0};
  ComputePriorities(plan);
  EXPECT_EQ(plan.tasks[0].priority, 9);
  EXPECT_EQ(plan.tasks[1].priority, 3);
  EXPECT_EQ(plan.tasks[2].priority, 4);
}

TEST(DagPlanPriority, ACycleIsReportedAndNotPlanned) {
  std::vector<ir::Diagnostic> diagnostics;
  auto plan = PlanDag(
      MakeDag({MakeTask("a"), MakeTask("b"), MakeTask("c")}, {{"a", "b"}, {"b", "c"}, {"c", "b"}}),
      "dags/example.py", diagnostics);
  EXPECT_FALSE(plan.has_value());
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "DP303");
  EXPECT_NE(diagnostics[0].message.find("cycle"), std::string::npos);
}

TEST(DagPlanPriority, KindOfOperatorReadsTheClassName) {
  EXPECT_EQ(KindOfOperator("airflow.operators.python_operator.BranchPythonOperator"),
            TaskKind::kBranch);
  EXPECT_EQ(KindOfOperator("airflow.sensors.base_sensor_operator.BaseSensorOperator"),
            TaskKind::kSensor);
  EXPECT_EQ(KindOfOperator("plugins.mine.MyOperator"), TaskKind::kOther);
}

}  // namespace
}  // namespace dagport::sched
