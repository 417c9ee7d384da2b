#include "sched/clock.h"

#include <gtest/gtest.h>

#include <string>

namespace dagport::sched {
namespace {

Millis At(const std::string& text) {
  Millis t = 0;
  EXPECT_TRUE(ParseIsoDate(text, &t)) << text;
  return t;
}

TEST(SchedClock, ParsesDatesAndTimes) {
  EXPECT_EQ(At("1970-01-01"), 0);
  EXPECT_EQ(At("1970-01-02"), kDay);
  EXPECT_EQ(At("1970-01-01T02:00"), 2 * kHour);
  EXPECT_EQ(At("1970-01-01T02:03:04"), 2 * kHour + 3 * kMinute + 4 * kSecond);
  EXPECT_EQ(At("1970-01-01 02:03:04"), At("1970-01-01T02:03:04"));
  EXPECT_EQ(At("2025-01-01"), 1735689600LL * kSecond);
  EXPECT_EQ(At("1969-12-31T23:00"), -kHour);
  EXPECT_EQ(At("2024-02-29"), At("2024-02-28") + kDay);
}

TEST(SchedClock, RejectsWhatIsNotADate) {
  Millis t = 42;
  for (const char* bad :
       {"", "2025", "2025-01", "2025-1-1", "2025-13-01", "2025-00-10", "2025-01-32",
        "2025-01-01T24:00", "2025-01-01T10:60", "2025-01-01X10:00", "2025-01-01T10:00:00Z",
        "not a date", "2025-02-30", "2025-02-29", "2025-04-31"}) {
    EXPECT_FALSE(ParseIsoDate(bad, &t)) << bad;
  }
  EXPECT_EQ(t, 42);  // untouched on failure
}

TEST(SchedClock, FormatsIsoAndDs) {
  const Millis t = At("2025-03-04T05:06:07");
  EXPECT_EQ(FormatIso(t), "2025-03-04T05:06:07");
  EXPECT_EQ(FormatIso(t + 250), "2025-03-04T05:06:07.250");
  EXPECT_EQ(FormatDs(t), "2025-03-04");
  EXPECT_EQ(FormatIso(-kHour), "1969-12-31T23:00:00");
}

TEST(SchedClock, ScheduledRunIdAsAirflow2WritesIt) {
  EXPECT_EQ(ScheduledRunId(At("2025-01-01")), "scheduled__2025-01-01T00:00:00+00:00");
  EXPECT_EQ(ScheduledRunId(At("2025-12-31T23:30")), "scheduled__2025-12-31T23:30:00+00:00");
}

TEST(SchedClock, DatetimeRoundTrip) {
  const Millis t = At("2031-07-15T12:34:56") + 789;
  EXPECT_EQ(ToMillis(ToDatetime(t)), t);
  ir::Datetime d = ToDatetime(At("2025-01-01T02:00"));
  EXPECT_EQ(d.year, 2025);
  EXPECT_EQ(d.month, 1);
  EXPECT_EQ(d.day, 1);
  EXPECT_EQ(d.hour, 2);
}

}  // namespace
}  // namespace dagport::sched
