#include "sched/clock.h"

#include <fmt/format.h>

#include <cstdio>

#include "ir/civil_time.h"

namespace dagport::sched {

Millis ToMillis(const ir::Datetime& dt) {
  const int64_t micros = ir::EpochMicros(dt);
  return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
}

ir::Datetime ToDatetime(Millis t) {
  return ir::AddMicros(ir::Datetime{}, t * 1000);
}

std::string FormatIso(Millis t) {
  const ir::Datetime d = ToDatetime(t);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", d.year, d.month, d.day,
                                d.hour, d.minute, d.second);
  if (d.microsecond != 0) out += fmt::format(".{:03}", d.microsecond / 1000);
  return out;
}

std::string FormatDs(Millis t) {
  const ir::Datetime d = ToDatetime(t);
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

std::string ScheduledRunId(Millis logical_date) {
  const ir::Datetime d = ToDatetime(logical_date);
  return fmt::format("scheduled__{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00", d.year, d.month, d.day,
                     d.hour, d.minute, d.second);
}

bool ParseIsoDate(const std::string& text, Millis* out) {
  ir::Datetime d;
  char sep = 0;
  char tail = 0;
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%c", &d.year, &d.month, &d.day, &sep,
                      &d.hour, &d.minute, &d.second, &tail);
  if (n == 3 && text.size() == 10) {
    // date only
  } else if ((n == 6 || n == 7) && (sep == 'T' || sep == ' ')) {
    if (n == 6) d.second = 0;
  } else {
    return false;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.hour < 0 || d.hour > 23 ||
      d.minute < 0 || d.minute > 59 || d.second < 0 || d.second > 59) {
    return false;
  }
  const Millis t = ToMillis(d);
  // A day the month does not have (2025-02-30) would roll over into the next month.
  if (ToDatetime(t).day != d.day) return false;
  *out = t;
  return true;
}

}  // namespace dagport::sched
