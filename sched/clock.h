#pragma once
/// Time as the scheduling core counts it: milliseconds since the Unix epoch, UTC. The simulator
/// drives it with a virtual clock; the runtime with the real one.

#include <cstdint>
#include <string>

#include "ir/value.h"

namespace dagport::sched {

using Millis = int64_t;

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;

/// A datetime as the scheduler sees it; a zoned datetime is taken as wall-clock UTC.
Millis ToMillis(const ir::Datetime& dt);
ir::Datetime ToDatetime(Millis t);
/// "2025-01-01T02:00:00" (milliseconds only when not zero).
std::string FormatIso(Millis t);
/// Airflow's `ds` ("2025-01-01") and `ds_nodash` ("20250101") of a logical date.
std::string FormatDs(Millis t);
/// The run id Airflow 2 gives a scheduled run: "scheduled__2025-01-01T00:00:00+00:00".
std::string ScheduledRunId(Millis logical_date);
/// Parses "2025-01-01", "2025-01-01T02:00[:00]" or with a space; false if not such a date.
bool ParseIsoDate(const std::string& text, Millis* out);

}  // namespace dagport::sched
