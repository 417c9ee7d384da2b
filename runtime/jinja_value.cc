// The values of the local runtime's templates and their text forms (see jinja_value.h).
#include "runtime/jinja_value.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "runtime/python_truth.h"

namespace dagport::runtime::jinja {

/// Jinja's `tojson`: json.dumps with sorted keys and ", "/": " separators, with < > & '
/// escaped as \u003c... so that the text is safe inside HTML and single quotes.
std::string HtmlSafeJson(const nlohmann::json& j) {
  std::string out;
  if (j.is_object()) {
    out = "{";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += (first ? "" : ", ") + HtmlSafeJson(nlohmann::json(it.key())) + ": " +
             HtmlSafeJson(it.value());
      first = false;
    }
    return out + "}";
  }
  if (j.is_array()) {
    out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + HtmlSafeJson(j[i]);
    return out + "]";
  }
  for (char c : j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\'': out += "\\u0027"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Nodash(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '-' && c != ':') out += c;
  return out;
}

std::string Strftime(Millis t, const std::string& format, bool naive) {
  const std::time_t seconds = static_cast<std::time_t>(std::floor(t / 1000.0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::string f;
  for (size_t i = 0; i < format.size(); ++i) {  // %z and %Z of an aware UTC datetime
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == 'z') {
      f += naive ? "" : "+0000";
      ++i;
    } else if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == 'Z') {
      f += naive ? "" : "UTC";
      ++i;
    } else {
      f += format[i];
      if (format[i] == '%' && i + 1 < format.size()) f += format[++i];
    }
  }
  char buffer[512];
  const size_t n = std::strftime(buffer, sizeof buffer, f.c_str(), &tm);
  if (n == 0 && !f.empty()) throw TemplateError("strftime('" + format + "') is too long");
  return std::string(buffer, n);
}

/// Parses `text` with strptime `format` as a UTC date.
Millis Strptime(const std::string& text, const std::string& format) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), format.c_str(), &tm);
  if (end == nullptr || *end != '\0')
    throw TemplateError(fmt::format("'{}' does not match the format '{}'", text, format));
  const std::time_t seconds = timegm(&tm);
  if (seconds < kMinDate / 1000 || seconds > kMaxDate / 1000)
    throw TemplateError(fmt::format("'{}' is outside the years 1 to 9999", text));
  return static_cast<Millis>(seconds) * 1000;
}

std::string IsoDate(Millis t) {
  return NaiveIso(t, 'T') + "+00:00";
}

std::string Str(const Val& v) {
  switch (v.kind) {
    case Val::kData:
      if (v.lazy)
        throw TemplateError(
            "a generator (of map, select, unique...) renders as '<generator object ...>' in "
            "Jinja: add '| list'");
      return PythonStr(v.data);
    case Val::kDate: return v.naive ? NaiveIso(v.date, ' ') : IsoDate(v.date);
    case Val::kDuration: return DurationStr(v.date);
    case Val::kObject:
      if (v.name == "dag") return "<DAG>";
      if (v.name == "loop")
        return fmt::format("<LoopContext {}/{}>", v.data.value("index", 0),
                           v.data.value("length", 0));
      throw TemplateError("'" + v.name + "' cannot be rendered as text");
    case Val::kMethod: throw TemplateError("'" + v.name + "' is a method: call it");
    case Val::kUndefined:
      if (v.lenient) return "";
      throw TemplateError(v.name);
  }
  return "";
}

bool Truthy(const Val& v) {
  // Airflow renders with StrictUndefined: testing an undefined value is an error.
  if (v.kind == Val::kUndefined && !v.lenient) throw TemplateError(v.name);
  if (v.kind == Val::kUndefined) return false;
  if (v.kind == Val::kDuration) return v.date != 0;
  if (v.kind != Val::kData || v.lazy) return true;  // a generator is true, even when empty
  return PythonTruthy(v.data);
}

/// The value as plain data (dates as their ISO text).
Json Plain(const Val& v) {
  if (v.kind == Val::kDate) return v.naive ? NaiveIso(v.date, 'T') : IsoDate(v.date);
  if (v.kind == Val::kDuration)
    throw TemplateError("a timedelta is not plain data here (use .total_seconds())");
  if (v.kind == Val::kUndefined) throw TemplateError(v.name);
  if (v.kind != Val::kData) throw TemplateError("'" + v.name + "' is not a value");
  return v.data;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}
std::string Replace(std::string s, const Val& from_v, const Val& to_v, int64_t count) {
  const std::string from = Str(from_v), to = Str(to_v);
  std::string out;
  if (from.empty()) {  // Python puts `to` between the characters, and at both ends
    const std::vector<std::string> chars = Characters(s);
    for (size_t i = 0; i <= chars.size(); ++i) {
      if (count-- != 0) out += to;
      if (i < chars.size()) out += chars[i];
      if (out.size() > kMaxValueBytes)
        throw TemplateError("the replaced text would be larger than 1 MB");
    }
    return out;
  }
  size_t at = 0;
  for (size_t p; count-- != 0 && (p = s.find(from, at)) != std::string::npos;
       at = p + from.size()) {
    out += s.substr(at, p - at) + to;
    if (out.size() > kMaxValueBytes)
      throw TemplateError("the replaced text would be larger than 1 MB");
  }
  return out + s.substr(at);
}

size_t ApproxSize(const Json& j, size_t stop_after) {
  struct Walk {
    size_t stop_after, total = 0;
    void Add(const Json& v, int depth) {
      if (depth > kMaxDepth)
        throw TemplateError(fmt::format("a value is nested more than {} deep", kMaxDepth));
      total += 16;
      if (v.is_string()) total += v.get_ref<const std::string&>().size();
      if (v.is_object()) {
        for (auto it = v.begin(); it != v.end() && total <= stop_after; ++it) {
          total += it.key().size();
          Add(it.value(), depth + 1);
        }
      } else if (v.is_array()) {
        for (auto it = v.begin(); it != v.end() && total <= stop_after; ++it) Add(*it, depth + 1);
      }
    }
  } walk{stop_after};
  walk.Add(j, 1);
  return walk.total;
}

const Json& CheckSize(const Json& j) {
  if (ApproxSize(j, kMaxValueBytes) > kMaxValueBytes)
    throw TemplateError("the value would be larger than 1 MB");
  return j;
}

std::vector<std::string> Characters(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t n = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 1;
    if (i + n > s.size()) n = 1;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::vector<Json> Elements(const Val& v) {
  if (v.kind == Val::kDate) throw TemplateError("a date cannot be iterated");
  if (v.kind == Val::kUndefined && v.lenient) return {};
  const Json j = Plain(v);
  std::vector<Json> out;
  if (j.is_array()) {
    out.assign(j.begin(), j.end());
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) out.emplace_back(it.key());
  } else if (j.is_string()) {
    for (std::string& c : Characters(j.get<std::string>())) out.emplace_back(std::move(c));
  } else {
    throw TemplateError(
        fmt::format("{} is not a list, a dict or a string: it cannot be iterated", PythonRepr(j)));
  }
  return out;
}

std::string PythonRepr(const Json& v) {
  if (v.is_string()) {
    std::string out = "'";
    for (char c : v.get<std::string>()) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  }
  return PythonStr(v);
}

}  // namespace dagport::runtime::jinja
