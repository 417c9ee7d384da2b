#include "ir/value.h"

#include <fmt/format.h>

#include <cmath>

namespace dagport::ir {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

std::string PythonStringLiteral(std::string_view s) {
  const bool use_double =
      s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
  const char quote = use_double ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += quote;
  return out;
}

std::string PythonFloat(double d) {
  if (std::isnan(d)) return "float('nan')";
  if (std::isinf(d)) return d > 0 ? "float('inf')" : "float('-inf')";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string PythonTimedelta(int64_t micros) {
  // Python normalises to days (may be negative), 0 <= seconds < 86400, 0 <= microseconds < 1e6.
  int64_t total_seconds = micros / kMicrosPerSecond;
  int64_t us = micros % kMicrosPerSecond;
  if (us < 0) {
    us += kMicrosPerSecond;
    total_seconds -= 1;
  }
  int64_t days = total_seconds / kSecondsPerDay;
  int64_t seconds = total_seconds % kSecondsPerDay;
  if (seconds < 0) {
    seconds += kSecondsPerDay;
    days -= 1;
  }
  // Written often (every task's retry_delay, in JSON): plain appends, no format strings.
  std::string out = "timedelta(";
  const auto part = [&](std::string_view name, int64_t n) {
    if (n == 0) return;
    if (out.back() != '(') out += ", ";
    out += name;
    out += '=';
    out += std::to_string(n);
  };
  part("days", days);
  part("seconds", seconds);
  part("microseconds", us);
  out += ')';
  return out;
}

/// `n` in decimal with at least `width` digits (zero-padded), for 0 <= n.
void AppendPadded(std::string& out, int64_t n, int width) {
  char digits[24];
  int len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (len < width) digits[len++] = '0';
  while (len > 0) out += digits[--len];
}

}  // namespace

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNone: return "none";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kFloat: return "float";
    case ValueKind::kString: return "string";
    case ValueKind::kTemplate: return "template";
    case ValueKind::kList: return "list";
    case ValueKind::kTuple: return "tuple";
    case ValueKind::kDict: return "dict";
    case ValueKind::kTimedelta: return "timedelta";
    case ValueKind::kDatetime: return "datetime";
    case ValueKind::kCron: return "cron";
    case ValueKind::kCallable: return "callable";
    case ValueKind::kUnresolved: return "unresolved";
  }
  return "unknown";
}

std::string Datetime::Iso() const {
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
      microsecond < 0) {  // not a valid datetime: as fmt writes negative numbers
    std::string s =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day, hour, minute, second);
    if (microsecond != 0) s += fmt::format(".{:06}", microsecond);
    return s;
  }
  std::string s;
  s.reserve(26);
  AppendPadded(s, year, 4);
  s += '-';
  AppendPadded(s, month, 2);
  s += '-';
  AppendPadded(s, day, 2);
  s += 'T';
  AppendPadded(s, hour, 2);
  s += ':';
  AppendPadded(s, minute, 2);
  s += ':';
  AppendPadded(s, second, 2);
  if (microsecond != 0) {
    s += '.';
    AppendPadded(s, microsecond, 6);
  }
  return s;
}

Value Value::Bool(bool b) {
  return {ValueKind::kBool, b};
}
Value Value::Int(int64_t i) {
  return {ValueKind::kInt, i};
}
Value Value::Float(double d) {
  return {ValueKind::kFloat, d};
}
namespace {

/// `value`, shared. An empty list or dict is one static empty one, which copies share without
/// counting references.
template <typename T>
std::shared_ptr<const T> Share(T value) {
  if constexpr (requires { value.empty(); }) {
    if (value.empty()) {
      static const T kEmpty;
      return std::shared_ptr<const T>(std::shared_ptr<const T>(), &kEmpty);
    }
  }
  return std::make_shared<const T>(std::move(value));
}

}  // namespace

Value Value::Text(ValueKind kind, std::string text) {
  // Up to 15 bytes a std::string holds without allocating: cheaper to copy than to share.
  if (text.size() <= 15) return {kind, std::move(text)};
  return {kind, Share(std::move(text))};
}
Value Value::String(std::string s) {
  return Text(ValueKind::kString, std::move(s));
}
Value Value::Template(std::string s) {
  return Text(ValueKind::kTemplate, std::move(s));
}
Value Value::Cron(std::string expression) {
  return Text(ValueKind::kCron, std::move(expression));
}
Value Value::List(Items items) {
  return {ValueKind::kList, Share(std::move(items))};
}
Value Value::Tuple(Items items) {
  return {ValueKind::kTuple, Share(std::move(items))};
}
Value Value::Dict(Entries entries) {
  return {ValueKind::kDict, Share(std::move(entries))};
}
Value Value::Timedelta(int64_t microseconds) {
  return {ValueKind::kTimedelta, microseconds};
}
Value Value::MakeDatetime(Datetime dt) {
  return {ValueKind::kDatetime, Share(std::move(dt))};
}
Value Value::Callable(CallableRef ref) {
  return {ValueKind::kCallable, Share(std::move(ref))};
}
Value Value::MakeUnresolved(std::string source, std::string reason) {
  return {ValueKind::kUnresolved, Share(Unresolved{std::move(source), std::move(reason)})};
}

bool Value::is_text() const {
  return kind_ == ValueKind::kString || kind_ == ValueKind::kTemplate || kind_ == ValueKind::kCron;
}

bool Value::is_sequence() const {
  return kind_ == ValueKind::kList || kind_ == ValueKind::kTuple;
}

bool Value::contains_unresolved() const {
  switch (kind_) {
    case ValueKind::kUnresolved: return true;
    case ValueKind::kList:
    case ValueKind::kTuple:
      for (const Value& v : items()) {
        if (v.contains_unresolved()) return true;
      }
      return false;
    case ValueKind::kDict:
      for (const auto& [k, v] : entries()) {
        if (k.contains_unresolved() || v.contains_unresolved()) return true;
      }
      return false;
    default: return false;
  }
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != ValueKind::kDict) return nullptr;
  for (const auto& [k, v] : entries()) {
    if (k.kind_ == ValueKind::kString && k.as_text() == key) return &v;
  }
  return nullptr;
}

std::string Value::ToPython() const {
  switch (kind_) {
    case ValueKind::kNone: return "None";
    case ValueKind::kBool: return as_bool() ? "True" : "False";
    case ValueKind::kInt: return std::to_string(as_int());
    case ValueKind::kFloat: return PythonFloat(as_float());
    case ValueKind::kString:
    case ValueKind::kTemplate:
    case ValueKind::kCron: return PythonStringLiteral(as_text());
    case ValueKind::kList:
    case ValueKind::kTuple: {
      std::vector<std::string> parts;
      for (const Value& v : items()) parts.push_back(v.ToPython());
      if (kind_ == ValueKind::kList) return fmt::format("[{}]", fmt::join(parts, ", "));
      if (parts.size() == 1) return fmt::format("({},)", parts[0]);
      return fmt::format("({})", fmt::join(parts, ", "));
    }
    case ValueKind::kDict: {
      std::vector<std::string> parts;
      for (const auto& [k, v] : entries()) parts.push_back(k.ToPython() + ": " + v.ToPython());
      return fmt::format("{{{}}}", fmt::join(parts, ", "));
    }
    case ValueKind::kTimedelta: return PythonTimedelta(timedelta_microseconds());
    case ValueKind::kDatetime: {
      const Datetime& d = datetime();
      std::string s = fmt::format("datetime({}, {}, {}", d.year, d.month, d.day);
      if (d.hour || d.minute || d.second || d.microsecond)
        s += fmt::format(", {}, {}", d.hour, d.minute);
      if (d.second || d.microsecond) s += fmt::format(", {}", d.second);
      if (d.microsecond) s += fmt::format(", {}", d.microsecond);
      if (!d.timezone.empty()) s += fmt::format(", tzinfo={}", PythonStringLiteral(d.timezone));
      return s + ")";
    }
    case ValueKind::kCallable: return callable().name;
    case ValueKind::kUnresolved: return unresolved().source;
  }
  return "";
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_ || a.data_.index() != b.data_.index()) return false;
  return std::visit(
      [&b](const auto& x) -> bool {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b.data_);
        if constexpr (requires { *x; }) {
          return x == y || *x == *y;  // what is shared, then what it holds
        } else {
          return x == y;
        }
      },
      a.data_);
}

const Value* FindArgument(const Arguments& args, std::string_view name) {
  for (const auto& [k, v] : args) {
    if (k == name) return &v;
  }
  return nullptr;
}

}  // namespace dagport::ir
