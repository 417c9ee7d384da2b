#include "parser/builtin_objects.h"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <utility>

#include "parser/operations.h"

namespace dagport::parser {

namespace {

/// isinstance(v, t) for one type `t` of Python's builtins; nullopt when not statically known.
std::optional<bool> IsInstance(const Val& v, const Val& t) {
  if (!Is(t, Kind::kBuiltin) || IsUnresolved(v) || Is(v, Kind::kExternal) || Is(v, Kind::kInstance))
    return std::nullopt;
  static const std::array<std::pair<std::string_view, Kind>, 7> kTypes = {{{"str", Kind::kStr},
                                                                           {"int", Kind::kInt},
                                                                           {"float", Kind::kFloat},
                                                                           {"list", Kind::kList},
                                                                           {"dict", Kind::kDict},
                                                                           {"tuple", Kind::kTuple},
                                                                           {"bool", Kind::kBool}}};
  for (const auto& [tn, k] : kTypes) {
    if (t->text == tn) return v->kind == k || (tn == "int" && v->kind == Kind::kBool);
  }
  return std::nullopt;
}

}  // namespace

Val CallObjectBuiltin(Evaluator& ev, const std::string& name, CallArgs& args, TSNode node,
                      Frame& frame) {
  const std::vector<Val>& a = args.positional;
  auto unknown = [&](std::string_view why) { return ev.Unknown(node, frame, std::string(why)); };
  if (name == "isinstance" && a.size() == 2) {
    // A tuple of types: any of them.
    const std::vector<Val> types = Is(a[1], Kind::kTuple) ? a[1]->items : std::vector<Val>{a[1]};
    bool any = false;
    for (const Val& t : types) {
      const std::optional<bool> r = IsInstance(a[0], t);
      if (!r) return unknown("isinstance() not statically known");
      any = any || *r;
    }
    return Bool(any);
  }
  if (name == "callable" && a.size() == 1) {
    switch (a[0]->kind) {
      case Kind::kFunction:
      case Kind::kClass:
      case Kind::kBoundMethod:
      case Kind::kBuiltin: return Bool(true);
      case Kind::kNone:
      case Kind::kBool:
      case Kind::kInt:
      case Kind::kFloat:
      case Kind::kStr:
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kDict:
      case Kind::kSet:
      case Kind::kTimedelta:
      case Kind::kDatetime:
      case Kind::kDag:
      case Kind::kTask: return Bool(false);
      default: return unknown("callable() not statically known");
    }
  }
  if (name == "getattr" && a.size() >= 2 && Is(a[1], Kind::kStr)) {
    Val r = GetAttribute(ev, a[0], a[1]->text, node, frame);
    if (IsUnresolved(r) && a.size() == 3) return a[2];
    return r;
  }
  if (name == "hasattr" && a.size() == 2 && Is(a[1], Kind::kStr)) {
    if (Is(a[0], Kind::kModule)) return Bool(a[0]->module->globals->Find(a[1]->text) != nullptr);
    // DAGs and operators have every attribute Airflow code tests for (doc_md, catchup, ...).
    if (Is(a[0], Kind::kDag) || Is(a[0], Kind::kTask)) return Bool(true);
    return unknown("hasattr()");
  }
  if (name == "setattr" && a.size() == 3 && Is(a[1], Kind::kStr)) {
    SetAttribute(ev, a[0], a[1]->text, a[2], node, frame);
    return None();
  }
  if (name == "super") {
    // super() in a method, or super(Class, self): attribute lookups start at the next class
    // of the analysed code and bind to self.
    ClassInfo* from = nullptr;
    Val self = nullptr;
    if (a.size() == 2 && Is(a[0], Kind::kClass)) {
      from = a[0]->cls;
      self = a[1];
    } else if (a.empty() && frame.function != nullptr) {
      from = frame.function->owner;
      self = frame.self;
    }
    if (from != nullptr && self != nullptr) {
      for (const Val& base : from->bases) {
        if (!Is(base, Kind::kClass)) continue;
        Val proxy = CurrentHeap().Make<Obj>();
        proxy->kind = Kind::kInstance;
        proxy->cls = base->cls;
        proxy->receiver = self;
        return proxy;
      }
      // The next class is Airflow's operator: its __init__ builds the task being instantiated.
      if (!ev.pending_operators.empty() && ev.pending_operators.back().self == self)
        return Builtin(std::string(kOperatorSuper));
    }
    return unknown("super() of a class dagport does not analyse");
  }
  if (name == "object") {
    Val v = CurrentHeap().Make<Obj>();
    v->kind = Kind::kInstance;
    return v;
  }
  return nullptr;
}

}  // namespace dagport::parser
