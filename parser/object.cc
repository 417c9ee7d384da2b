#include "parser/object.h"

#include <fmt/format.h>

#include <cmath>

#include "parser/airflow_objects.h"
#include "parser/scope.h"

namespace dagport::parser {

namespace {

thread_local Heap* current_heap = nullptr;

Val Make(Kind kind) {
  Obj* o = CurrentHeap().Make<Obj>();
  o->kind = kind;
  return o;
}

bool IsTemplateText(std::string_view s) {
  return s.find("{{") != std::string_view::npos || s.find("{%") != std::string_view::npos;
}

}  // namespace

Heap::~Heap() {
  for (HeapItem* item : items_) item->~HeapItem();
}

HeapScope::HeapScope(Heap& heap) : previous_(current_heap) {
  current_heap = &heap;
}
HeapScope::~HeapScope() {
  current_heap = previous_;
}

Heap& CurrentHeap() {
  if (current_heap == nullptr) throw std::logic_error("no Heap installed on this thread");
  return *current_heap;
}

const Val* ClassInfo::FindAttribute(std::string_view attribute) const {
  for (const auto& [k, v] : attributes) {
    if (k == attribute) return &v;
  }
  for (const Val& base : bases) {
    if (Is(base, Kind::kClass)) {
      if (const Val* v = base->cls->FindAttribute(attribute)) return v;
    }
  }
  return nullptr;
}

Val None() {
  static Obj none;  // immutable, shared by every heap and thread
  return &none;
}

Val Bool(bool b) {
  static Obj values[2] = {[] {
                            Obj o;
                            o.kind = Kind::kBool;
                            o.i = 0;
                            return o;
                          }(),
                          [] {
                            Obj o;
                            o.kind = Kind::kBool;
                            o.i = 1;
                            return o;
                          }()};
  return &values[b ? 1 : 0];
}

Val Int(int64_t i) {
  Val v = Make(Kind::kInt);
  v->i = i;
  return v;
}

Val Float(double f) {
  Val v = Make(Kind::kFloat);
  v->f = f;
  return v;
}

Val Str(std::string s) {
  Val v = Make(Kind::kStr);
  CurrentHeap().AddText(s.size());
  v->text = std::move(s);
  return v;
}

Val List(std::vector<Val> items) {
  Val v = Make(Kind::kList);
  v->items = std::move(items);
  return v;
}

Val Tuple(std::vector<Val> items) {
  Val v = Make(Kind::kTuple);
  v->items = std::move(items);
  return v;
}

Val Set(const std::vector<Val>& items) {
  Val v = Make(Kind::kSet);
  for (const Val& item : items) {
    bool present = false;
    for (const Val& existing : v->items) present = present || Equal(existing, item).value_or(false);
    if (!present) v->items.push_back(item);
  }
  return v;
}

Val Dict(const std::vector<std::pair<Val, Val>>& entries) {
  Val v = Make(Kind::kDict);
  for (const auto& [k, x] : entries) DictSet(v, k, x);
  return v;
}

Val Timedelta(int64_t microseconds) {
  Val v = Make(Kind::kTimedelta);
  v->i = microseconds;
  return v;
}

const ir::Datetime& Obj::datetime() const {
  static const ir::Datetime kEpoch;
  return extra != nullptr ? extra->datetime : kEpoch;
}

const std::string& Obj::reason() const {
  static const std::string kNone;
  return extra != nullptr ? extra->reason : kNone;
}

Val Datetime(ir::Datetime dt) {
  Val v = Make(Kind::kDatetime);
  v->extra = CurrentHeap().Make<ObjExtra>();
  v->extra->datetime = std::move(dt);
  return v;
}

Val Date(ir::Datetime dt) {
  dt.hour = dt.minute = dt.second = dt.microsecond = 0;
  Val v = Datetime(std::move(dt));
  v->extra->date_only = true;
  return v;
}

bool IsDate(const Val& v) {
  return Is(v, Kind::kDatetime) && v->extra != nullptr && v->extra->date_only;
}

Val External(std::string dotted_path) {
  Val v = Make(Kind::kExternal);
  v->text = std::move(dotted_path);
  return v;
}

Val Builtin(std::string name) {
  Val v = Make(Kind::kBuiltin);
  v->text = std::move(name);
  return v;
}

Val BoundMethod(Val receiver, std::string name) {
  Val v = Make(Kind::kBoundMethod);
  v->receiver = receiver;
  v->text = std::move(name);
  return v;
}

Val Unresolved(std::string source, std::string reason) {
  Val v = Make(Kind::kUnresolved);
  v->text = std::move(source);
  v->extra = CurrentHeap().Make<ObjExtra>();
  v->extra->reason = std::move(reason);
  return v;
}

bool IsUnresolved(const Val& v) {
  return v == nullptr || v->kind == Kind::kUnresolved;
}

bool IsNumber(const Val& v) {
  return Is(v, Kind::kInt) || Is(v, Kind::kFloat) || Is(v, Kind::kBool);
}

double AsDouble(const Val& v) {
  return v->kind == Kind::kFloat ? v->f : static_cast<double>(v->i);
}

std::optional<bool> Truth(const Val& v) {
  if (v->maybe_changed) return std::nullopt;
  switch (v->kind) {
    case Kind::kNone: return false;
    case Kind::kBool:
    case Kind::kInt:
    case Kind::kTimedelta: return v->i != 0;
    case Kind::kFloat: return v->f != 0.0;
    case Kind::kStr: return !v->text.empty();
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSet: return !v->items.empty();
    case Kind::kDict: return !v->entries.empty();
    case Kind::kUnresolved:
    case Kind::kExternal:
    case Kind::kInstance: return std::nullopt;
    default: return true;
  }
}

std::optional<bool> Equal(const Val& a, const Val& b) {
  if (a == b) return true;
  if (IsUnresolved(a) || IsUnresolved(b) || Is(a, Kind::kExternal) || Is(b, Kind::kExternal)) {
    return std::nullopt;
  }
  if (IsNumber(a) && IsNumber(b)) {
    if (a->kind != Kind::kFloat && b->kind != Kind::kFloat) return a->i == b->i;
    return AsDouble(a) == AsDouble(b);
  }
  const bool a_seq = Is(a, Kind::kList) || Is(a, Kind::kTuple);
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case Kind::kNone: return true;
    case Kind::kStr: return a->text == b->text;
    case Kind::kTimedelta: return a->i == b->i;
    case Kind::kDatetime: return a->datetime() == b->datetime();
    case Kind::kDict: {
      if (a->entries.size() != b->entries.size()) return false;
      for (const auto& [k, v] : a->entries) {
        Val* other = DictFind(b, k);
        if (other == nullptr) return false;
        auto e = Equal(v, *other);
        if (!e || !*e) return e;
      }
      return true;
    }
    case Kind::kSet:
    case Kind::kList:
    case Kind::kTuple: {
      (void)a_seq;
      if (a->items.size() != b->items.size()) return false;
      for (size_t i = 0; i < a->items.size(); ++i) {
        auto e = Equal(a->items[i], b->items[i]);
        if (!e || !*e) return e;
      }
      return true;
    }
    case Kind::kExternal: return a->text == b->text;
    default: return false;  // identity already compared
  }
}

namespace {

/// str(timedelta): "[-]D day[s], H:MM:SS[.ffffff]", days floored as Python normalises them.
std::string TimedeltaText(int64_t micros) {
  constexpr int64_t kDay = 86'400'000'000LL;
  int64_t days = micros / kDay, rest = micros % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  const int64_t seconds = rest / 1'000'000, us = rest % 1'000'000;
  std::string s = fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (days != 0) s = fmt::format("{} day{}, ", days, days == 1 || days == -1 ? "" : "s") + s;
  if (us != 0) s += fmt::format(".{:06}", us);
  return s;
}

}  // namespace

std::optional<std::string> ToStr(const Val& v) {
  switch (v->kind) {
    case Kind::kStr: return v->text;
    case Kind::kNone: return std::string("None");
    case Kind::kBool: return std::string(v->i ? "True" : "False");
    case Kind::kInt: return std::to_string(v->i);
    case Kind::kFloat:
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kDict:
    case Kind::kSet: return Repr(v);
    case Kind::kTimedelta: return TimedeltaText(v->i);
    case Kind::kDatetime: {
      std::string s = v->datetime().Iso();
      if (IsDate(v)) return s.substr(0, 10);
      s[10] = ' ';
      if (v->datetime().timezone == "UTC") s += "+00:00";
      return s;
    }
    case Kind::kTask:
      return fmt::format("<Task({}): {}>",
                         v->task->operator_class.substr(v->task->operator_class.rfind('.') + 1),
                         v->task->task_id);
    case Kind::kDag: return fmt::format("<DAG: {}>", v->dag->dag_id);
    case Kind::kExternal:
      if (v->text.starts_with("path:")) return v->text.substr(5);  // a pathlib.Path
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<std::string> Repr(const Val& v) {
  switch (v->kind) {
    case Kind::kStr: return ir::Value::String(v->text).ToPython();
    case Kind::kFloat: return ir::Value::Float(v->f).ToPython();
    case Kind::kTimedelta: return "datetime." + ir::Value::Timedelta(v->i).ToPython();
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSet: {
      std::vector<std::string> parts;
      for (const Val& item : v->items) {
        auto r = Repr(item);
        if (!r) return std::nullopt;
        parts.push_back(*r);
      }
      if (v->kind == Kind::kList) return fmt::format("[{}]", fmt::join(parts, ", "));
      if (v->kind == Kind::kSet)
        return parts.empty() ? "set()" : fmt::format("{{{}}}", fmt::join(parts, ", "));
      if (parts.size() == 1) return fmt::format("({},)", parts[0]);
      return fmt::format("({})", fmt::join(parts, ", "));
    }
    case Kind::kDict: {
      std::vector<std::string> parts;
      for (const auto& [k, x] : v->entries) {
        auto rk = Repr(k);
        auto rx = Repr(x);
        if (!rk || !rx) return std::nullopt;
        parts.push_back(*rk + ": " + *rx);
      }
      return fmt::format("{{{}}}", fmt::join(parts, ", "));
    }
    default: return ToStr(v);
  }
}

std::string_view TypeName(const Val& v) {
  switch (v->kind) {
    case Kind::kNone: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kStr: return "str";
    case Kind::kList: return "list";
    case Kind::kTuple: return "tuple";
    case Kind::kDict: return "dict";
    case Kind::kSet: return "set";
    case Kind::kTimedelta: return "timedelta";
    case Kind::kDatetime: return "datetime";
    case Kind::kFunction: return "function";
    case Kind::kBuiltin: return "builtin";
    case Kind::kClass: return "class";
    case Kind::kInstance: return "object";
    case Kind::kModule: return "module";
    case Kind::kExternal: return "external name";
    case Kind::kDag: return "DAG";
    case Kind::kTask: return "task";
    case Kind::kTaskGroup: return "TaskGroup";
    case Kind::kBoundMethod: return "method";
    case Kind::kUnresolved: return "unresolved";
  }
  return "object";
}

Val* DictFind(const Val& dict, const Val& key) {
  if (!Is(dict, Kind::kDict) && !Is(dict, Kind::kInstance)) return nullptr;
  for (auto& [k, v] : dict->entries) {
    if (Equal(k, key).value_or(false)) return &v;
  }
  return nullptr;
}

Val* DictFindStr(const Val& dict, std::string_view key) {
  if (!Is(dict, Kind::kDict) && !Is(dict, Kind::kInstance)) return nullptr;
  for (auto& [k, v] : dict->entries) {
    if (k->kind == Kind::kStr && k->text == key) return &v;
  }
  return nullptr;
}

void DictSet(const Val& dict, const Val& key, Val value) {
  if (Val* existing = DictFind(dict, key)) {
    *existing = value;
  } else {
    dict->entries.emplace_back(key, value);
  }
}

ir::Value ToIrValue(const Val& v) {
  switch (v->kind) {
    case Kind::kNone: return ir::Value::None();
    case Kind::kBool: return ir::Value::Bool(v->i != 0);
    case Kind::kInt: return ir::Value::Int(v->i);
    case Kind::kFloat: return ir::Value::Float(v->f);
    case Kind::kStr:
      return IsTemplateText(v->text) ? ir::Value::Template(v->text) : ir::Value::String(v->text);
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSet: {
      ir::Value::Items items;
      items.reserve(v->items.size());
      for (const Val& item : v->items) items.push_back(ToIrValue(item));
      return v->kind == Kind::kTuple ? ir::Value::Tuple(std::move(items))
                                     : ir::Value::List(std::move(items));
    }
    case Kind::kDict: {
      ir::Value::Entries entries;
      for (const auto& [k, x] : v->entries) entries.emplace_back(ToIrValue(k), ToIrValue(x));
      return ir::Value::Dict(std::move(entries));
    }
    case Kind::kTimedelta: return ir::Value::Timedelta(v->i);
    case Kind::kDatetime: return ir::Value::MakeDatetime(v->datetime());
    case Kind::kFunction: {
      const FunctionInfo& f = *v->function;
      std::string file = f.module != nullptr ? f.module->path : "";
      ir::SourceRange where;
      if (f.module != nullptr && f.module->tree != nullptr) where = f.module->tree->Range(f.node);
      return ir::Value::Callable({f.name, std::move(file), where});
    }
    case Kind::kBoundMethod: return ir::Value::Callable({v->text, "", {}});
    case Kind::kTask: return ir::Value::String(v->task->task_id);
    case Kind::kDag: return ir::Value::String(v->dag->dag_id);
    case Kind::kTaskGroup: return ir::Value::String(v->group->group_id);
    case Kind::kClass: return ir::Value::Callable({v->cls->path, "", {}});
    case Kind::kExternal:
      return ir::Value::MakeUnresolved(v->text, "name from a module dagport does not analyse");
    case Kind::kUnresolved: return ir::Value::MakeUnresolved(v->text, v->reason());
    default:
      return ir::Value::MakeUnresolved(std::string(TypeName(v)), "value with no static form");
  }
}

}  // namespace dagport::parser
