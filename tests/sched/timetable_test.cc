#include "sched/timetable.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sched/clock.h"

namespace dagport::sched {
namespace {

/// "2025-01-01T02:00" as milliseconds; fails the test on a malformed date.
Millis At(const std::string& text) {
  Millis t = 0;
  EXPECT_TRUE(ParseIsoDate(text, &t)) << text;
  return t;
}

ir::Dag DagWith(const std::string& argument, ir::Value value) {
  ir::Dag dag;
  dag.dag_id = "example";
  dag.arguments.emplace_back(argument, std::move(value));
  return dag;
}

Timetable Cron(const std::string& expression) {
  std::string error;
  auto tt = TimetableOf(DagWith("schedule_interval", ir::Value::String(expression)), &error);
  EXPECT_TRUE(tt.has_value()) << expression << ": " << error;
  return tt.value_or(Timetable{});
}

Timetable Delta(Millis delta) {
  std::string error;
  auto tt = TimetableOf(DagWith("schedule", ir::Value::Timedelta(delta * 1000)), &error);
  EXPECT_TRUE(tt.has_value()) << error;
  return tt.value_or(Timetable{});
}

Timetable Once() {
  return Cron("@once");
}

/// The next fire of `expression` after `after`, as ISO text ("none" when there is none).
std::string Next(const std::string& expression, const std::string& after) {
  std::string error;
  auto cron = ir::ParseCron(ir::ExpandCronPreset(expression), &error);
  EXPECT_TRUE(cron.has_value()) << expression << ": " << error;
  if (!cron) return "invalid";
  auto fire = NextCronFire(*cron, At(after));
  return fire ? FormatIso(*fire) : "none";
}

/// Runs as "logical_date@run_after" strings, for readable failures.
std::vector<std::string> Show(const std::vector<RunInterval>& runs) {
  std::vector<std::string> out;
  for (const RunInterval& r : runs)
    out.push_back(FormatIso(r.logical_date) + "@" + FormatIso(r.run_after));
  return out;
}

RunWindow Steady(const std::string& from, const std::string& to, std::optional<Millis> start_date) {
  RunWindow w;
  w.from = At(from);
  w.to = At(to);
  w.start_date = start_date;
  return w;
}

RunWindow SwitchedOn(const std::string& from, const std::string& to, Millis start_date,
                     bool catchup) {
  RunWindow w = Steady(from, to, start_date);
  w.switched_on_at_from = true;
  w.catchup = catchup;
  return w;
}

// --- TimetableOf -------------------------------------------------------------------------

TEST(TimetableOf, CronExpression) {
  Timetable tt = Cron("0 2 * * *");
  EXPECT_EQ(tt.kind, ScheduleKind::kCron);
  EXPECT_EQ(tt.text, "0 2 * * *");
  EXPECT_TRUE(tt.cron.minutes.test(0));
  EXPECT_EQ(tt.cron.minutes.count(), 1u);
  EXPECT_TRUE(tt.cron.hours.test(2));
  EXPECT_EQ(tt.cron.hours.count(), 1u);
}

TEST(TimetableOf, PresetsAreCronSchedules) {
  for (const char* preset : {"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@quarterly",
                             "@yearly", "@annually"}) {
    Timetable tt = Cron(preset);
    EXPECT_EQ(tt.kind, ScheduleKind::kCron) << preset;
    EXPECT_EQ(tt.text, preset);
  }
}

TEST(TimetableOf, ScheduleAndScheduleIntervalAreBothRead) {
  std::string error;
  auto a = TimetableOf(DagWith("schedule", ir::Value::Cron("@hourly")), &error);
  auto b = TimetableOf(DagWith("schedule_interval", ir::Value::String("@hourly")), &error);
  ASSERT_TRUE(a && b) << error;
  EXPECT_EQ(a->kind, ScheduleKind::kCron);
  EXPECT_EQ(b->kind, ScheduleKind::kCron);
  EXPECT_EQ(a->cron.minutes, b->cron.minutes);
  EXPECT_EQ(a->cron.hours.count(), 24u);
}

TEST(TimetableOf, Timedelta) {
  Timetable tt = Delta(6 * kHour);
  EXPECT_EQ(tt.kind, ScheduleKind::kDelta);
  EXPECT_EQ(tt.delta, 6 * kHour);
}

TEST(TimetableOf, NoScheduleIsAirflowsDefaultOfOneDay) {
  ir::Dag dag;
  dag.dag_id = "example";
  std::string error;
  auto tt = TimetableOf(dag, &error);
  ASSERT_TRUE(tt.has_value()) << error;
  EXPECT_EQ(tt->kind, ScheduleKind::kDelta);
  EXPECT_EQ(tt->delta, kDay);
}

TEST(TimetableOf, OnceNoneAndContinuous) {
  EXPECT_EQ(Once().kind, ScheduleKind::kOnce);
  EXPECT_EQ(Cron("@continuous").kind, ScheduleKind::kContinuous);
  std::string error;
  auto none = TimetableOf(DagWith("schedule_interval", ir::Value::None()), &error);
  ASSERT_TRUE(none.has_value()) << error;
  EXPECT_EQ(none->kind, ScheduleKind::kNone);
  EXPECT_EQ(none->text, "None");
}

TEST(TimetableOf, SchedulesThatCannotBeKnownAreErrors) {
  std::string error;
  EXPECT_FALSE(TimetableOf(DagWith("schedule_interval", ir::Value::String("61 * * * *")), &error));
  EXPECT_NE(error.find("61 * * * *"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(
      TimetableOf(DagWith("schedule_interval", ir::Value::String("@fortnightly")), &error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(TimetableOf(DagWith("schedule_interval", ir::Value::Timedelta(0)), &error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(
      TimetableOf(DagWith("schedule_interval", ir::Value::Timedelta(-kHour * 1000)), &error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(TimetableOf(
      DagWith("schedule_interval", ir::Value::MakeUnresolved("Variable.get('s')", "variable")),
      &error));
  EXPECT_NE(error.find("not known statically"), std::string::npos) << error;
}

// --- NextCronFire ------------------------------------------------------------------------

TEST(TimetableNextCronFire, IsStrictlyAfter) {
  EXPECT_EQ(Next("0 2 * * *", "2025-01-01T00:00"), "2025-01-01T02:00:00");
  EXPECT_EQ(Next("0 2 * * *", "2025-01-01T02:00"), "2025-01-02T02:00:00");
  EXPECT_EQ(Next("0 2 * * *", "2025-01-01T01:59:59"), "2025-01-01T02:00:00");
  EXPECT_EQ(Next("* * * * *", "2025-01-01T02:00:30"), "2025-01-01T02:01:00");
  EXPECT_EQ(Next("* * * * *", "2025-01-01T02:00"), "2025-01-01T02:01:00");
}

TEST(TimetableNextCronFire, Presets) {
  EXPECT_EQ(Next("@hourly", "2025-01-01T10:15"), "2025-01-01T11:00:00");
  EXPECT_EQ(Next("@daily", "2025-01-01T10:15"), "2025-01-02T00:00:00");
  EXPECT_EQ(Next("@midnight", "2025-01-01T00:00"), "2025-01-02T00:00:00");
  // @weekly fires on Sundays; 2025-01-01 is a Wednesday.
  EXPECT_EQ(Next("@weekly", "2025-01-01T00:00"), "2025-01-05T00:00:00");
  EXPECT_EQ(Next("@monthly", "2025-01-01T00:00"), "2025-02-01T00:00:00");
  EXPECT_EQ(Next("@monthly", "2025-12-15T00:00"), "2026-01-01T00:00:00");
  EXPECT_EQ(Next("@quarterly", "2025-01-01T00:00"), "2025-04-01T00:00:00");
  EXPECT_EQ(Next("@yearly", "2025-01-01T00:00"), "2026-01-01T00:00:00");
  EXPECT_EQ(Next("@annually", "2025-06-01T00:00"), "2026-01-01T00:00:00");
}

TEST(TimetableNextCronFire, EveryTwoHours) {
  EXPECT_EQ(Next("0 */2 * * *", "2025-01-01T01:30"), "2025-01-01T02:00:00");
  EXPECT_EQ(Next("0 */2 * * *", "2025-01-01T02:00"), "2025-01-01T04:00:00");
  EXPECT_EQ(Next("0 */2 * * *", "2025-01-01T22:00"), "2025-01-02T00:00:00");
  EXPECT_EQ(Next("0 */2 * * *", "2025-12-31T23:00"), "2026-01-01T00:00:00");
}

TEST(TimetableNextCronFire, MinuteListsAndRanges) {
  EXPECT_EQ(Next("15,45 * * * *", "2025-01-01T10:15"), "2025-01-01T10:45:00");
  EXPECT_EQ(Next("15,45 * * * *", "2025-01-01T10:45"), "2025-01-01T11:15:00");
  EXPECT_EQ(Next("*/20 9-10 * * *", "2025-01-01T10:40"), "2025-01-02T09:00:00");
  EXPECT_EQ(Next("5 4 * * *", "2025-01-01T04:04:59"), "2025-01-01T04:05:00");
}

TEST(TimetableNextCronFire, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // cron (and croniter) fire when EITHER restricted day field matches: "the 13th or a Friday".
  // January 2025: Fridays on 3, 10, 17; the 13th is a Monday.
  EXPECT_EQ(Next("0 0 13 * 5", "2025-01-01T00:00"), "2025-01-03T00:00:00");
  EXPECT_EQ(Next("0 0 13 * 5", "2025-01-10T00:00"), "2025-01-13T00:00:00");
  EXPECT_EQ(Next("0 0 13 * 5", "2025-01-13T00:00"), "2025-01-17T00:00:00");
  // "1st of the month or a Monday".
  EXPECT_EQ(Next("0 0 1 * 1", "2025-01-01T00:00"), "2025-01-06T00:00:00");
  EXPECT_EQ(Next("0 0 1 * 1", "2025-01-27T00:00"), "2025-02-01T00:00:00");
}

TEST(TimetableNextCronFire, OnlyTheRestrictedDayFieldCountsWhenTheOtherIsStar) {
  // Day of week only: Mondays (2025-01-06 is the first after Wednesday the 1st).
  EXPECT_EQ(Next("0 0 * * 1", "2025-01-01T00:00"), "2025-01-06T00:00:00");
  EXPECT_EQ(Next("0 0 * * mon", "2025-01-01T00:00"), "2025-01-06T00:00:00");
  // Day of month only: the 13th, whatever the weekday.
  EXPECT_EQ(Next("0 0 13 * *", "2025-01-01T00:00"), "2025-01-13T00:00:00");
  // Weekdays at 09:30: Friday 10:00 -> Monday.
  EXPECT_EQ(Next("30 9 * * 1-5", "2025-01-03T10:00"), "2025-01-06T09:30:00");
  // 7 is Sunday as well as 0.
  EXPECT_EQ(Next("0 0 * * 7", "2025-01-01T00:00"), "2025-01-05T00:00:00");
  EXPECT_EQ(Next("0 0 * * 0", "2025-01-01T00:00"), "2025-01-05T00:00:00");
}

TEST(TimetableNextCronFire, MonthsAndLeapDays) {
  EXPECT_EQ(Next("0 0 1 jun *", "2025-01-01T00:00"), "2025-06-01T00:00:00");
  EXPECT_EQ(Next("0 0 31 * *", "2025-02-01T00:00"), "2025-03-31T00:00:00");
  EXPECT_EQ(Next("0 0 29 2 *", "2025-01-01T00:00"), "2028-02-29T00:00:00");
  // February 31st never comes.
  EXPECT_EQ(Next("0 0 31 2 *", "2025-01-01T00:00"), "none");
}

TEST(TimetableNextCronFire, BeforeTheEpoch) {
  EXPECT_EQ(Next("@daily", "1969-12-31T12:00"), "1970-01-01T00:00:00");
  // 1969-12-31 was a Wednesday.
  EXPECT_EQ(Next("0 0 * * 3", "1969-12-24T00:00"), "1969-12-31T00:00:00");
}

// --- RunsIn: steady state ----------------------------------------------------------------

TEST(TimetableRunsIn, SteadyStateTakesOnlyRunsDueInTheHorizon) {
  // @daily since long ago; the horizon [Jan 10, Jan 13) sees the runs created at midnight of
  // the 10th, 11th and 12th: their data intervals are the day before.
  auto runs = RunsIn(Cron("@daily"), Steady("2025-01-10", "2025-01-13", At("2024-01-01")));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-09T00:00:00@2025-01-10T00:00:00",
                            "2025-01-10T00:00:00@2025-01-11T00:00:00",
                            "2025-01-11T00:00:00@2025-01-12T00:00:00",
                        }));
}

TEST(TimetableRunsIn, SteadyStateCronAtTwo) {
  auto runs = RunsIn(Cron("0 2 * * *"), Steady("2025-01-10", "2025-01-12", At("2024-01-01")));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-09T02:00:00@2025-01-10T02:00:00",
                            "2025-01-10T02:00:00@2025-01-11T02:00:00",
                        }));
  for (const RunInterval& r : runs) EXPECT_EQ(r.run_after - r.logical_date, kDay);
}

TEST(TimetableRunsIn, SteadyStateEveryTwoHours) {
  auto runs = RunsIn(Cron("0 */2 * * *"), Steady("2025-01-10", "2025-01-11", At("2024-01-01")));
  ASSERT_EQ(runs.size(), 12u);
  EXPECT_EQ(FormatIso(runs.front().logical_date), "2025-01-09T22:00:00");
  EXPECT_EQ(FormatIso(runs.front().run_after), "2025-01-10T00:00:00");
  EXPECT_EQ(FormatIso(runs.back().logical_date), "2025-01-10T20:00:00");
  EXPECT_EQ(FormatIso(runs.back().run_after), "2025-01-10T22:00:00");
  for (size_t i = 1; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].logical_date - runs[i - 1].logical_date, 2 * kHour);
    EXPECT_EQ(runs[i].logical_date, runs[i - 1].run_after);
  }
}

TEST(TimetableRunsIn, HorizonIsHalfOpen) {
  // A run created exactly at `from` is in; one created exactly at `to` is not.
  auto runs =
      RunsIn(Cron("@hourly"), Steady("2025-01-10T05:00", "2025-01-10T07:00", At("2024-01-01")));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-10T04:00:00@2025-01-10T05:00:00",
                            "2025-01-10T05:00:00@2025-01-10T06:00:00",
                        }));
}

TEST(TimetableRunsIn, FirstRunIsTheFirstFireAtOrAfterStartDate) {
  // start_date on a fire: the first interval starts there and its run comes a day later.
  auto aligned = RunsIn(Cron("@daily"), Steady("2025-01-10", "2025-01-15", At("2025-01-11")));
  EXPECT_EQ(Show(aligned), (std::vector<std::string>{
                               "2025-01-11T00:00:00@2025-01-12T00:00:00",
                               "2025-01-12T00:00:00@2025-01-13T00:00:00",
                               "2025-01-13T00:00:00@2025-01-14T00:00:00",
                           }));
  // start_date between fires: aligned to the next fire.
  auto unaligned =
      RunsIn(Cron("@daily"), Steady("2025-01-10", "2025-01-15", At("2025-01-11T06:00")));
  EXPECT_EQ(Show(unaligned), (std::vector<std::string>{
                                 "2025-01-12T00:00:00@2025-01-13T00:00:00",
                                 "2025-01-13T00:00:00@2025-01-14T00:00:00",
                             }));
}

TEST(TimetableRunsIn, EndDateIsTheLastLogicalDate) {
  // Airflow creates runs whose data interval starts at or before end_date.
  RunWindow w = Steady("2025-01-10", "2025-01-20", At("2024-01-01"));
  w.end_date = At("2025-01-12");
  auto runs = RunsIn(Cron("@daily"), w);
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-09T00:00:00@2025-01-10T00:00:00",
                            "2025-01-10T00:00:00@2025-01-11T00:00:00",
                            "2025-01-11T00:00:00@2025-01-12T00:00:00",
                            "2025-01-12T00:00:00@2025-01-13T00:00:00",
                        }));
  // An end_date before the horizon: nothing more.
  w.end_date = At("2025-01-01");
  EXPECT_TRUE(RunsIn(Cron("@daily"), w).empty());
}

TEST(TimetableRunsIn, EndDateAppliesToTimedeltaSchedules) {
  RunWindow w = Steady("2025-01-10", "2025-01-20", At("2025-01-01"));
  w.end_date = At("2025-01-11T12:00");
  auto runs = RunsIn(Delta(kDay), w);
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-09T00:00:00@2025-01-10T00:00:00",
                            "2025-01-10T00:00:00@2025-01-11T00:00:00",
                            "2025-01-11T00:00:00@2025-01-12T00:00:00",
                        }));
}

TEST(TimetableRunsIn, TimedeltaIsAlignedToStartDateNotToTheClock) {
  auto runs = RunsIn(Delta(6 * kHour), Steady("2025-01-10", "2025-01-11", At("2025-01-01T03:00")));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-09T21:00:00@2025-01-10T03:00:00",
                            "2025-01-10T03:00:00@2025-01-10T09:00:00",
                            "2025-01-10T09:00:00@2025-01-10T15:00:00",
                            "2025-01-10T15:00:00@2025-01-10T21:00:00",
                        }));
}

TEST(TimetableRunsIn, TimedeltaStartingInTheHorizon) {
  auto runs = RunsIn(Delta(kDay), Steady("2025-01-10", "2025-01-14", At("2025-01-11T12:00")));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-11T12:00:00@2025-01-12T12:00:00",
                            "2025-01-12T12:00:00@2025-01-13T12:00:00",
                        }));
}

TEST(TimetableRunsIn, UnknownStartDateIsALongRunningDag) {
  const RunWindow known = Steady("2025-01-10", "2025-01-13", At("2020-01-01"));
  const RunWindow unknown = Steady("2025-01-10", "2025-01-13", std::nullopt);
  EXPECT_EQ(Show(RunsIn(Cron("@daily"), unknown)), Show(RunsIn(Cron("@daily"), known)));
  EXPECT_EQ(Show(RunsIn(Cron("0 */2 * * *"), unknown)), Show(RunsIn(Cron("0 */2 * * *"), known)));
  auto delta = RunsIn(Delta(kDay), unknown);
  ASSERT_EQ(delta.size(), 3u);
  for (const RunInterval& r : delta) {
    EXPECT_EQ(r.run_after - r.logical_date, kDay);
    EXPECT_GE(r.run_after, unknown.from);
    EXPECT_LT(r.run_after, unknown.to);
  }
}

TEST(TimetableRunsIn, CatchupDoesNotMatterInSteadyState) {
  RunWindow w = Steady("2025-01-10", "2025-01-13", At("2024-01-01"));
  w.catchup = false;
  auto without = RunsIn(Cron("@daily"), w);
  w.catchup = true;
  EXPECT_EQ(Show(without), Show(RunsIn(Cron("@daily"), w)));
  EXPECT_EQ(without.size(), 3u);
}

TEST(TimetableRunsIn, UnknownStartDateSwitchedOnWithoutCatchupRunsTheLatestInterval) {
  RunWindow w = SwitchedOn("2025-01-05T10:00", "2025-01-07", 0, false);
  w.start_date = std::nullopt;
  EXPECT_EQ(Show(RunsIn(Cron("@daily"), w)), (std::vector<std::string>{
                                                 "2025-01-04T00:00:00@2025-01-05T10:00:00",
                                                 "2025-01-05T00:00:00@2025-01-06T00:00:00",
                                             }));
}

TEST(TimetableRunsIn, NoneNeverRuns) {
  Timetable none;
  none.kind = ScheduleKind::kNone;
  EXPECT_TRUE(RunsIn(none, Steady("2025-01-10", "2025-02-10", At("2024-01-01"))).empty());
  EXPECT_TRUE(RunsIn(none, SwitchedOn("2025-01-10", "2025-02-10", At("2024-01-01"), true)).empty());
}

TEST(TimetableRunsIn, OnceRunsAtStartDate) {
  // Airflow's OnceTimetable: one run, logical date = run_after = start_date.
  auto inside = RunsIn(Once(), Steady("2025-01-10", "2025-01-20", At("2025-01-12T05:00")));
  EXPECT_EQ(Show(inside), (std::vector<std::string>{"2025-01-12T05:00:00@2025-01-12T05:00:00"}));
  // Already ran before the horizon (steady state), or only after it.
  EXPECT_TRUE(RunsIn(Once(), Steady("2025-01-10", "2025-01-20", At("2025-01-01"))).empty());
  EXPECT_TRUE(RunsIn(Once(), Steady("2025-01-10", "2025-01-20", At("2025-01-20"))).empty());
}

TEST(TimetableRunsIn, OnceSwitchedOnAfterStartDateRunsAtOnce) {
  auto runs = RunsIn(Once(), SwitchedOn("2025-01-10", "2025-01-20", At("2025-01-01"), false));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{"2025-01-01T00:00:00@2025-01-10T00:00:00"}));
  // A start_date after the horizon: not yet.
  EXPECT_TRUE(
      RunsIn(Once(), SwitchedOn("2025-01-10", "2025-01-20", At("2025-02-01"), true)).empty());
}

// --- RunsIn: switched on -----------------------------------------------------------------

TEST(TimetableRunsIn, CatchupRunsEveryMissedIntervalWhenSwitchedOn) {
  auto runs =
      RunsIn(Cron("@daily"), SwitchedOn("2025-01-05", "2025-01-07", At("2025-01-01"), true));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-01T00:00:00@2025-01-05T00:00:00",
                            "2025-01-02T00:00:00@2025-01-05T00:00:00",
                            "2025-01-03T00:00:00@2025-01-05T00:00:00",
                            "2025-01-04T00:00:00@2025-01-05T00:00:00",
                            "2025-01-05T00:00:00@2025-01-06T00:00:00",
                        }));
}

TEST(TimetableRunsIn, CatchupWithTimedelta) {
  auto runs = RunsIn(Delta(kDay),
                     SwitchedOn("2025-01-04T12:00", "2025-01-06", At("2025-01-01T06:00"), true));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-01T06:00:00@2025-01-04T12:00:00",
                            "2025-01-02T06:00:00@2025-01-04T12:00:00",
                            "2025-01-03T06:00:00@2025-01-04T12:00:00",
                            "2025-01-04T06:00:00@2025-01-05T06:00:00",
                        }));
}

TEST(TimetableRunsIn, CatchupIsBoundedByMaxCatchupRuns) {
  RunWindow w = SwitchedOn("2025-01-05", "2025-01-06", At("2024-01-01"), true);
  w.max_catchup_runs = 10;
  auto runs = RunsIn(Cron("@daily"), w);
  // Ten missed intervals at most, plus the one that ends exactly at the switch-on; the latest
  // ones are kept.
  ASSERT_GE(runs.size(), 10u);
  EXPECT_LE(runs.size(), 11u);
  for (const RunInterval& r : runs) EXPECT_EQ(r.run_after, w.from);
  EXPECT_EQ(FormatIso(runs.back().logical_date), "2025-01-04T00:00:00");
  for (size_t i = 1; i < runs.size(); ++i)
    EXPECT_LT(runs[i - 1].logical_date, runs[i].logical_date);
}

TEST(TimetableRunsIn, WithoutCatchupOnlyTheLatestIntervalRunsBetweenBoundaries) {
  // Switched on at 10:00 on the 5th: the latest complete interval, [4th, 5th), runs at once;
  // the next one when it ends.
  auto runs =
      RunsIn(Cron("@daily"), SwitchedOn("2025-01-05T10:00", "2025-01-07", At("2025-01-01"), false));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-04T00:00:00@2025-01-05T10:00:00",
                            "2025-01-05T00:00:00@2025-01-06T00:00:00",
                        }));
}

TEST(TimetableRunsIn, WithoutCatchupOnlyTheLatestIntervalRunsOnABoundary) {
  // Switched on exactly at midnight: the interval that ends now, [4th, 5th), is the latest and
  // only one (CronDataIntervalTimetable._skip_to_latest); [3rd, 4th) is not run.
  auto runs =
      RunsIn(Cron("@daily"), SwitchedOn("2025-01-05", "2025-01-07", At("2025-01-01"), false));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-04T00:00:00@2025-01-05T00:00:00",
                            "2025-01-05T00:00:00@2025-01-06T00:00:00",
                        }));
  auto hourly = RunsIn(Cron("@hourly"),
                       SwitchedOn("2025-01-05T10:00", "2025-01-05T12:00", At("2025-01-01"), false));
  EXPECT_EQ(Show(hourly), (std::vector<std::string>{
                              "2025-01-05T09:00:00@2025-01-05T10:00:00",
                              "2025-01-05T10:00:00@2025-01-05T11:00:00",
                          }));
}

TEST(TimetableRunsIn, WithoutCatchupAStartDateInThePresentIntervalWaits) {
  // start_date inside the current day: aligned to the next midnight, first run a day later.
  auto runs = RunsIn(Cron("@daily"),
                     SwitchedOn("2025-01-05T10:00", "2025-01-08", At("2025-01-05T07:00"), false));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-06T00:00:00@2025-01-07T00:00:00",
                        }));
}

TEST(TimetableRunsIn, StartDateAfterSwitchOnHasNothingToCatchUp) {
  for (bool catchup : {true, false}) {
    auto runs =
        RunsIn(Cron("@daily"), SwitchedOn("2025-01-05", "2025-01-09", At("2025-01-06"), catchup));
    EXPECT_EQ(Show(runs), (std::vector<std::string>{
                              "2025-01-06T00:00:00@2025-01-07T00:00:00",
                              "2025-01-07T00:00:00@2025-01-08T00:00:00",
                          }))
        << "catchup=" << catchup;
  }
}

TEST(TimetableRunsIn, TimedeltaWithoutCatchupRunsTheLatestIntervalOnce) {
  // Start-aligned to midnight, switched on mid-day: the latest complete day runs at once.
  auto runs =
      RunsIn(Delta(kDay), SwitchedOn("2025-01-05T10:00", "2025-01-07", At("2025-01-01"), false));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-01-04T00:00:00@2025-01-05T10:00:00",
                            "2025-01-05T00:00:00@2025-01-06T00:00:00",
                        }));
  // Switched on at midnight: the day that ends now, only.
  auto boundary =
      RunsIn(Delta(kDay), SwitchedOn("2025-01-05", "2025-01-07", At("2025-01-01"), false));
  EXPECT_EQ(Show(boundary), (std::vector<std::string>{
                                "2025-01-04T00:00:00@2025-01-05T00:00:00",
                                "2025-01-05T00:00:00@2025-01-06T00:00:00",
                            }));
}

TEST(TimetableRunsIn, TimedeltaWithoutCatchupRoundsNowToTheEpochGrid) {
  // DeltaDataIntervalTimetable._skip_to_latest (Airflow >= 2.8): the first interval after the
  // switch-on is [round(now) - delta, round(now)), round() flooring to a multiple of the delta
  // since the Unix epoch, whatever start_date's alignment.
  auto runs = RunsIn(Delta(6 * kHour), SwitchedOn("2025-03-01T01:00", "2025-03-01T13:00",
                                                  At("2025-01-01T03:00"), false));
  EXPECT_EQ(Show(runs), (std::vector<std::string>{
                            "2025-02-28T18:00:00@2025-03-01T01:00:00",
                            "2025-03-01T00:00:00@2025-03-01T06:00:00",
                            "2025-03-01T06:00:00@2025-03-01T12:00:00",
                        }));
  // A start_date after that interval's start wins.
  auto later = RunsIn(Delta(6 * kHour), SwitchedOn("2025-03-01T01:00", "2025-03-01T13:00",
                                                   At("2025-02-28T20:00"), false));
  EXPECT_EQ(Show(later), (std::vector<std::string>{
                             "2025-02-28T20:00:00@2025-03-01T02:00:00",
                             "2025-03-01T02:00:00@2025-03-01T08:00:00",
                         }));
}

TEST(TimetableRunsIn, ContinuousYieldsOnlyTheFirstRun) {
  auto runs =
      RunsIn(Cron("@continuous"), SwitchedOn("2025-01-05", "2025-01-07", At("2025-01-01"), false));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].run_after, At("2025-01-05"));
}

}  // namespace
}  // namespace dagport::sched
