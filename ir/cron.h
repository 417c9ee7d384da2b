#pragma once
/// Cron expressions as Airflow schedules them (through croniter): five fields (minute, hour,
/// day of month, month, day of week), or Airflow's presets (@hourly, @daily, ...).

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

namespace dagport::ir {

struct CronSchedule {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  ///< 1..31
  std::bitset<13> months;         ///< 1..12
  std::bitset<7> days_of_week;    ///< 0 = Sunday
  bool any_day_of_month = true;   ///< the field was '*' (cron ORs restricted day fields)
  bool any_day_of_week = true;
};

/// Parses an expression; on failure returns nullopt and sets `error` to why.
std::optional<CronSchedule> ParseCron(std::string_view expression, std::string* error = nullptr);

/// The cron expression of an Airflow preset ("@daily" → "0 0 * * *"); the input otherwise.
/// "@once" has no expression and is returned unchanged.
std::string ExpandCronPreset(std::string_view expression);

}  // namespace dagport::ir
