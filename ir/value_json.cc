#include "ir/value_json.h"

#include "ir/json_reader.h"

#include <cmath>
#include <cstdio>

namespace dagport::ir {

namespace {

using namespace json_reader;

Value::Items ItemsFromJson(const Json& array, const std::string& pointer) {
  if (!array.is_array()) Fail(pointer, "expected an array");
  Value::Items items;
  items.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    items.push_back(ValueFromJson(array[i], pointer + "/" + std::to_string(i)));
  }
  return items;
}

bool AllStringKeys(const Value::Entries& entries) {
  for (const auto& [k, v] : entries) {
    if (k.kind() != ValueKind::kString) return false;
  }
  return true;
}

}  // namespace

void WriteValue(JsonWriter& w, const Value& v) {
  const auto items = [&](const Value::Items& xs) {
    w.BeginArray();
    for (const Value& x : xs) WriteValue(w, x);
    w.EndArray();
  };
  switch (v.kind()) {
    case ValueKind::kNone: w.Null(); return;
    case ValueKind::kBool: w.Bool(v.as_bool()); return;
    case ValueKind::kInt: w.Int(v.as_int()); return;
    case ValueKind::kFloat:
      if (std::isfinite(v.as_float())) {
        w.Float(v.as_float());
      } else {
        w.BeginObject();
        w.Member("kind", "float");
        w.Member("python", v.ToPython());
        w.EndObject();
      }
      return;
    case ValueKind::kString: w.String(v.as_text()); return;
    case ValueKind::kList: items(v.items()); return;
    case ValueKind::kTemplate:
    case ValueKind::kCron:
      w.BeginObject();
      w.Member("kind", v.kind() == ValueKind::kTemplate ? "template" : "cron");
      w.Member(v.kind() == ValueKind::kTemplate ? "text" : "expression", v.as_text());
      w.EndObject();
      return;
    case ValueKind::kTuple:
      w.BeginObject();
      w.Member("kind", "tuple");
      w.Key("items");
      items(v.items());
      w.EndObject();
      return;
    case ValueKind::kDict:
      w.BeginObject();
      w.Member("kind", "dict");
      if (AllStringKeys(v.entries())) {
        w.Key("entries");
        WriteObjectMembers(
            w, v.entries(), [](const Value& k) -> std::string_view { return k.as_text(); },
            WriteValue);
      } else {
        w.Key("items");
        w.BeginArray();
        for (const auto& [k, x] : v.entries()) {
          w.BeginArray();
          WriteValue(w, k);
          WriteValue(w, x);
          w.EndArray();
        }
        w.EndArray();
      }
      w.EndObject();
      return;
    case ValueKind::kTimedelta:
      w.BeginObject();
      w.Member("kind", "timedelta");
      w.Member("microseconds", v.timedelta_microseconds());
      w.Member("python", v.ToPython());
      w.EndObject();
      return;
    case ValueKind::kDatetime:
      w.BeginObject();
      w.Member("kind", "datetime");
      w.Member("iso", v.datetime().Iso());
      w.Key("timezone");
      if (v.datetime().timezone.empty()) {
        w.Null();
      } else {
        w.String(v.datetime().timezone);
      }
      w.EndObject();
      return;
    case ValueKind::kCallable: {
      const CallableRef& c = v.callable();
      w.BeginObject();
      w.Member("kind", "callable");
      w.Member("name", c.name);
      w.Member("file", c.file);
      w.Key("source");
      WriteRange(w, c.where);
      w.EndObject();
      return;
    }
    case ValueKind::kUnresolved:
      w.BeginObject();
      w.Member("kind", "unresolved");
      w.Member("source", v.unresolved().source);
      w.Member("reason", v.unresolved().reason);
      w.EndObject();
      return;
  }
  w.Null();
}

Json ValueToJson(const Value& v) {
  std::string text;
  JsonWriter w(text);
  WriteValue(w, v);
  return Json::parse(text);
}

Value ValueFromJson(const Json& j, const std::string& pointer) {
  if (j.is_null()) return Value::None();
  if (j.is_boolean()) return Value::Bool(j.get<bool>());
  if (j.is_number_integer()) return Value::Int(j.get<int64_t>());
  if (j.is_number_float()) return Value::Float(j.get<double>());
  if (j.is_string()) return Value::String(j.get<std::string>());
  if (j.is_array()) return Value::List(ItemsFromJson(j, pointer));
  if (!j.is_object()) Fail(pointer, "not a value");

  const std::string kind = StringMember(j, "kind", pointer);
  if (kind == "template") return Value::Template(StringMember(j, "text", pointer));
  if (kind == "cron") return Value::Cron(StringMember(j, "expression", pointer));
  if (kind == "tuple")
    return Value::Tuple(ItemsFromJson(Member(j, "items", pointer), pointer + "/items"));
  if (kind == "float") {
    const std::string py = StringMember(j, "python", pointer);
    if (py == "float('nan')") return Value::Float(std::nan(""));
    if (py == "float('inf')") return Value::Float(INFINITY);
    if (py == "float('-inf')") return Value::Float(-INFINITY);
    Fail(pointer + "/python", "unknown float " + py);
  }
  if (kind == "dict") {
    Value::Entries entries;
    if (auto it = j.find("entries"); it != j.end()) {
      if (!it->is_object()) Fail(pointer + "/entries", "expected an object");
      for (const auto& [k, x] : it->items()) {
        entries.emplace_back(Value::String(k), ValueFromJson(x, pointer + "/entries/" + k));
      }
      return Value::Dict(std::move(entries));
    }
    const Json& items = Member(j, "items", pointer);
    if (!items.is_array()) Fail(pointer + "/items", "expected an array");
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string p = pointer + "/items/" + std::to_string(i);
      if (!items[i].is_array() || items[i].size() != 2) Fail(p, "expected a [key, value] pair");
      entries.emplace_back(ValueFromJson(items[i][0], p + "/0"),
                           ValueFromJson(items[i][1], p + "/1"));
    }
    return Value::Dict(std::move(entries));
  }
  if (kind == "timedelta") return Value::Timedelta(IntMember(j, "microseconds", pointer));
  if (kind == "datetime") {
    const std::string iso = StringMember(j, "iso", pointer);
    Datetime d;
    int consumed = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &d.year, &d.month, &d.day, &d.hour,
                    &d.minute, &d.second, &consumed) != 6) {
      Fail(pointer + "/iso", "expected YYYY-MM-DDTHH:MM:SS[.ffffff], got " + iso);
    }
    if (static_cast<size_t>(consumed) < iso.size() &&
        std::sscanf(iso.c_str() + consumed, ".%6d", &d.microsecond) != 1) {
      Fail(pointer + "/iso", "bad fraction in " + iso);
    }
    if (auto tz = j.find("timezone"); tz != j.end() && tz->is_string())
      d.timezone = tz->get<std::string>();
    return Value::MakeDatetime(std::move(d));
  }
  if (kind == "callable") {
    CallableRef c{StringMember(j, "name", pointer), "", {}};
    if (auto f = j.find("file"); f != j.end() && f->is_string()) c.file = f->get<std::string>();
    if (auto s = j.find("source"); s != j.end()) c.where = RangeFromJson(*s, pointer + "/source");
    return Value::Callable(std::move(c));
  }
  if (kind == "unresolved") {
    return Value::MakeUnresolved(StringMember(j, "source", pointer),
                                 StringMember(j, "reason", pointer));
  }
  Fail(pointer + "/kind", "unknown value kind \"" + kind + "\"");
}

void WriteRange(JsonWriter& w, const SourceRange& r) {
  w.BeginObject();
  w.Member("line", r.line);
  w.Member("column", r.column);
  w.Member("end_line", r.end_line);
  w.Member("end_column", r.end_column);
  w.EndObject();
}

Json RangeToJson(const SourceRange& r) {
  std::string text;
  JsonWriter w(text);
  WriteRange(w, r);
  return Json::parse(text);
}

SourceRange RangeFromJson(const Json& j, const std::string& pointer) {
  if (!j.is_object()) Fail(pointer, "expected a source range object");
  auto get = [&](const char* key) -> uint32_t {
    auto it = j.find(key);
    if (it == j.end()) return 0;
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0)) {
      Fail(pointer + "/" + key, "expected a non-negative integer");
    }
    return it->get<uint32_t>();
  };
  return SourceRange{get("line"), get("column"), get("end_line"), get("end_column")};
}

}  // namespace dagport::ir
