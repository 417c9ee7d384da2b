// Operators, attributes and subscripts on the evaluator's values.
#include "parser/operations.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ir/civil_time.h"
#include "parser/airflow_model.h"
#include "parser/module_loader.h"

namespace dagport::parser {

namespace {

bool IsSequence(const Val& v) {
  return Is(v, Kind::kList) || Is(v, Kind::kTuple);
}

bool IsTaskLike(const Val& v) {
  if (Is(v, Kind::kTask) || Is(v, Kind::kTaskGroup)) return true;
  if (IsSequence(v) || Is(v, Kind::kSet)) {
    for (const Val& item : v->items) {
      if (!Is(item, Kind::kTask) && !Is(item, Kind::kTaskGroup)) return false;
    }
    return !v->items.empty();
  }
  return false;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) {
  int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

/// `s * n`, as Python repeats strings; nullopt when longer than kMaxTextBytes.
std::optional<std::string> Repeat(const std::string& s, int64_t n) {
  std::string out;
  if (s.empty() || n <= 0) return out;  // at once, however large n is
  if (static_cast<uint64_t>(n) > kMaxTextBytes / s.size()) return std::nullopt;
  const size_t total = s.size() * static_cast<size_t>(n);
  out = s;
  out.reserve(total);  // so that appending out to itself reads memory that stays in place
  while (out.size() * 2 <= total) out.append(out.data(), out.size());
  out.append(out.data(), total - out.size());
  return out;
}

std::optional<int> ThreeWay(const Val& a, const Val& b) {
  if (IsNumber(a) && IsNumber(b)) {
    const double x = AsDouble(a), y = AsDouble(b);
    if (a->kind != Kind::kFloat && b->kind != Kind::kFloat)
      return a->i < b->i ? -1 : (a->i > b->i ? 1 : 0);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (Is(a, Kind::kStr) && Is(b, Kind::kStr))
    return a->text < b->text ? -1 : (a->text > b->text ? 1 : 0);
  if (Is(a, Kind::kTimedelta) && Is(b, Kind::kTimedelta))
    return a->i < b->i ? -1 : (a->i > b->i ? 1 : 0);
  if (Is(a, Kind::kDatetime) && Is(b, Kind::kDatetime)) {
    const int64_t x = ir::EpochMicros(a->datetime()), y = ir::EpochMicros(b->datetime());
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if ((IsSequence(a) && IsSequence(b)) && a->kind == b->kind) {
    for (size_t i = 0; i < a->items.size() && i < b->items.size(); ++i) {
      std::optional<int> c = ThreeWay(a->items[i], b->items[i]);
      if (!c) return std::nullopt;
      if (*c != 0) return c;
    }
    return a->items.size() < b->items.size() ? -1 : (a->items.size() > b->items.size() ? 1 : 0);
  }
  return std::nullopt;
}

/// Attributes of a pathlib.Path (held as an external "path:<text>").
Val PathAttribute(Evaluator& ev, const std::string& p, const std::string& name, TSNode node,
                  Frame& frame) {
  const size_t slash = p.rfind('/');
  const std::string base = slash == std::string::npos ? p : p.substr(slash + 1);
  const size_t dot = base.rfind('.');
  const bool has_suffix = dot != std::string::npos && dot > 0;
  if (name == "name") return Str(base);
  if (name == "stem") return Str(has_suffix ? base.substr(0, dot) : base);
  if (name == "suffix") return Str(has_suffix ? base.substr(dot) : "");
  if (name == "parent")
    return External("path:" + (slash == std::string::npos ? std::string(".") : p.substr(0, slash)));
  if (name == "as_posix" || name == "__str__") return BoundMethod(Str(p), "__str__");
  return ev.Unknown(node, frame, fmt::format("Path.{} not evaluated statically", name));
}

}  // namespace

void NoteMutation(const Evaluator& ev, const Val& container) {
  if (!ev.certain() && container != nullptr && container->kind != Kind::kNone &&
      container->kind != Kind::kBool) {
    container->maybe_changed = true;
  }
}

void NoteAppend(const Evaluator& ev, const Val& container) {
  if (!ev.certain() && Is(container, Kind::kList) && container->certain_items == SIZE_MAX) {
    container->certain_items = container->items.size();
  }
}

Val BinaryOperation(Evaluator& ev, const std::string& op, Val a, Val b, TSNode node, Frame& frame) {
  if (op == ">>" || op == "<<") {
    // `dag >> task` and `task << dag` assign the DAG to the task (BaseOperator.__rrshift__ and
    // __lshift__); `task >> dag` likewise (__rshift__).
    if ((Is(a, Kind::kDag) && Is(b, Kind::kTask)) || (Is(a, Kind::kTask) && Is(b, Kind::kDag))) {
      const Val& task = Is(a, Kind::kTask) ? a : b;
      const Val& dag = Is(a, Kind::kDag) ? a : b;
      SetAttribute(ev, task, "dag", dag, node, frame);
      return task;
    }
    if (IsTaskLike(a) || IsTaskLike(b)) {
      if (IsSequence(a) && IsSequence(b)) {
        ev.FailImportIfCertain("DP121", node, frame,
                               fmt::format("'{}' between two lists: Python raises TypeError", op),
                               "use cross_downstream() or a loop");
        return b;
      }
      if (op == ">>") {
        AddDependencies(ev, a, b, node, frame);
      } else {
        AddDependencies(ev, b, a, node, frame);
      }
      return b;
    }
    if (Is(a, Kind::kInt) && Is(b, Kind::kInt) && b->i >= 0 && b->i < 63) {
      if (op == ">>") return Int(a->i >> b->i);
      const int64_t shifted = static_cast<int64_t>(static_cast<uint64_t>(a->i) << b->i);
      if ((shifted >> b->i) == a->i) return Int(shifted);
      return ev.Unknown(node, frame, "an integer beyond 64 bits");
    }
    if (IsUnresolved(a) || IsUnresolved(b)) {
      // A dependency with one side unknown: keep what is known and say so.
      AddDependencies(ev, a, b, node, frame);
    }
    return ev.Unknown(node, frame, "operands not statically known");
  }
  if (IsUnresolved(a) || IsUnresolved(b)) {
    return ev.Unknown(node, frame, IsUnresolved(a) ? a->reason() : b->reason());
  }
  if (op == "/" && Is(a, Kind::kExternal) && a->text.starts_with("path:") && Is(b, Kind::kStr)) {
    return External(!b->text.empty() && b->text[0] == '/' ? "path:" + b->text
                                                          : a->text + "/" + b->text);
  }
  const bool ints =
      (Is(a, Kind::kInt) || Is(a, Kind::kBool)) && (Is(b, Kind::kInt) || Is(b, Kind::kBool));
  const bool numbers = IsNumber(a) && IsNumber(b);
  // Python's integers have no bound; dagport's are 64 bits, and what goes beyond is unknown.
  int64_t r = 0;
  auto beyond = [&] { return ev.Unknown(node, frame, "an integer beyond 64 bits"); };
  // A datetime moved by a timedelta, unknown beyond what 64-bit microseconds hold.
  // A date moves by whole days (Python drops the rest of the timedelta) and stays a date.
  const bool date = IsDate(a) || IsDate(b);
  auto moved = [&](const ir::Datetime& dt, int64_t micros) {
    if (date) micros -= micros % 86'400'000'000LL;
    int64_t total = 0;
    if (__builtin_add_overflow(ir::EpochMicros(dt), micros, &total)) return beyond();
    return date ? Date(ir::AddMicros(dt, micros)) : Datetime(ir::AddMicros(dt, micros));
  };
  if (op == "+") {
    if (ints) return __builtin_add_overflow(a->i, b->i, &r) ? beyond() : Int(r);
    if (numbers) return Float(AsDouble(a) + AsDouble(b));
    if (Is(a, Kind::kStr) && Is(b, Kind::kStr)) return Str(a->text + b->text);
    if (Is(a, Kind::kList) && Is(b, Kind::kList)) {
      std::vector<Val> items = a->items;
      items.insert(items.end(), b->items.begin(), b->items.end());
      return List(std::move(items));
    }
    if (Is(a, Kind::kTuple) && Is(b, Kind::kTuple)) {
      std::vector<Val> items = a->items;
      items.insert(items.end(), b->items.begin(), b->items.end());
      return Tuple(std::move(items));
    }
    if (Is(a, Kind::kTimedelta) && Is(b, Kind::kTimedelta))
      return __builtin_add_overflow(a->i, b->i, &r) ? beyond() : Timedelta(r);
    if (Is(a, Kind::kDatetime) && Is(b, Kind::kTimedelta)) return moved(a->datetime(), b->i);
    if (Is(a, Kind::kTimedelta) && Is(b, Kind::kDatetime)) return moved(b->datetime(), a->i);
  } else if (op == "-") {
    if (ints) return __builtin_sub_overflow(a->i, b->i, &r) ? beyond() : Int(r);
    if (numbers) return Float(AsDouble(a) - AsDouble(b));
    if (Is(a, Kind::kTimedelta) && Is(b, Kind::kTimedelta))
      return __builtin_sub_overflow(a->i, b->i, &r) ? beyond() : Timedelta(r);
    if (Is(a, Kind::kDatetime) && Is(b, Kind::kTimedelta))
      return __builtin_sub_overflow(int64_t{0}, b->i, &r) ? beyond() : moved(a->datetime(), r);
    if (Is(a, Kind::kDatetime) && Is(b, Kind::kDatetime)) {
      return Timedelta(ir::EpochMicros(a->datetime()) - ir::EpochMicros(b->datetime()));
    }
    if (Is(a, Kind::kSet) && Is(b, Kind::kSet)) {
      std::vector<Val> items;
      for (const Val& x : a->items) {
        bool in_b = false;
        for (const Val& y : b->items) in_b = in_b || Equal(x, y).value_or(false);
        if (!in_b) items.push_back(x);
      }
      return Set(items);
    }
  } else if (op == "*") {
    if (ints) return __builtin_mul_overflow(a->i, b->i, &r) ? beyond() : Int(r);
    if (numbers) return Float(AsDouble(a) * AsDouble(b));
    if (Is(a, Kind::kStr) != Is(b, Kind::kStr) && (Is(a, Kind::kInt) || Is(b, Kind::kInt))) {
      const Val& text = Is(a, Kind::kStr) ? a : b;
      if (auto repeated = Repeat(text->text, Is(a, Kind::kStr) ? b->i : a->i))
        return Str(std::move(*repeated));
      return ev.Unknown(node, frame, "a string longer than dagport builds (16 MiB)");
    }
    const int64_t size = static_cast<int64_t>(IsSequence(a) ? a->items.size() : 0);
    if (IsSequence(a) && Is(b, Kind::kInt) && b->i >= 0 &&
        (size == 0 || b->i <= 999'999 / size)) {  // at most 999,999 items
      std::vector<Val> items;
      for (int64_t i = 0; i < b->i && size > 0; ++i)
        items.insert(items.end(), a->items.begin(), a->items.end());
      return a->kind == Kind::kList ? List(std::move(items)) : Tuple(std::move(items));
    }
    if (Is(a, Kind::kTimedelta) && IsNumber(b))
      return Timedelta(static_cast<int64_t>(std::llround(a->i * AsDouble(b))));
    if (IsNumber(a) && Is(b, Kind::kTimedelta))
      return Timedelta(static_cast<int64_t>(std::llround(b->i * AsDouble(a))));
  } else if (op == "/") {
    if (numbers && AsDouble(b) != 0) return Float(AsDouble(a) / AsDouble(b));
    if (Is(a, Kind::kTimedelta) && IsNumber(b) && AsDouble(b) != 0) {
      return Timedelta(static_cast<int64_t>(std::llround(a->i / AsDouble(b))));
    }
    if (Is(a, Kind::kTimedelta) && Is(b, Kind::kTimedelta) && b->i != 0)
      return Float(static_cast<double>(a->i) / b->i);
  } else if (op == "//") {
    if (ints && b->i == -1) return __builtin_sub_overflow(int64_t{0}, a->i, &r) ? beyond() : Int(r);
    if (ints && b->i != 0) return Int(FloorDiv(a->i, b->i));
    if (numbers && AsDouble(b) != 0) return Float(std::floor(AsDouble(a) / AsDouble(b)));
  } else if (op == "%") {
    if (Is(a, Kind::kStr)) {
      if (std::optional<std::string> s = PercentFormat(a->text, b)) return Str(std::move(*s));
      return ev.Unknown(node, frame, "%-formatting dagport cannot evaluate");
    }
    if (ints && b->i == -1) return Int(0);  // INT64_MIN % -1 traps in C++
    if (ints && b->i != 0) return Int(FloorMod(a->i, b->i));
    if (numbers && AsDouble(b) != 0) {
      const double m = std::fmod(AsDouble(a), AsDouble(b));
      return Float(m != 0 && ((m < 0) != (AsDouble(b) < 0)) ? m + AsDouble(b) : m);
    }
  } else if (op == "**") {
    if (ints && b->i >= 0) {
      // An int: exact, or beyond 64 bits (never a float, as Python has no such limit).
      if (a->i == 0 || a->i == 1) return Int(b->i == 0 ? 1 : a->i);
      if (a->i == -1) return Int(b->i % 2 == 0 ? 1 : -1);
      if (b->i >= 64) return beyond();
      r = 1;
      for (int64_t i = 0; i < b->i; ++i)
        if (__builtin_mul_overflow(r, a->i, &r)) return beyond();
      return Int(r);
    }
    if (numbers) return Float(std::pow(AsDouble(a), AsDouble(b)));
  } else if (op == "&" || op == "|" || op == "^") {
    if (ints) return Int(op == "&" ? (a->i & b->i) : op == "|" ? (a->i | b->i) : (a->i ^ b->i));
    if (op == "|" && Is(a, Kind::kDict) && Is(b, Kind::kDict)) {
      Val d = Dict(a->entries);
      for (auto& [k, v] : b->entries) DictSet(d, k, v);
      return d;
    }
    if (op == "|" && Is(a, Kind::kSet) && Is(b, Kind::kSet)) {
      std::vector<Val> items = a->items;
      items.insert(items.end(), b->items.begin(), b->items.end());
      return Set(items);
    }
    if ((op == "&" || op == "^") && Is(a, Kind::kSet) && Is(b, Kind::kSet)) {
      // Intersection: a's items also in b; symmetric difference: those of each not in the other.
      auto in = [](const Val& set, const Val& x) -> std::optional<bool> {
        for (const Val& y : set->items) {
          std::optional<bool> eq = Equal(x, y);
          if (!eq) return std::nullopt;
          if (*eq) return true;
        }
        return false;
      };
      std::vector<Val> items;
      const size_t sides = op == "&" ? 1 : 2;
      for (size_t side = 0; side < sides; ++side) {
        const Val& from = side == 0 ? a : b;
        const Val& other = side == 0 ? b : a;
        for (const Val& x : from->items) {
          std::optional<bool> found = in(other, x);
          if (!found) return ev.Unknown(node, frame, "set items not statically comparable");
          if (*found == (op == "&")) items.push_back(x);
        }
      }
      return Set(items);
    }
  }
  return ev.Unknown(node, frame, fmt::format("'{}' of {} and {}", op, TypeName(a), TypeName(b)));
}

std::optional<bool> Compare(const std::string& op, const Val& a, const Val& b) {
  if (op == "is" || op == "is not") {
    std::optional<bool> same;
    if (Is(a, Kind::kNone) || Is(b, Kind::kNone) || Is(a, Kind::kBool) || Is(b, Kind::kBool)) {
      if (IsUnresolved(a) || IsUnresolved(b) || Is(a, Kind::kExternal) || Is(b, Kind::kExternal))
        return std::nullopt;
      same = a->kind == b->kind && a->i == b->i;
    } else if (IsUnresolved(a) || IsUnresolved(b)) {
      return std::nullopt;
    } else {
      same = a == b;
    }
    return op == "is" ? *same : !*same;
  }
  if (op == "in" || op == "not in") {
    if (b->maybe_changed) return std::nullopt;
    std::optional<bool> found;
    if (Is(b, Kind::kStr) && Is(a, Kind::kStr)) {
      found = b->text.find(a->text) != std::string::npos;
    } else if (IsSequence(b) || Is(b, Kind::kSet)) {
      found = false;
      for (const Val& item : b->items) {
        std::optional<bool> e = Equal(a, item);
        if (!e) return std::nullopt;
        if (*e) {
          found = true;
          break;
        }
      }
    } else if (Is(b, Kind::kDict)) {
      if (IsUnresolved(a)) return std::nullopt;
      found = DictFind(b, a) != nullptr;
    } else {
      return std::nullopt;
    }
    return op == "in" ? *found : !*found;
  }
  if (op == "==" || op == "!=" || op == "<>") {
    std::optional<bool> e = Equal(a, b);
    if (!e) return std::nullopt;
    return op == "==" ? *e : !*e;
  }
  std::optional<int> c = ThreeWay(a, b);
  if (!c) return std::nullopt;
  if (op == "<") return *c < 0;
  if (op == ">") return *c > 0;
  if (op == "<=") return *c <= 0;
  if (op == ">=") return *c >= 0;
  return std::nullopt;
}

Val GetAttribute(Evaluator& ev, Val obj, const std::string& name, TSNode node, Frame& frame) {
  if (Val v = AirflowAttribute(ev, obj, name, node, frame)) return v;
  // __name__ of classes and functions, whether analysed or imported from Airflow.
  if (name == "__name__") {
    if (Is(obj, Kind::kClass)) return Str(obj->cls->name);
    if (Is(obj, Kind::kFunction)) return Str(obj->function->name);
    if (Is(obj, Kind::kExternal) && !obj->text.starts_with("path:") &&
        !obj->text.starts_with("open:")) {
      return Str(obj->text.substr(obj->text.rfind('.') + 1));
    }
    if (Is(obj, Kind::kModule)) return Str(obj->module->name);
  }
  switch (obj->kind) {
    case Kind::kModule: {
      if (Val* v = obj->module->globals->Find(name)) return *v;
      // globals() is the module: globals().update(...) and globals().get(...) work on it.
      if (name == "update" || name == "get" || name == "setdefault") return BoundMethod(obj, name);
      if (Val sub = ImportSubmodule(ev, obj->module, name, node, frame)) return sub;
      return ev.Unknown(node, frame,
                        fmt::format("module '{}' has no attribute '{}'", obj->module->name, name));
    }
    case Kind::kExternal:
      if (obj->text.starts_with("path:"))
        return PathAttribute(ev, obj->text.substr(5), name, node, frame);
      return ResolveExternalName(ev, obj->text + "." + name, node, frame);
    case Kind::kClass: {
      if (const Val* v = obj->cls->FindAttribute(name)) {
        if (Is(*v, Kind::kFunction) && (*v)->function->binding == FunctionInfo::Binding::kClass) {
          Val m = BoundMethod(obj, name);
          m->function = (*v)->function;
          return m;
        }
        return *v;
      }
      return ev.Unknown(node, frame, fmt::format("class attribute '{}' not found", name));
    }
    case Kind::kInstance: {
      // A super() proxy has no attributes of its own and binds methods to the real object.
      const bool proxy = obj->receiver != nullptr;
      if (!proxy) {
        if (Val* v = DictFindStr(obj, name)) return *v;
      }
      if (obj->cls == nullptr)
        return ev.Unknown(node, frame, fmt::format("attribute '{}' of an object", name));
      if (const Val* v = obj->cls->FindAttribute(name)) {
        if (Is(*v, Kind::kFunction)) {
          FunctionInfo* fn = (*v)->function;
          if (fn->binding == FunctionInfo::Binding::kStatic) return *v;
          Val receiver = proxy ? obj->receiver : obj;
          if (fn->binding == FunctionInfo::Binding::kClass) {
            receiver = CurrentHeap().Make<Obj>();
            receiver->kind = Kind::kClass;
            receiver->cls = obj->cls;
          }
          Val m = BoundMethod(receiver, name);
          m->function = fn;
          if (fn->binding == FunctionInfo::Binding::kProperty) {
            CallArgs none;
            return ev.Call(m, none, node, frame);
          }
          return m;
        }
        return *v;
      }
      return ev.Unknown(node, frame, fmt::format("attribute '{}' not statically known", name));
    }
    case Kind::kTimedelta:
      if (name == "days") return Int(FloorDiv(obj->i, 86'400'000'000LL));
      if (name == "seconds") return Int(FloorMod(obj->i, 86'400'000'000LL) / 1'000'000);
      if (name == "microseconds") return Int(FloorMod(obj->i, 1'000'000));
      return BoundMethod(obj, name);
    case Kind::kDatetime:
      if (name == "year") return Int(obj->datetime().year);
      if (name == "month") return Int(obj->datetime().month);
      if (name == "day") return Int(obj->datetime().day);
      if (name == "hour") return Int(obj->datetime().hour);
      if (name == "minute") return Int(obj->datetime().minute);
      if (name == "second") return Int(obj->datetime().second);
      return BoundMethod(obj, name);
    case Kind::kStr:
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kDict:
    case Kind::kSet:
    case Kind::kInt:
    case Kind::kFloat: return BoundMethod(obj, name);
    case Kind::kBuiltin: return Builtin(obj->text + "." + name);
    case Kind::kUnresolved: return ev.Unknown(node, frame, obj->reason());
    default:
      return ev.Unknown(node, frame, fmt::format("attribute '{}' of a {}", name, TypeName(obj)));
  }
}

void SetAttribute(Evaluator& ev, Val obj, const std::string& name, Val value, TSNode node,
                  Frame& frame) {
  if (SetAirflowAttribute(ev, obj, name, value, node, frame)) return;
  if (Is(obj, Kind::kInstance)) {
    DictSet(obj, Str(name), value);
  } else if (Is(obj, Kind::kModule)) {
    obj->module->globals->Set(name, value);
  } else if (Is(obj, Kind::kClass)) {
    for (auto& [k, v] : obj->cls->attributes) {
      if (k == name) {
        v = value;
        return;
      }
    }
    obj->cls->attributes.emplace_back(name, value);
  }
}

Val Index(Evaluator& ev, Val obj, Val key, TSNode node, Frame& frame) {
  if (obj->maybe_changed)
    return ev.Unknown(node, frame, "item of a container changed by code that may not run");
  if (IsUnresolved(obj) || IsUnresolved(key)) {
    return ev.Unknown(node, frame, IsUnresolved(obj) ? obj->reason() : key->reason());
  }
  if ((IsSequence(obj) || Is(obj, Kind::kStr)) && (Is(key, Kind::kInt) || Is(key, Kind::kBool))) {
    if (Is(obj, Kind::kStr)) {
      std::vector<Val> chars;
      ev.Iterate(obj, chars, node, frame);
      const int64_t n = static_cast<int64_t>(chars.size());
      const int64_t i = key->i < 0 ? key->i + n : key->i;
      if (i >= 0 && i < n) return chars[i];
    } else {
      const int64_t n = static_cast<int64_t>(obj->items.size());
      const int64_t i = key->i < 0 ? key->i + n : key->i;
      if (i >= 0 && i < n) return obj->items[i];
    }
    if (ev.in_try()) ev.RaiseIfCertain(node, frame, "IndexError");
    return ev.Unknown(node, frame, "index out of range (IndexError)");
  }
  if (Is(obj, Kind::kDict)) {
    if (Val* v = DictFind(obj, key)) return *v;
    if (ev.in_try()) ev.RaiseIfCertain(node, frame, "KeyError");
    return ev.Unknown(node, frame, "key not in the dict (KeyError)");
  }
  if (Is(obj, Kind::kModule) && Is(key, Kind::kStr)) {
    if (Val* v = obj->module->globals->Find(key->text)) return *v;
  }
  if (Is(obj, Kind::kExternal))
    return ev.Unknown(node, frame, fmt::format("item of '{}'", obj->text));
  return ev.Unknown(node, frame, fmt::format("item of a {}", TypeName(obj)));
}

Val SliceOf(Evaluator& ev, Val obj, Val start, Val stop, Val step, TSNode node, Frame& frame) {
  std::vector<Val> items;
  const bool is_str = Is(obj, Kind::kStr);
  if (is_str) {
    ev.Iterate(obj, items, node, frame);
  } else if (IsSequence(obj)) {
    items = obj->items;
  } else {
    return ev.Unknown(node, frame, "slice of a value not statically known");
  }
  auto bound = [](const Val& v, std::optional<int64_t>& out) {
    if (Is(v, Kind::kNone)) return true;
    if (!Is(v, Kind::kInt)) return false;
    out = v->i;
    return true;
  };
  std::optional<int64_t> b, e, s;
  if (!bound(start, b) || !bound(stop, e) || !bound(step, s) || (s && *s == 0)) {
    return ev.Unknown(node, frame, "slice bounds not statically known");
  }
  const int64_t n = static_cast<int64_t>(items.size());
  const int64_t st = s.value_or(1);
  auto clamp = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = *v < 0 ? *v + n : *v;
    if (st > 0) return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  const int64_t from = clamp(b, st > 0 ? 0 : n - 1);
  const int64_t to = clamp(e, st > 0 ? n : -1);
  std::vector<Val> out;
  for (int64_t i = from; st > 0 ? i < to : i > to; i += st) out.push_back(items[i]);
  if (is_str) {
    std::string text;
    for (const Val& c : out) text += c->text;
    return Str(std::move(text));
  }
  return obj->kind == Kind::kList ? List(std::move(out)) : Tuple(std::move(out));
}

}  // namespace dagport::parser
