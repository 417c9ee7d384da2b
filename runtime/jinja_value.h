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

/// A value while rendering: plain data (JSON), a date, an object of the context (`macros`,
/// `ti`, `var.value`, ...), a bound method, or an undefined name (an error when rendered,
/// replaced by `default`).
struct Val {
  enum Kind { kData, kDate, kObject, kMethod, kUndefined } kind = kData;
  Json data;
  Millis date = 0;
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
  static Val Date(Millis t) { return Make(kDate, {}, t, {}); }
  static Val Object(std::string n) { return Make(kObject, {}, 0, std::move(n)); }
  static Val Undefined(std::string what) { return Make(kUndefined, {}, 0, std::move(what)); }
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
std::string Strftime(Millis t, const std::string& format);
Millis Strptime(const std::string& text, const std::string& format);
std::string IsoDate(Millis t);
std::string Str(const Val& v);
/// Python's truth value; an undefined value is an error (Airflow's StrictUndefined).
bool Truthy(const Val& v);
/// The value as plain data (dates as their ISO text).
Json Plain(const Val& v);
std::string Trim(std::string s);
std::string Replace(std::string s, const Val& from, const Val& to);

// The template context (runtime/jinja_context.cc).
Val Name(const TemplateEnvironment& env, const std::string& name);
Val Attribute(const TemplateEnvironment& env, const Val& v, const std::string& name);
Val Item(const TemplateEnvironment& env, const Val& v, const Val& key);
Val Call(const TemplateEnvironment& env, const Val& f, const std::vector<Val>& args,
         const std::vector<std::pair<std::string, Val>>& kwargs);
Val Filter(const Val& v, const std::string& name, std::vector<Val> args,
           const std::vector<std::pair<std::string, Val>>& kwargs);

}  // namespace dagport::runtime::jinja
