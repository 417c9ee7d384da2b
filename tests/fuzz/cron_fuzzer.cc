// libFuzzer target: any bytes as a DAG's schedule (a cron expression or an Airflow preset),
// parsed as the simulator and the runtime parse it, then the next fire times and the runs of a
// two-day window computed from it. A fire time must be after the time asked for, on a whole
// minute, in the expression's minutes, hours, months and days. Also the bytes as an ISO date.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "ir/cron.h"
#include "sched/clock.h"
#include "sched/timetable.h"

namespace {

[[noreturn]] void Fail(const std::string& expression, const char* why) {
  std::fprintf(stderr, "cron_fuzzer: '%s': %s\n", expression.c_str(), why);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagport;
  const std::string text(reinterpret_cast<const char*>(data), size);

  sched::Millis date = 0;
  if (sched::ParseIsoDate(text, &date)) (void)sched::FormatIso(date);

  std::string error;
  const std::optional<ir::CronSchedule> cron = ir::ParseCron(text, &error);
  if (!cron) {
    if (error.empty()) Fail(text, "rejected without saying why");
    return 0;
  }
  const sched::Millis start = 1'614'556'800'000;  // 2021-03-01T00:00:00
  sched::Millis t = start - 1;
  for (int i = 0; i < 8; ++i) {
    const std::optional<sched::Millis> fire = sched::NextCronFire(*cron, t);
    if (!fire) break;
    if (*fire <= t || *fire % sched::kMinute != 0)
      Fail(text, "a fire time not after t or not on a minute");
    const ir::Datetime d = sched::ToDatetime(*fire);
    if (!cron->minutes.test(static_cast<size_t>(d.minute)) ||
        !cron->hours.test(static_cast<size_t>(d.hour)) ||
        !cron->months.test(static_cast<size_t>(d.month)))
      Fail(text, "a fire time outside the expression's minutes, hours or months");
    // Cron ORs the day fields when both are restricted; one restricted field alone decides.
    const size_t weekday = static_cast<size_t>((*fire / sched::kDay + 4) % 7);  // 1970: Thu
    const bool dom = cron->days_of_month.test(static_cast<size_t>(d.day));
    const bool dow = cron->days_of_week.test(weekday);
    if ((cron->any_day_of_month && !dow) || (cron->any_day_of_week && !dom) || (!dom && !dow))
      Fail(text, "a fire time on a day the expression does not name");
    t = *fire;
  }

  sched::Timetable timetable;
  timetable.kind = sched::ScheduleKind::kCron;
  timetable.cron = *cron;
  timetable.text = text;
  sched::RunWindow window;
  window.from = start;
  window.to = start + 2 * sched::kDay;
  window.start_date = start - 3 * sched::kDay;
  window.switched_on_at_from = true;
  window.max_catchup_runs = 50;
  sched::Millis previous = INT64_MIN;
  for (const sched::RunInterval& run : sched::RunsIn(timetable, window)) {
    if (run.logical_date < previous || run.run_after < run.logical_date)
      Fail(text, "runs out of logical-date order, or due before their logical date");
    previous = run.logical_date;
  }
  return 0;
}
