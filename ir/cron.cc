#include "ir/cron.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace dagport::ir {

namespace {

struct FieldSpec {
  const char* name;
  int min, max;
  const std::array<const char*, 12>* names;  ///< symbolic values, index + min
};

constexpr std::array<const char*, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDays = {"sun", "mon", "tue", "wed", "thu", "fri",
                                               "sat", "",    "",    "",    "",    ""};

std::optional<int> Number(std::string_view s, const FieldSpec& f) {
  if (s.empty()) return std::nullopt;
  if (std::isalpha(static_cast<unsigned char>(s[0])) && f.names != nullptr) {
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (size_t i = 0; i < f.names->size(); ++i) {
      if ((*f.names)[i][0] != '\0' && lower == (*f.names)[i])
        return static_cast<int>(i) + (f.names == &kMonths ? 1 : 0);
    }
    return std::nullopt;
  }
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// Sets the values of one field into `bits` (indexed from 0); false on a syntax error.
template <size_t N>
bool ParseField(std::string_view field, const FieldSpec& f, std::bitset<N>& bits, bool& any,
                std::string& error) {
  any = field == "*" || field == "?";
  size_t start = 0;
  while (start <= field.size()) {
    size_t comma = field.find(',', start);
    if (comma == std::string_view::npos) comma = field.size();
    std::string_view part = field.substr(start, comma - start);
    start = comma + 1;
    if (part.empty()) {
      error = fmt::format("empty list item in the {} field", f.name);
      return false;
    }
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string_view::npos) {
      std::optional<int> s = Number(part.substr(slash + 1), FieldSpec{f.name, 1, 1000, nullptr});
      if (!s || *s <= 0) {
        error = fmt::format("bad step '{}' in the {} field", part.substr(slash + 1), f.name);
        return false;
      }
      step = *s;
      part = part.substr(0, slash);
    }
    int low = f.min, high = f.max;
    if (part != "*" && part != "?") {
      const size_t dash = part.find('-', 1);
      std::optional<int> a = Number(part.substr(0, dash), f);
      std::optional<int> b = dash == std::string_view::npos ? a : Number(part.substr(dash + 1), f);
      // Day of week accepts 7 for Sunday, alone or in a range ("5-7": Friday to Sunday; the
      // bit is set as 0 below).
      const int top = f.names == &kDays ? 7 : f.max;
      if (f.names == &kDays && dash == std::string_view::npos && a == 7) a = b = 0;
      if (!a || !b || *a < f.min || *a > top || *b < f.min || *b > top) {
        error = fmt::format("'{}' is not a valid {} (expected {}-{})", part, f.name, f.min, f.max);
        return false;
      }
      low = *a;
      high = dash == std::string_view::npos && step != 1 ? f.max : *b;
      if (low > high) {
        error = fmt::format("range '{}' in the {} field runs backwards", part, f.name);
        return false;
      }
    }
    for (int v = low; v <= high; v += step)
      bits.set(static_cast<size_t>(f.names == &kDays && v == 7 ? 0 : v));
    if (comma == field.size()) break;
  }
  return true;
}

}  // namespace

std::string ExpandCronPreset(std::string_view expression) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kPresets = {
      {{"@hourly", "0 * * * *"},
       {"@daily", "0 0 * * *"},
       {"@midnight", "0 0 * * *"},
       {"@weekly", "0 0 * * 0"},
       {"@monthly", "0 0 1 * *"},
       {"@quarterly", "0 0 1 */3 *"},
       {"@yearly", "0 0 1 1 *"},
       {"@annually", "0 0 1 1 *"},
       {"@once", "@once"}}};
  for (const auto& [name, cron] : kPresets) {
    if (expression == name) return std::string(cron);
  }
  return std::string(expression);
}

std::optional<CronSchedule> ParseCron(std::string_view expression, std::string* error) {
  std::string why;
  const std::string expanded = ExpandCronPreset(expression);
  std::vector<std::string_view> fields;
  std::string_view rest = expanded;
  while (!rest.empty()) {
    const size_t b = rest.find_first_not_of(" \t");
    if (b == std::string_view::npos) break;
    rest.remove_prefix(b);
    const size_t e = std::min(rest.find_first_of(" \t"), rest.size());
    fields.push_back(rest.substr(0, e));
    rest.remove_prefix(e);
  }
  CronSchedule c;
  bool any = false;
  // croniter also takes a sixth field, the second.
  if (fields.size() == 6) {
    std::bitset<60> seconds;
    if (!ParseField(fields[5], FieldSpec{"second", 0, 59, nullptr}, seconds, any, why)) {
      if (error != nullptr) *error = why;
      return std::nullopt;
    }
    fields.pop_back();
  }
  if (fields.size() != 5) {
    why =
        fields.empty() || fields[0].starts_with("@")
            ? fmt::format("'{}' is not a cron expression or an Airflow preset", expression)
            : fmt::format("a cron expression has 5 fields, '{}' has {}", expression, fields.size());
  } else if (ParseField(fields[0], FieldSpec{"minute", 0, 59, nullptr}, c.minutes, any, why) &&
             ParseField(fields[1], FieldSpec{"hour", 0, 23, nullptr}, c.hours, any, why) &&
             ParseField(fields[2], FieldSpec{"day of month", 1, 31, nullptr}, c.days_of_month,
                        c.any_day_of_month, why) &&
             ParseField(fields[3], FieldSpec{"month", 1, 12, &kMonths}, c.months, any, why) &&
             ParseField(fields[4], FieldSpec{"day of week", 0, 6, &kDays}, c.days_of_week,
                        c.any_day_of_week, why)) {
    return c;
  }
  if (error != nullptr) *error = why;
  return std::nullopt;
}

}  // namespace dagport::ir
