// The runtime's pieces without a DAG: the state file and its lock, the sandbox's command line,
// and what a task runs.
#include <gtest/gtest.h>

#include <algorithm>

#include "ir/cron.h"
#include "runtime/backfill.h"
#include "runtime/sandbox.h"
#include "runtime/state_store.h"
#include "runtime/task_command.h"
#include "sched/timetable.h"
#include "tests/test_support.h"

namespace dagport::runtime {
namespace {

TEST(RuntimeState, KeepsRunsTasksTriesAndXcoms) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "state.sqlite").string();
  {
    StateStore s(path);
    s.CreateRun({"r1", "dag", "2025-01-02T00:00:00", "running", "2025-01-02T00:00:01", ""});
    s.SetTaskState("r1", "a", "running", 1);
    s.SetTaskState("r1", "a", "success", 1);
    s.RecordTry("r1", "a", 1, "success", "t0", "t1", 0, "a.log");
    s.SetXcom("r1", "a", "return_value", "42");
    s.Event("t1", "task_success", "r1", "a", "");
  }
  StateStore again(path);  // a later dagport reads what the first one wrote
  auto run = again.FindRun("dag", "2025-01-02T00:00:00");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->run_id, "r1");
  const auto tis = again.TaskInstances("r1");
  ASSERT_EQ(tis.size(), 1u);
  EXPECT_EQ(tis[0].state, "success");
  EXPECT_EQ(again.Xcom("r1", "a", "return_value"), "42");
  EXPECT_EQ(again.EventCount(), 1u);
  EXPECT_FALSE(again.FindRun("dag", "2025-01-03T00:00:00").has_value());
}

TEST(RuntimeState, ASecondOpenOfTheSameFileIsRefused) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "state.sqlite").string();
  StateStore first(path);
  try {
    StateStore second(path);
    FAIL() << "the second open should throw";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another dagport run"), std::string::npos);
  }
}

TEST(RuntimeState, NotAStateFileIsAClearError) {
  testing::TempDir dir;
  const auto path =
      dir.Write("junk.sqlite", "this is not a database, just text that is long enough");
  EXPECT_THROW(StateStore s(path.string()), StateError);
}

TEST(RuntimeSandbox, BwrapHidesTheNetworkUnlessAllowed) {
  SandboxSpec spec;
  spec.argv = {"bash", "-c", "true"};
  spec.workspace = "/w";
  auto argv = WrappedArgv(spec, Isolation::kBwrap);
  auto has = [&](const std::string& a) {
    return std::find(argv.begin(), argv.end(), a) != argv.end();
  };
  EXPECT_TRUE(has("--unshare-net"));
  EXPECT_TRUE(has("--unshare-pid"));
  EXPECT_TRUE(has("--die-with-parent"));
  EXPECT_EQ(argv.back(), "true");
  spec.allow_network = true;
  argv = WrappedArgv(spec, Isolation::kBwrap);
  EXPECT_FALSE(has("--unshare-net"));
  EXPECT_EQ(WrappedArgv(spec, Isolation::kProcess), spec.argv);
}

TEST(RuntimeSandbox, UnknownIsolationIsRefused) {
  std::string why;
  EXPECT_FALSE(ChooseIsolation("docker", &why).has_value());
  EXPECT_NE(why.find("auto, bwrap, unshare or process"), std::string::npos);
  EXPECT_TRUE(ChooseIsolation("process", &why).has_value());
}

ir::Task Bash(const std::string& command) {
  ir::Task t;
  t.task_id = "t";
  t.operator_class = "airflow.operators.bash.BashOperator";
  t.effective_arguments = {{"bash_command", ir::Value::Template(command)}};
  return t;
}

TEST(RuntimeCommand, RendersTheBashCommand) {
  std::string why;
  TemplateEnvironment env;
  env.context = {"d", "t", 0, sched::kDay, 1, "manual__x", {}, {}, {}};
  env.params = {{"region", "eu"}};
  auto c = CommandFor(Bash("echo {{ ds }} {{ run_id }} {{ params.region }}"), env, &why);
  ASSERT_TRUE(c.has_value()) << why;
  EXPECT_EQ(c->argv, (std::vector<std::string>{"bash", "-c", "echo 1970-01-01 manual__x eu"}));
  EXPECT_EQ(c->skip_exit_codes, std::vector<int>{99});
}

TEST(RuntimeCommand, RefusesWhatItCannotRender) {
  std::string why;
  TemplateEnvironment env;
  env.context = {"d", "t", 0, sched::kDay, 1, "", {}, {}, {}};
  EXPECT_FALSE(CommandFor(Bash("echo {{ params.region }}"), env, &why).has_value());
  EXPECT_NE(why.find("{{ params.region }}"), std::string::npos) << why;
  EXPECT_NE(why.find("has no key 'region'"), std::string::npos) << why;
  ir::Task sql;
  sql.operator_class = "airflow.providers.postgres.operators.postgres.PostgresOperator";
  EXPECT_FALSE(CommandFor(sql, env, &why).has_value());
  EXPECT_NE(why.find("not supported by the local runtime yet"), std::string::npos);
}

}  // namespace
}  // namespace dagport::runtime

namespace dagport::runtime {
namespace {

TEST(RuntimeCommand, BashCommandsEndingInShAreTemplateFiles) {
  testing::TempDir dir;
  dir.Write("dags/scripts/run.sh", "echo {{ ds }} {{ params.region }}\n");
  dir.Write("extra/other.bash", "echo other\n");
  const std::vector<std::string> folders = {(dir.path() / "dags").string(),
                                            (dir.path() / "extra").string()};
  // Looked up as Jinja's FileSystemLoader does: relative to each folder, '.' and empty parts
  // dropped (so an absolute path is relative too), '..' refused.
  EXPECT_EQ(FindTemplateFile("scripts/run.sh", folders),
            (dir.path() / "dags" / "scripts" / "run.sh").string());
  EXPECT_EQ(FindTemplateFile("./scripts//run.sh", folders),
            (dir.path() / "dags" / "scripts" / "run.sh").string());
  EXPECT_EQ(FindTemplateFile("other.bash", folders),
            (dir.path() / "extra" / "other.bash").string());
  EXPECT_FALSE(FindTemplateFile((dir.path() / "dags" / "scripts" / "run.sh").string(), folders));
  EXPECT_FALSE(FindTemplateFile("../dags/scripts/run.sh", {(dir.path() / "extra").string()}));

  TemplateEnvironment env;
  env.context = {"d", "t", 0, sched::kDay, 1, "manual__x", {}, {}, {}};
  env.params = {{"region", "eu"}};
  std::string why;
  auto c = CommandFor(Bash("scripts/run.sh"), env, &why, folders);
  ASSERT_TRUE(c.has_value()) << why;
  // Its trailing newline dropped, as Jinja's loader does (keep_trailing_newline is off).
  EXPECT_EQ(c->argv, (std::vector<std::string>{"bash", "-c", "echo 1970-01-01 eu"}));
  // Not found: Airflow's TemplateNotFound, with the way out.
  EXPECT_FALSE(CommandFor(Bash("missing.sh"), env, &why, folders).has_value());
  EXPECT_NE(why.find("add a space after the name"), std::string::npos) << why;
  // A space after the name makes it a command.
  c = CommandFor(Bash("scripts/run.sh "), env, &why, folders);
  ASSERT_TRUE(c.has_value()) << why;
  EXPECT_EQ(c->argv.back(), "scripts/run.sh ");
}

TEST(RuntimeCommand, TemplateFoldersAreTheDagFolderThenTemplateSearchpath) {
  ir::Dag dag;
  dag.arguments = {{"template_searchpath",
                    ir::Value::List({ir::Value::String("/opt/sql"), ir::Value::String("/srv")})}};
  EXPECT_EQ(TemplateFolders(dag, "/x/dags/a.py"),
            (std::vector<std::string>{"/x/dags", "/opt/sql", "/srv"}));
  dag.arguments = {{"template_searchpath", ir::Value::String("/one")}};
  EXPECT_EQ(TemplateFolders(dag, "/x/dags/a.py"), (std::vector<std::string>{"/x/dags", "/one"}));
}

}  // namespace
}  // namespace dagport::runtime

namespace dagport::runtime {
namespace {

ir::Dag Scheduled(ir::Value schedule) {
  ir::Dag dag;
  dag.dag_id = "d";
  ir::Datetime start;
  start.year = 2025;
  start.month = 1;
  start.day = 1;
  dag.arguments = {{"schedule", std::move(schedule)},
                   {"start_date", ir::Value::MakeDatetime(start)}};
  return dag;
}

TEST(RuntimeBackfill, ScheduledDatesOfCronAndTimedeltaSchedules) {
  sched::Millis start = 0, end = 0;
  ASSERT_TRUE(sched::ParseIsoDate("2025-01-02", &start));
  ASSERT_TRUE(sched::ParseIsoDate("2025-01-04T12:00", &end));
  std::string error;
  auto dates = ScheduledDates(Scheduled(ir::Value::Cron("0 6 * * *")), start, end, &error);
  ASSERT_EQ(dates.size(), 3u) << error;
  EXPECT_EQ(sched::FormatIso(dates[0]), "2025-01-02T06:00:00");
  EXPECT_EQ(sched::FormatIso(dates[2]), "2025-01-04T06:00:00");
  // A timedelta counts its steps from start_date.
  dates = ScheduledDates(Scheduled(ir::Value::Timedelta(int64_t{36} * 3600 * 1000000)), start, end,
                         &error);
  ASSERT_EQ(dates.size(), 2u) << error;
  EXPECT_EQ(sched::FormatIso(dates[0]), "2025-01-02T12:00:00");
  EXPECT_EQ(sched::FormatIso(dates[1]), "2025-01-04T00:00:00");
  EXPECT_TRUE(ScheduledDates(Scheduled(ir::Value::None()), start, end, &error).empty());
  EXPECT_NE(error.find("no dates to backfill"), std::string::npos) << error;
}

sched::DagPlan PlanOf(ir::Value schedule) {
  std::vector<ir::Diagnostic> diagnostics;
  auto plan = sched::PlanDag(Scheduled(std::move(schedule)), "", diagnostics);
  EXPECT_TRUE(plan.has_value());
  return plan ? *plan : sched::DagPlan{};
}

sched::Millis At(const char* iso) {
  sched::Millis t = 0;
  EXPECT_TRUE(sched::ParseIsoDate(iso, &t)) << iso;
  return t;
}

std::string Iso(sched::Millis t) {
  return sched::FormatIso(t);
}

TEST(RuntimeRunDates, BackfillRunsSeeTheScheduledDatesAroundThem) {
  // Airflow 2's context: data interval [logical, next fire], prev_ds the fire before.
  const RunDates d = ScheduledRunDates(PlanOf(ir::Value::Cron("0 6 * * 1-5")),
                                       At("2025-01-06T06:00"));  // a Monday
  EXPECT_EQ(Iso(d.interval_start), "2025-01-06T06:00:00");
  EXPECT_EQ(Iso(d.interval_end), "2025-01-07T06:00:00");
  EXPECT_EQ(Iso(d.prev_logical), "2025-01-03T06:00:00");  // the Friday before
  EXPECT_EQ(Iso(d.next_logical), "2025-01-07T06:00:00");
  const RunDates weekly =
      ScheduledRunDates(PlanOf(ir::Value::Cron("@weekly")), At("2025-01-05T00:00"));
  EXPECT_EQ(Iso(weekly.prev_logical), "2024-12-29T00:00:00");
  const RunDates delta = ScheduledRunDates(
      PlanOf(ir::Value::Timedelta(int64_t{6} * 3600 * 1000000)), At("2025-01-02T12:00"));
  EXPECT_EQ(Iso(delta.prev_logical), "2025-01-02T06:00:00");
  EXPECT_EQ(Iso(delta.interval_end), "2025-01-02T18:00:00");
}

TEST(RuntimeRunDates, AManualRunHasTheLastWholeIntervalAndItsOwnDateForPrevAndNext) {
  // infer_manual_data_interval: a run at 10:30 of a daily-at-06:00 DAG covers the day that
  // ended at 06:00; prev_ds and next_ds of a triggered run are its own ds.
  const sched::DagPlan daily = PlanOf(ir::Value::Cron("0 6 * * *"));
  RunDates d = ManualRunDates(daily, At("2025-01-02T10:30"));
  EXPECT_EQ(Iso(d.interval_start), "2025-01-01T06:00:00");
  EXPECT_EQ(Iso(d.interval_end), "2025-01-02T06:00:00");
  EXPECT_EQ(Iso(d.prev_logical), "2025-01-02T10:30:00");
  EXPECT_EQ(Iso(d.next_logical), "2025-01-02T10:30:00");
  // On a fire, the interval ends there.
  d = ManualRunDates(daily, At("2025-01-02T06:00"));
  EXPECT_EQ(Iso(d.interval_start), "2025-01-01T06:00:00");
  EXPECT_EQ(Iso(d.interval_end), "2025-01-02T06:00:00");
  // A timedelta: the step that ends at the run; no schedule: the run's own instant.
  d = ManualRunDates(PlanOf(ir::Value::Timedelta(int64_t{3600} * 1000000)), At("2025-01-02T10:30"));
  EXPECT_EQ(Iso(d.interval_start), "2025-01-02T09:30:00");
  EXPECT_EQ(Iso(d.interval_end), "2025-01-02T10:30:00");
  d = ManualRunDates(PlanOf(ir::Value::None()), At("2025-01-02T10:30"));
  EXPECT_EQ(Iso(d.interval_start), "2025-01-02T10:30:00");
  EXPECT_EQ(Iso(d.interval_end), "2025-01-02T10:30:00");
}

TEST(RuntimeRunDates, PreviousCronFireFindsRareFires) {
  const auto leap = ir::ParseCron("0 0 29 2 *");
  ASSERT_TRUE(leap.has_value());
  EXPECT_EQ(Iso(*sched::PreviousCronFire(*leap, At("2025-01-01T00:00"))), "2024-02-29T00:00:00");
  const auto minutely = ir::ParseCron("* * * * *");
  ASSERT_TRUE(minutely.has_value());
  EXPECT_EQ(Iso(*sched::PreviousCronFire(*minutely, At("2025-01-01T00:00"))),
            "2024-12-31T23:59:00");
}

}  // namespace
}  // namespace dagport::runtime
