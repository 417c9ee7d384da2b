// The values of the local runtime's templates and their text forms (see jinja_value.h).
#include "runtime/jinja_value.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

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

/// strftime on a UTC time.
std::string Strftime(Millis t, const std::string& format) {
  const std::time_t seconds = static_cast<std::time_t>(std::floor(t / 1000.0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::string f;
  for (size_t i = 0; i < format.size(); ++i) {  // %z and %Z of an aware UTC datetime
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == 'z') {
      f += "+0000";
      ++i;
    } else if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == 'Z') {
      f += "UTC";
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
  return sched::FormatIso(t) + "+00:00";
}

std::string Str(const Val& v) {
  switch (v.kind) {
    case Val::kData: return PythonStr(v.data);
    case Val::kDate: return IsoDate(v.date);
    case Val::kObject:
      if (v.name == "dag") return "<DAG>";
      throw TemplateError("'" + v.name + "' cannot be rendered as text");
    case Val::kMethod: throw TemplateError("'" + v.name + "' is a method: call it");
    case Val::kUndefined: throw TemplateError(v.name);
  }
  return "";
}

bool Truthy(const Val& v) {
  // Airflow renders with StrictUndefined: testing an undefined value is an error.
  if (v.kind == Val::kUndefined) throw TemplateError(v.name);
  if (v.kind != Val::kData) return true;
  const Json& j = v.data;
  if (j.is_null()) return false;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string()) return !j.get_ref<const std::string&>().empty();
  if (j.is_array() || j.is_object()) return !j.empty();
  return true;
}

/// The value as plain data (dates as their ISO text).
Json Plain(const Val& v) {
  if (v.kind == Val::kDate) return IsoDate(v.date);
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
std::string Replace(std::string s, const Val& from_v, const Val& to_v) {
  const std::string from = Str(from_v), to = Str(to_v);
  if (from.empty()) return s;
  std::string out;
  size_t at = 0;
  for (size_t p; (p = s.find(from, at)) != std::string::npos; at = p + from.size())
    out += s.substr(at, p - at) + to;
  return out + s.substr(at);
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
