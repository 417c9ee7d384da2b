#include "ir/civil_time.h"

#include <fmt/format.h>

namespace dagport::ir {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t EpochMicros(const Datetime& dt) {
  const int64_t days =
      DaysFromCivil(dt.year, static_cast<unsigned>(dt.month), static_cast<unsigned>(dt.day));
  return days * kMicrosPerDay + ((dt.hour * 60LL + dt.minute) * 60 + dt.second) * 1'000'000LL +
         dt.microsecond;
}

Datetime AddMicros(const Datetime& dt, int64_t micros) {
  int64_t total = EpochMicros(dt) + micros;
  int64_t days = total / kMicrosPerDay;
  int64_t rest = total % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  Civil c = CivilFromDays(days);
  Datetime out = dt;
  out.year = static_cast<int>(c.y);
  out.month = static_cast<int>(c.m);
  out.day = static_cast<int>(c.d);
  out.microsecond = static_cast<int>(rest % 1'000'000);
  rest /= 1'000'000;
  out.second = static_cast<int>(rest % 60);
  rest /= 60;
  out.minute = static_cast<int>(rest % 60);
  out.hour = static_cast<int>(rest / 60);
  return out;
}

std::optional<std::string> Strftime(const Datetime& dt, const std::string& format) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  static constexpr const char* kDays[] = {"Thursday", "Friday",  "Saturday", "Sunday",
                                          "Monday",   "Tuesday", "Wednesday"};
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    const char c = format[++i];
    const int64_t days =
        DaysFromCivil(dt.year, static_cast<unsigned>(dt.month), static_cast<unsigned>(dt.day));
    const int weekday = static_cast<int>(((days % 7) + 7) % 7);  // 0 = Thursday
    switch (c) {
      case 'Y': out += fmt::format("{:04}", dt.year); break;
      case 'y': out += fmt::format("{:02}", dt.year % 100); break;
      case 'm': out += fmt::format("{:02}", dt.month); break;
      case 'd': out += fmt::format("{:02}", dt.day); break;
      case 'H': out += fmt::format("{:02}", dt.hour); break;
      case 'M': out += fmt::format("{:02}", dt.minute); break;
      case 'S': out += fmt::format("{:02}", dt.second); break;
      case 'f': out += fmt::format("{:06}", dt.microsecond); break;
      case 'B': out += kMonths[(dt.month - 1) % 12]; break;
      case 'b': out += std::string(kMonths[(dt.month - 1) % 12]).substr(0, 3); break;
      case 'A': out += kDays[weekday]; break;
      case 'a': out += std::string(kDays[weekday]).substr(0, 3); break;
      case 'j': out += fmt::format("{:03}", days - DaysFromCivil(dt.year, 1, 1) + 1); break;
      case '%': out += '%'; break;
      default: return std::nullopt;
    }
  }
  return out;
}

}  // namespace dagport::ir
