#pragma once
/// The values of the local runtime's Jinja templates (runtime/jinja_template): plain data, dates,
/// the context's objects and methods, undefined names, and their text forms (Python's str()
/// and repr(), Jinja's tojson). Also what the context's names, attributes, methods and filters
/// mean (runtime/jinja_context.cc). Internal to the runtime.

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "runtime/jinja_template.h"
#include "sched/clock.h"

namespace dagport::runtime::jinja {

using Json = nlohmann::ordered_json;
using sched::Millis;

/// Why an expression cannot be rendered; the task fails with it.
struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Expressions, statements and values nest at most this deep (Jinja itself stops at Python's
/// recursion limit): no stack overflow, whatever the template or the data it reads.
constexpr int kMaxDepth = 100;
/// A string, list or dict that a template makes is at most 1 MB: a template is a command line,
/// not a buffer.
constexpr size_t kMaxValueBytes = size_t{1} << 20;

/// A value while rendering: plain data (JSON), a date, a duration (Python's timedelta), an
/// object of the context (`macros`, `ti`, `var.value`, ...), a bound method, or an undefined
/// name (an error when rendered, replaced by `default`).
struct Val {
  enum Kind { kData, kDate, kDuration, kObject, kMethod, kUndefined } kind = kData;
  Json data;
  Millis date = 0;     ///< kDate: the time (UTC, or wall-clock when naive); kDuration: its length
  bool naive = false;  ///< kDate: a datetime without a zone (macros.datetime's), not pendulum's
  /// kUndefined: Jinja's lenient Undefined (of `a if c` without else), which renders as '' and
  /// is false, rather than Airflow's StrictUndefined.
  bool lenient = false;
  /// kData: what Jinja's map, select, reject, selectattr, rejectattr, unique and reverse give,
  /// a generator there: always true, of no length, rendered as `<generator object ...>`; here
  /// the list it would yield, true, an error to render or measure (`| list` first).
  bool lazy = false;
  std::string name;  ///< kObject: the object; kMethod: the method; kUndefined: what is missing
  std::shared_ptr<Val> self;

  static Val Make(Kind kind, Json data, Millis date, std::string name) {
    Val v;
    v.kind = kind;
    v.data = std::move(data);
    v.date = date;
    v.name = std::move(name);
    return v;
  }
  static Val Data(Json j) { return Make(kData, std::move(j), 0, {}); }
  static Val Generator(Json list) {
    Val v = Data(std::move(list));
    v.lazy = true;
    return v;
  }
  static Val Date(Millis t) { return Make(kDate, {}, t, {}); }
  static Val NaiveDate(Millis t) {
    Val v = Make(kDate, {}, t, {});
    v.naive = true;
    return v;
  }
  static Val Duration(Millis length) { return Make(kDuration, {}, length, {}); }
  static Val Object(std::string n) { return Make(kObject, {}, 0, std::move(n)); }
  static Val Undefined(std::string what) { return Make(kUndefined, {}, 0, std::move(what)); }
  static Val Lenient(std::string what) {
    Val v = Undefined(std::move(what));
    v.lenient = true;
    return v;
  }
  static Val Method(const Val& self, std::string n) {
    Val v = Make(kMethod, {}, 0, std::move(n));
    v.self = std::make_shared<Val>(self);
    return v;
  }
};

// Text forms.
std::string PythonRepr(const Json& v);
/// Jinja's `tojson`: sorted keys, ", " and ": ", and < > & ' escaped.
std::string HtmlSafeJson(const nlohmann::json& j);
std::string Nodash(const std::string& s);
/// The dates templates can make: the years 1 to 9999, as Python's datetime.
constexpr Millis kMinDate = -62'135'596'800'000;  // 0001-01-01T00:00:00
constexpr Millis kMaxDate = 253'402'300'799'999;  // 9999-12-31T23:59:59.999
/// strftime of a UTC time (%z and %Z empty when `naive`, as Python's).
std::string Strftime(Millis t, const std::string& format, bool naive = false);
Millis Strptime(const std::string& text, const std::string& format);
std::string IsoDate(Millis t);
std::string Str(const Val& v);
/// Python's truth value; an undefined value is an error (Airflow's StrictUndefined).
bool Truthy(const Val& v);
/// The value as plain data (dates as their ISO text).
Json Plain(const Val& v);
std::string Trim(std::string s);
/// Python's s.replace(from, to[, count]), bounded to kMaxValueBytes.
std::string Replace(std::string s, const Val& from, const Val& to, int64_t count = -1);

/// About how many bytes `j` takes (its strings, 16 per item), counted up to `stop_after`; throws
/// when it is nested more than kMaxDepth deep.
size_t ApproxSize(const Json& j, size_t stop_after);
/// Throws when `j` is larger than kMaxValueBytes (or nested too deeply); returns it.
const Json& CheckSize(const Json& j);
/// The characters of a UTF-8 string (an invalid byte is one character).
std::vector<std::string> Characters(const std::string& s);
/// What iterating over the value gives, as Python: a list's items, a dict's keys, a string's
/// characters; an error for anything else.
std::vector<Json> Elements(const Val& v);

// Dates and durations (runtime/jinja_dates.cc).
/// `t` moved by `delta_ms`, which must stay within the years 1 to 9999 (Python's datetime).
Millis ShiftDate(Millis t, double delta_ms);
/// Python's str() of a timedelta: "1 day, 2:03:04", "-1 day, 23:00:00", "0:00:00.500000".
std::string DurationStr(Millis length);
/// A naive datetime's isoformat(sep): 2025-01-02T03:04:05[.500000].
std::string NaiveIso(Millis t, char sep);
/// macros.datetime(year, month, day[, hour, minute, second, microsecond]).
Val MakeDatetime(const std::vector<Val>& args,
                 const std::vector<std::pair<std::string, Val>>& kwargs);
/// macros.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks).
Val MakeTimedelta(const std::vector<Val>& args,
                  const std::vector<std::pair<std::string, Val>>& kwargs);
/// date.replace(year=..., month=..., day=..., hour=..., ...).
Val ReplaceDate(const Val& date, const std::vector<Val>& args,
                const std::vector<std::pair<std::string, Val>>& kwargs);
/// + - * between dates, durations and integers, as Python's datetime and timedelta.
Val DateArithmetic(const Val& a, const std::string& op, const Val& b);

// Python's operators (runtime/jinja_operators.cc).
/// `a op b` for op + - * / // % **, on numbers, strings and lists as Python does.
Val Arithmetic(const Val& a, const std::string& op, const Val& b);
/// Python's `==` (1 == 1.0 == True; dicts whatever their order).
bool Equal(const Json& a, const Json& b);
/// `a op b` for op == != < <= > >= in, not in; an error where Python raises a TypeError.
bool Comparison(const Val& a, const std::string& op, const Val& b);
/// Python's `<` on numbers, strings and lists of them; `ignore_case` lowers strings first (the
/// default of Jinja's sort, min and max).
bool Less(const Json& a, const Json& b, bool ignore_case = false);
/// `v[start:stop:step]` of a list or a string (None for a missing bound).
Val Slice(const Val& v, const Json& start, const Json& stop, const Json& step);

// The template context (runtime/jinja_context.cc).
Val Name(const TemplateEnvironment& env, const std::string& name);
Val Attribute(const TemplateEnvironment& env, const Val& v, const std::string& name);
Val Item(const TemplateEnvironment& env, const Val& v, const Val& key);
Val Call(const TemplateEnvironment& env, const Val& f, const std::vector<Val>& args,
         const std::vector<std::pair<std::string, Val>>& kwargs);
/// A method of plain data: `d.get(k)`, `d.items()`, `s.split(',')`...
Val DataMethod(const Json& d, const std::string& m, const std::vector<Val>& args);

// Jinja's filters and tests (runtime/jinja_filters.cc).
Val Filter(const Val& v, const std::string& name, std::vector<Val> args,
           const std::vector<std::pair<std::string, Val>>& kwargs);
/// `v is name(args)`: defined, none, number, string, odd, divisibleby, in, ...
bool Test(const Val& v, const std::string& name, const std::vector<Val>& args);

}  // namespace dagport::runtime::jinja
