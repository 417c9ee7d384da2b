// Cron expressions that the cron parser read wrongly, found while fuzzing it
// (tests/fuzz/cron_fuzzer.cc), with the days they mean now.
#include <gtest/gtest.h>

#include <string>

#include "ir/cron.h"

namespace dagport::ir {
namespace {

/// The days of week (0 = Sunday) of `expression`'s fifth field, as digits ("056").
std::string Days(const std::string& expression) {
  std::string error;
  const std::optional<CronSchedule> cron = ParseCron(expression, &error);
  if (!cron) return "error: " + error;
  std::string out;
  for (size_t d = 0; d < 7; ++d)
    if (cron->days_of_week.test(d)) out += static_cast<char>('0' + d);
  return out;
}

// 7 is Sunday in a range too, as in cron: "5-7" was Friday and Saturday only (Sunday was
// dropped) and "7-7" was every day of the week (found by review while writing the fuzzer).
TEST(CronFuzzRegressions, SevenEndsADayOfWeekRangeAsSunday) {
  EXPECT_EQ(Days("0 0 * * 5-7"), "056");
  EXPECT_EQ(Days("0 0 * * 6-7"), "06");
  EXPECT_EQ(Days("0 0 * * 7-7"), "0");
  EXPECT_EQ(Days("0 0 * * 0-7"), "0123456");
  EXPECT_EQ(Days("0 0 * * fri-sun"),
            "error: range 'fri-sun' in the day of week field runs backwards");
  // Unchanged: 7 alone, steps, and what is out of range.
  EXPECT_EQ(Days("0 0 * * 7"), "0");
  EXPECT_EQ(Days("0 0 * * */2"), "0246");
  EXPECT_EQ(Days("0 0 * * 1-5"), "12345");
  EXPECT_EQ(Days("0 0 * * 8"), "error: '8' is not a valid day of week (expected 0-6)");
  EXPECT_EQ(Days("0 0 * * 5-8"), "error: '5-8' is not a valid day of week (expected 0-6)");
}

}  // namespace
}  // namespace dagport::ir
