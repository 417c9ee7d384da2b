#pragma once
/// Calendar arithmetic on `Datetime` (proleptic Gregorian, as Python's datetime), ignoring
/// time zones: a zoned datetime keeps its zone name and is shifted in wall-clock time.

#include <cstdint>
#include <optional>
#include <string>

#include "ir/value.h"

namespace dagport::ir {

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
/// Microseconds since the epoch of the wall-clock time.
int64_t EpochMicros(const Datetime& dt);
/// `dt + timedelta(microseconds=micros)`.
Datetime AddMicros(const Datetime& dt, int64_t micros);
/// Python's `dt.strftime(format)` for the common directives; nullopt for others.
std::optional<std::string> Strftime(const Datetime& dt, const std::string& format);

}  // namespace dagport::ir
