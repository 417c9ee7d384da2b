// Dates and durations of the local runtime's templates (see jinja_value.h): Airflow's
// macros.datetime and macros.timedelta (Python's datetime module), and the arithmetic DAG files
// do with them: `(logical_date - macros.timedelta(days=1)).strftime('%Y%m%d')`. Precision is a
// millisecond; a duration or date below it is an error rather than a rounded value.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

#include "ir/civil_time.h"
#include "runtime/jinja_value.h"

namespace dagport::runtime::jinja {

namespace {

using Keywords = std::vector<std::pair<std::string, Val>>;

/// Python's timedelta bounds: -999999999 days to 999999999 days, 23:59:59.999999.
constexpr Millis kMaxDuration = 999'999'999LL * sched::kDay + sched::kDay - 1;

int64_t Integer(const Val& v, const std::string& what) {
  const Json j = Plain(v);
  if (j.is_boolean()) return j.get<bool>();
  if (!j.is_number_integer()) throw TemplateError(what + " must be an integer");
  return j.get<int64_t>();
}

/// The arguments by name, positional ones taking the names in `order`.
std::vector<std::pair<std::string, Val>> Named(const std::vector<Val>& args, const Keywords& kwargs,
                                               const std::vector<std::string>& order,
                                               const std::string& function) {
  if (args.size() > order.size())
    throw TemplateError(fmt::format("{}() takes at most {} arguments", function, order.size()));
  std::vector<std::pair<std::string, Val>> out;
  for (size_t i = 0; i < args.size(); ++i) out.emplace_back(order[i], args[i]);
  for (const auto& [key, value] : kwargs) {
    if (std::find(order.begin(), order.end(), key) == order.end())
      throw TemplateError(fmt::format("{}() takes no argument '{}'", function, key));
    out.emplace_back(key, value);
  }
  return out;
}

int64_t DaysInMonth(int64_t year, int64_t month) {
  const int64_t next_year = month == 12 ? year + 1 : year;
  const unsigned next_month = month == 12 ? 1 : static_cast<unsigned>(month + 1);
  return ir::DaysFromCivil(next_year, next_month, 1) -
         ir::DaysFromCivil(year, static_cast<unsigned>(month), 1);
}

/// The time of a civil date and time, checked as Python's datetime() checks it.
Millis FromCivil(const ir::Datetime& d) {
  auto check = [](int64_t v, int64_t low, int64_t high, const char* what) {
    if (v < low || v > high)
      throw TemplateError(fmt::format("{} {} is out of the range {}..{}", what, v, low, high));
  };
  check(d.year, 1, 9999, "year");
  check(d.month, 1, 12, "month");
  check(d.day, 1, DaysInMonth(d.year, d.month), "day");
  check(d.hour, 0, 23, "hour");
  check(d.minute, 0, 59, "minute");
  check(d.second, 0, 59, "second");
  check(d.microsecond, 0, 999'999, "microsecond");
  if (d.microsecond % 1000 != 0)
    throw TemplateError("a time below a millisecond is not supported by the local runtime");
  return sched::ToMillis(d);
}

/// Sets the fields given (year=..., day=...) of `d`.
void SetFields(ir::Datetime& d, const std::vector<std::pair<std::string, Val>>& fields) {
  static constexpr std::pair<std::string_view, int ir::Datetime::*> kFields[] = {
      {"year", &ir::Datetime::year},
      {"month", &ir::Datetime::month},
      {"day", &ir::Datetime::day},
      {"hour", &ir::Datetime::hour},
      {"minute", &ir::Datetime::minute},
      {"second", &ir::Datetime::second},
      {"microsecond", &ir::Datetime::microsecond}};
  for (const auto& given : fields) {
    const std::string& key = given.first;  // a name a lambda can capture (clang 14)
    const Val& value = given.second;
    const auto* field = std::find_if(std::begin(kFields), std::end(kFields),
                                     [&](const auto& f) { return f.first == key; });
    if (field == std::end(kFields))
      throw TemplateError("tzinfo is not supported by the local runtime");
    const int64_t n = Integer(value, key);
    if (n < INT32_MIN || n > INT32_MAX) throw TemplateError(key + " is out of range");
    d.*(field->second) = static_cast<int>(n);
  }
}

Millis CheckedDuration(Millis ms) {
  if (ms < -999'999'999LL * sched::kDay || ms > kMaxDuration)
    throw TemplateError("the timedelta is out of Python's range (999999999 days)");
  return ms;
}

}  // namespace

Millis ShiftDate(Millis t, double delta_ms) {
  const double shifted = static_cast<double>(t) + delta_ms;
  if (!(shifted >= static_cast<double>(kMinDate) && shifted <= static_cast<double>(kMaxDate)))
    throw TemplateError("the date would be outside the years 1 to 9999");
  return static_cast<Millis>(shifted);
}

std::string DurationStr(Millis length) {
  const Millis day = sched::kDay;
  const Millis days = length >= 0 ? length / day : -((-length + day - 1) / day);
  const Millis rest = length - days * day;  // 0 <= rest < a day, as Python normalizes
  std::string out =
      fmt::format("{}:{:02}:{:02}", rest / 3'600'000, rest / 60'000 % 60, rest / 1000 % 60);
  if (days != 0) out = fmt::format("{} day{}, {}", days, days == 1 || days == -1 ? "" : "s", out);
  if (rest % 1000 != 0) out += fmt::format(".{:06}", rest % 1000 * 1000);
  return out;
}

std::string NaiveIso(Millis t, char sep) {
  const ir::Datetime d = sched::ToDatetime(t);
  std::string out = fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", d.year, d.month, d.day, sep,
                                d.hour, d.minute, d.second);
  if (d.microsecond != 0) out += fmt::format(".{:06}", d.microsecond);
  return out;
}

Val MakeDatetime(const std::vector<Val>& args, const Keywords& kwargs) {
  const auto fields = Named(
      args, kwargs, {"year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"},
      "macros.datetime");
  ir::Datetime d;
  d.year = d.month = d.day = 0;
  SetFields(d, fields);
  if (d.year == 0 || d.month == 0 || d.day == 0)
    throw TemplateError("macros.datetime() needs a year, a month and a day");
  return Val::NaiveDate(FromCivil(d));
}

Val MakeTimedelta(const std::vector<Val>& args, const Keywords& kwargs) {
  static const std::vector<std::string> kUnits = {
      "days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"};
  static const std::map<std::string, double> kMillis = {
      {"days", 86'400'000}, {"seconds", 1000},    {"microseconds", 0.001}, {"milliseconds", 1},
      {"minutes", 60'000},  {"hours", 3'600'000}, {"weeks", 604'800'000}};
  double total = 0;
  for (const auto& [unit, value] : Named(args, kwargs, kUnits, "macros.timedelta")) {
    const Json n = Plain(value);
    if (!n.is_number() && !n.is_boolean()) throw TemplateError(unit + " must be a number");
    total += (n.is_boolean() ? n.get<bool>() : n.get<double>()) * kMillis.at(unit);
  }
  const double whole = std::round(total);
  if (!(std::fabs(total) <= static_cast<double>(kMaxDuration) + 1))
    throw TemplateError("the timedelta is out of Python's range (999999999 days)");
  if (std::fabs(total - whole) > 1e-6)
    throw TemplateError("a duration below a millisecond is not supported by the local runtime");
  return Val::Duration(CheckedDuration(static_cast<Millis>(whole)));
}

Val ReplaceDate(const Val& date, const std::vector<Val>& args, const Keywords& kwargs) {
  if (!args.empty()) throw TemplateError("replace() takes keyword arguments here (day=1)");
  ir::Datetime d = sched::ToDatetime(date.date);
  SetFields(d,
            Named({}, kwargs, {"year", "month", "day", "hour", "minute", "second", "microsecond"},
                  "replace"));
  Val out = date;
  out.date = FromCivil(d);
  return out;
}

Val DateArithmetic(const Val& a, const std::string& op, const Val& b) {
  const bool plus = op == "+", minus = op == "-";
  if (a.kind == Val::kDate && b.kind == Val::kDuration && (plus || minus)) {
    Val out = a;
    out.date = ShiftDate(a.date, static_cast<double>(plus ? b.date : -b.date));
    return out;
  }
  if (a.kind == Val::kDuration && b.kind == Val::kDate && plus) return DateArithmetic(b, op, a);
  if (a.kind == Val::kDate && b.kind == Val::kDate && minus) {
    if (a.naive != b.naive)
      throw TemplateError("cannot subtract a naive datetime (macros.datetime's) and an aware one");
    return Val::Duration(a.date - b.date);
  }
  if (a.kind == Val::kDuration && b.kind == Val::kDuration && (plus || minus))
    return Val::Duration(CheckedDuration(plus ? a.date + b.date : a.date - b.date));
  if (op == "*" && (a.kind == Val::kDuration) != (b.kind == Val::kDuration)) {
    const Val& duration = a.kind == Val::kDuration ? a : b;
    const Val& times = a.kind == Val::kDuration ? b : a;
    Millis out = 0;
    if (__builtin_mul_overflow(duration.date, Integer(times, "a timedelta's factor"), &out))
      throw TemplateError("the timedelta is out of Python's range (999999999 days)");
    return Val::Duration(CheckedDuration(out));
  }
  auto describe = [](const Val& v) {
    return v.kind == Val::kDate       ? std::string("a datetime")
           : v.kind == Val::kDuration ? std::string("a timedelta")
                                      : PythonRepr(Plain(v));
  };
  throw TemplateError(fmt::format("cannot apply '{}' to {} and {}", op, describe(a), describe(b)));
}

}  // namespace dagport::runtime::jinja
