// Python's builtin functions, as far as DAG files use them to compute ids, lists and dicts.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "parser/airflow_model.h"
#include "parser/builtin_objects.h"
#include "parser/operations.h"
#include "parser/python_literals.h"

namespace dagport::parser {

namespace {

constexpr std::array kBuiltins = {
    // every name of Python 3.11's builtins module
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "__name__",
    "__file__",
    "__doc__",
    "__builtins__",
    "__spec__",
    "__loader__",
    "__package__",
    "__debug__",
    "__import__",
    "__build_class__"};

constexpr size_t kMaxRange = 1'000'000;

std::optional<std::vector<Val>> Items(Evaluator& ev, const Val& v, TSNode node, Frame& frame) {
  std::vector<Val> out;
  if (!ev.Iterate(v, out, node, frame)) return std::nullopt;
  return out;
}

/// A sort key comparison; false (and `ok` cleared) when values cannot be ordered statically.
bool Less(const Val& a, const Val& b, bool& ok) {
  std::optional<bool> r = Compare("<", a, b);
  if (!r) ok = false;
  return r.value_or(false);
}

}  // namespace

bool IsBuiltinName(std::string_view name) {
  return std::find(kBuiltins.begin(), kBuiltins.end(), name) != kBuiltins.end();
}

Val CallBuiltin(Evaluator& ev, const std::string& name, CallArgs& args, TSNode node, Frame& frame) {
  const std::vector<Val>& a = args.positional;
  auto unknown = [&](std::string_view why) { return ev.Unknown(node, frame, std::string(why)); };
  if (name.starts_with(kOperatorSuper)) {
    if (name != std::string(kOperatorSuper) + ".__init__" || ev.pending_operators.empty())
      return unknown("Airflow's operator base class, outside the __init__ that builds a task");
    // A copy: building the task may instantiate further operators (and grow the vector).
    const Evaluator::PendingOperator pending = ev.pending_operators.back();
    if (pending.task != nullptr) return None();
    // The task's arguments are the instantiation's, with what __init__ adds (its nodes are in
    // the class's module, not where the task is made).
    CallArgs merged = *pending.args;
    for (const auto& [keyword, value] : args.keywords) {
      if (merged.Keyword(keyword) != nullptr) continue;
      merged.keywords.emplace_back(keyword, value);
      merged.keyword_nodes.push_back(TSNode{});
    }
    Val task = CreateTask(ev, pending.operator_class, merged, pending.node, *pending.frame,
                          /*known_class=*/true);
    ev.pending_operators.back().task = task;
    return None();
  }
  for (const Val& v : a) {
    if (IsUnresolved(v) && name != "print" && name != "isinstance" && name != "getattr") {
      return ev.Unknown(node, frame, v->reason());
    }
  }
  if (name == "range") {
    int64_t start = 0, stop = 0, step = 1;
    for (const Val& v : a) {
      if (!Is(v, Kind::kInt)) return unknown("range() of values not statically known");
    }
    if (a.size() == 1) stop = a[0]->i;
    if (a.size() >= 2) {
      start = a[0]->i;
      stop = a[1]->i;
    }
    if (a.size() == 3) step = a[2]->i;
    if (step == 0 || a.empty()) return unknown("range() arguments");
    std::vector<Val> items;
    for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
      if (items.size() >= kMaxRange) return unknown("range() too long to unroll");
      items.push_back(Int(i));
      if (__builtin_add_overflow(i, step, &i)) break;  // past stop, which is an int64 too
    }
    return List(std::move(items));
  }
  if (name == "len") {
    if (a.size() != 1 || a[0]->maybe_changed) return unknown("len()");
    if (Is(a[0], Kind::kStr)) {  // code points: the bytes that do not continue a UTF-8 one
      const std::string& s = a[0]->text;
      return Int(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      }));
    }
    if (Is(a[0], Kind::kDict)) return Int(static_cast<int64_t>(a[0]->entries.size()));
    if (Is(a[0], Kind::kList) || Is(a[0], Kind::kTuple) || Is(a[0], Kind::kSet)) {
      return Int(static_cast<int64_t>(a[0]->items.size()));
    }
    return unknown("len() of a value not statically known");
  }
  if (name == "str") {
    if (a.empty()) return Str("");
    if (auto s = ToStr(a[0])) return Str(*s);
    return unknown("str() of a value not statically known");
  }
  if (name == "repr") {
    if (auto s = a.empty() ? std::nullopt : Repr(a[0])) return Str(*s);
    return unknown("repr()");
  }
  if (name == "format") {
    if (a.empty()) return unknown("format()");
    std::string spec = a.size() > 1 && Is(a[1], Kind::kStr) ? a[1]->text : "";
    if (auto s = FormatWithSpec(a[0], spec)) return Str(*s);
    return unknown("format()");
  }
  if (name == "int") {
    if (a.empty()) return Int(0);
    if (Is(a[0], Kind::kInt) || Is(a[0], Kind::kBool)) return Int(a[0]->i);
    if (Is(a[0], Kind::kFloat)) {
      if (!(a[0]->f > -9.2e18 && a[0]->f < 9.2e18))  // inf, nan, or beyond 64 bits
        return unknown("int() of a float beyond 64-bit integers");
      return Int(static_cast<int64_t>(a[0]->f));
    }
    if (Is(a[0], Kind::kStr)) {
      try {
        size_t used = 0;
        const int base = a.size() > 1 && Is(a[1], Kind::kInt) ? static_cast<int>(a[1]->i) : 10;
        int64_t v = std::stoll(a[0]->text, &used, base);
        return Int(v);
      } catch (...) {
        return unknown("int() of a string that is not a number (ValueError)");
      }
    }
    return unknown("int()");
  }
  if (name == "float") {
    if (a.empty()) return Float(0);
    if (IsNumber(a[0])) return Float(AsDouble(a[0]));
    if (Is(a[0], Kind::kStr)) {
      try {
        return Float(std::stod(a[0]->text));
      } catch (...) {
        return unknown("float() of a string that is not a number");
      }
    }
    return unknown("float()");
  }
  if (name == "bool") {
    if (a.empty()) return Bool(false);
    if (auto t = Truth(a[0])) return Bool(*t);
    return unknown("bool()");
  }
  if (name == "list" || name == "tuple" || name == "set" || name == "frozenset" ||
      name == "sorted" || name == "reversed") {
    std::vector<Val> items;
    if (!a.empty()) {
      auto it = Items(ev, a[0], node, frame);
      if (!it) return unknown(fmt::format("{}() of a value not statically known", name));
      items = std::move(*it);
    }
    if (name == "list") return List(std::move(items));
    if (name == "tuple") return Tuple(std::move(items));
    if (name == "set" || name == "frozenset") return Set(items);
    if (name == "reversed") {
      std::reverse(items.begin(), items.end());
      return List(std::move(items));
    }
    // sorted(iterable, key=None, reverse=False)
    const Val* key = args.Keyword("key");
    std::vector<std::pair<Val, Val>> keyed;
    for (const Val& item : items) {
      Val k = item;
      if (key != nullptr && !Is(*key, Kind::kNone)) {
        CallArgs key_args;
        key_args.positional = {item};
        key_args.positional_nodes = {TSNode{}};
        k = ev.Call(*key, key_args, node, frame);
      }
      keyed.emplace_back(k, item);
    }
    bool ok = true;
    const Val* rev = args.Keyword("reverse");
    const bool reverse = rev != nullptr && Truth(*rev).value_or(false);
    // Python's sort is stable in both directions: equal keys keep their order when reversed.
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
      return reverse ? Less(y.first, x.first, ok) : Less(x.first, y.first, ok);
    });
    if (!ok) return unknown("sorted() of values that cannot be ordered statically");
    items.clear();
    for (auto& [k, v] : keyed) items.push_back(v);
    return List(std::move(items));
  }
  if (name == "dict") {
    Val d = Dict();
    if (!a.empty()) {
      if (Is(a[0], Kind::kDict)) {
        for (auto& [k, v] : a[0]->entries) DictSet(d, k, v);
      } else {
        auto pairs = Items(ev, a[0], node, frame);
        if (!pairs) return unknown("dict() of a value not statically known");
        for (const Val& p : *pairs) {
          std::vector<Val> kv;
          if (!ev.Iterate(p, kv, node, frame) || kv.size() != 2)
            return unknown("dict() of pairs not statically known");
          DictSet(d, kv[0], kv[1]);
        }
      }
    }
    for (auto& [k, v] : args.keywords) {
      if (k == "**") return unknown("dict() with keywords not statically known");
      DictSet(d, Str(k), v);
    }
    return d;
  }
  if (name == "enumerate") {
    if (a.empty()) return unknown("enumerate()");
    auto items = Items(ev, a[0], node, frame);
    if (!items) return unknown("enumerate() of a value not statically known");
    int64_t start = 0;
    if (a.size() > 1 && Is(a[1], Kind::kInt)) start = a[1]->i;
    if (const Val* s = args.Keyword("start"); s != nullptr && Is(*s, Kind::kInt)) start = (*s)->i;
    std::vector<Val> out;
    for (const Val& item : *items) out.push_back(Tuple({Int(start++), item}));
    return List(std::move(out));
  }
  if (name == "zip") {
    std::vector<std::vector<Val>> lists;
    for (const Val& v : a) {
      auto items = Items(ev, v, node, frame);
      if (!items) return unknown("zip() of a value not statically known");
      lists.push_back(std::move(*items));
    }
    size_t n = lists.empty() ? 0 : lists[0].size();
    for (const auto& l : lists) n = std::min(n, l.size());
    std::vector<Val> out;
    for (size_t i = 0; i < n; ++i) {
      std::vector<Val> row;
      for (const auto& l : lists) row.push_back(l[i]);
      out.push_back(Tuple(std::move(row)));
    }
    return List(std::move(out));
  }
  if (name == "map" || name == "filter") {
    if (a.size() < 2 || (name == "filter" && a.size() != 2)) return unknown(name);
    // map over several iterables calls with one item of each, up to the shortest.
    std::vector<std::vector<Val>> iterables;
    for (size_t i = 1; i < a.size(); ++i) {
      auto items = Items(ev, a[i], node, frame);
      if (!items) return unknown(fmt::format("{}() of a value not statically known", name));
      iterables.push_back(std::move(*items));
    }
    size_t n = iterables[0].size();
    for (const auto& items : iterables) n = std::min(n, items.size());
    std::vector<Val> out;
    for (size_t k = 0; k < n; ++k) {
      const Val& item = iterables[0][k];
      Val r = item;
      if (!Is(a[0], Kind::kNone)) {
        CallArgs call;
        for (const auto& items : iterables) {
          call.positional.push_back(items[k]);
          call.positional_nodes.push_back(TSNode{});
        }
        r = ev.Call(a[0], call, node, frame);
      }
      if (name == "map") {
        out.push_back(r);
      } else {
        std::optional<bool> t = Truth(r);
        if (!t) return unknown("filter() condition not statically known");
        if (*t) out.push_back(item);
      }
    }
    return List(std::move(out));
  }
  if (name == "min" || name == "max" || name == "sum" || name == "any" || name == "all") {
    std::vector<Val> items;
    // sum(iterable, start): the second argument is the start value, not an item.
    if (a.size() == 1 || (name == "sum" && a.size() == 2)) {
      auto it = Items(ev, a[0], node, frame);
      if (!it) return unknown(fmt::format("{}() of a value not statically known", name));
      items = std::move(*it);
    } else {
      items = a;
    }
    if (name == "any" || name == "all") {
      for (const Val& v : items) {
        std::optional<bool> t = Truth(v);
        if (!t) return unknown(fmt::format("{}() of values not statically known", name));
        if (name == "any" && *t) return Bool(true);
        if (name == "all" && !*t) return Bool(false);
      }
      return Bool(name == "all");
    }
    if (name == "sum") {
      Val total = a.size() == 2 ? a[1] : Int(0);
      if (const Val* start = args.Keyword("start")) total = *start;
      for (const Val& v : items) total = BinaryOperation(ev, "+", total, v, node, frame);
      return total;
    }
    if (items.empty()) return unknown(fmt::format("{}() of an empty sequence (ValueError)", name));
    // key=: compare key(item); the first of equal items wins, as in Python.
    const Val* key = args.Keyword("key");
    auto key_of = [&](const Val& item) {
      if (key == nullptr || Is(*key, Kind::kNone)) return item;
      CallArgs key_args;
      key_args.positional = {item};
      key_args.positional_nodes = {TSNode{}};
      return ev.Call(*key, key_args, node, frame);
    };
    Val best = items[0];
    Val best_key = key_of(best);
    bool ok = true;
    for (size_t i = 1; i < items.size(); ++i) {
      Val k = key_of(items[i]);
      if (name == "min" ? Less(k, best_key, ok) : Less(best_key, k, ok)) {
        best = items[i];
        best_key = k;
      }
    }
    return ok ? best : unknown(fmt::format("{}() of values not statically known", name));
  }
  if (name == "divmod" && a.size() == 2 && IsNumber(a[0]) && IsNumber(a[1])) {
    Val q = BinaryOperation(ev, "//", a[0], a[1], node, frame);
    Val r = BinaryOperation(ev, "%", a[0], a[1], node, frame);
    if (!IsUnresolved(q) && !IsUnresolved(r)) return Tuple({q, r});
  }
  if (name == "abs" && a.size() == 1) {
    if (Is(a[0], Kind::kInt)) return Int(std::llabs(a[0]->i));
    if (Is(a[0], Kind::kFloat)) return Float(std::fabs(a[0]->f));
  }
  if (name == "round" && !a.empty() && IsNumber(a[0])) {
    // Python rounds half to even, a float on its exact binary value (round(2.675, 2) is 2.67),
    // and an int stays an int.
    if (a.size() == 1) {
      if (Is(a[0], Kind::kInt)) return a[0];
      return Int(static_cast<int64_t>(std::nearbyint(AsDouble(a[0]))));
    }
    if (Is(a[1], Kind::kInt)) {
      const int64_t digits = a[1]->i;
      if (Is(a[0], Kind::kInt)) {
        if (digits >= 0) return a[0];
        const double scale = std::pow(10.0, static_cast<double>(-digits));
        return Int(
            static_cast<int64_t>(std::nearbyint(static_cast<double>(a[0]->i) / scale) * scale));
      }
      const double x = AsDouble(a[0]);
      if (digits >= 0 && digits <= 300 && std::isfinite(x)) {
        char text[512];
        std::snprintf(text, sizeof text, "%.*f", static_cast<int>(digits), x);
        return Float(std::strtod(text, nullptr));
      }
      const double f = std::pow(10.0, static_cast<double>(digits));
      return Float(std::nearbyint(x * f) / f);
    }
  }
  if (name == "globals") return frame.module->self;
  if (name == "locals" || name == "vars") {
    if (name == "vars" && !a.empty()) return unknown("vars() of an object");
    if (!frame.is_function) return frame.module->self;
    Val d = Dict();
    for (const std::string& var : frame.scope->order) DictSet(d, Str(var), frame.scope->vars[var]);
    return d;
  }
  if (name == "open") {
    if (ev.on_library_call) {
      if (Val replaced = ev.on_library_call("open", args, node, frame)) return replaced;
    }
    // A handle json.load can read: configuration files beside DAGs drive many DAG factories.
    const std::string* mode = a.size() > 1 && Is(a[1], Kind::kStr) ? &a[1]->text : nullptr;
    if (!a.empty() && Is(a[0], Kind::kStr) && (mode == nullptr || *mode == "r" || *mode == "rt")) {
      return External("open:" + a[0]->text);
    }
    return unknown("open() of a path not statically known");
  }
  if (name == "pow" && (a.size() == 2 || a.size() == 3)) {
    if (a.size() == 2) return BinaryOperation(ev, "**", a[0], a[1], node, frame);
    if (Is(a[0], Kind::kInt) && Is(a[1], Kind::kInt) && Is(a[2], Kind::kInt) && a[1]->i >= 0 &&
        a[2]->i != 0) {
      // Modular: exact in 128 bits; the result takes the modulus's sign, as Python's %.
      __extension__ typedef __int128 Wide;
      const Wide m = a[2]->i;
      Wide base = a[0]->i % m, result = 1 % m;
      for (int64_t e = a[1]->i; e > 0; e >>= 1) {
        if (e & 1) result = result * base % m;
        base = base * base % m;
      }
      if (result != 0 && ((result < 0) != (m < 0))) result += m;
      return Int(static_cast<int64_t>(result));
    }
    return unknown("pow() not statically known");
  }
  if (Val v = CallObjectBuiltin(ev, name, args, node, frame)) return v;
  if (name == "chr" && a.size() == 1 && Is(a[0], Kind::kInt) && a[0]->i >= 0 &&
      a[0]->i < 0x110000) {
    std::string s;
    AppendUtf8(s, static_cast<uint32_t>(a[0]->i));
    return Str(std::move(s));
  }
  if (name == "ord" && a.size() == 1 && Is(a[0], Kind::kStr) && a[0]->text.size() == 1) {
    return Int(static_cast<unsigned char>(a[0]->text[0]));
  }
  if (name == "print") return None();
  if (name == "exec" || name == "eval") {
    frame.module->globals->unknown_names = true;  // it may bind any name
    return unknown(fmt::format("{}() of code dagport does not run", name));
  }
  return unknown(fmt::format("{}() not evaluated statically", name));
}

}  // namespace dagport::parser
