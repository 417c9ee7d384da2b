// Statements: the evaluator runs a module's statements in order, as Python does at import time.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "parser/evaluator.h"
#include "parser/module_loader.h"
#include "parser/operations.h"

namespace dagport::parser {

Evaluator::Evaluator(ModuleLoader& loader, EvaluationLimits limits)
    : loader_(loader), limits_(std::move(limits)) {}

void Evaluator::Step(TSNode node, const Frame& frame) {
  if (++steps_ > limits_.max_steps) {
    throw EvaluationBoundReached{fmt::format(
        "analysis stopped after {} steps at line {} of {}: the file computes more than dagport "
        "follows statically",
        limits_.max_steps, Range(node, frame).line, frame.module->path)};
  }
  // Every step: one step can double the longest string (`s = s + s`).
  if (CurrentHeap().text_bytes() > limits_.max_text_bytes) {
    throw EvaluationBoundReached{
        fmt::format("analysis stopped at line {} of {}: the file builds more than {} MiB of "
                    "strings",
                    Range(node, frame).line, frame.module->path, limits_.max_text_bytes >> 20)};
  }
  if ((steps_ & 0x3FF) == 0 && CurrentHeap().size() > limits_.max_objects) {
    throw EvaluationBoundReached{
        fmt::format("analysis stopped: more than {} values allocated", limits_.max_objects)};
  }
}

void Evaluator::RaiseIfCertain(TSNode node, const Frame& frame, std::string what) {
  if (uncertain_ > 0) return;
  throw PythonException{std::move(what), frame.module->path, Range(node, frame)};
}

void Evaluator::FailImportIfCertain(std::string_view code, TSNode node, const Frame& frame,
                                    std::string message, std::string hint) {
  if (uncertain_ > 0) {
    Report(code, node, frame, std::move(message), std::move(hint));
    return;
  }
  throw AirflowImportError{ir::MakeDiagnostic(code, frame.module->path, Range(node, frame),
                                              std::move(message), std::move(hint))};
}

void Evaluator::RunModule(ModuleState* module) {
  Frame frame;
  frame.scope = module->globals;
  frame.module = module;
  module->loading = true;
  try {
    ExecBlock(module->tree->root(), frame);
  } catch (...) {
    module->loading = false;
    throw;
  }
  module->loading = false;
}

Flow Evaluator::ExecBlock(TSNode block, Frame& frame) {
  for (TSNode stmt : NamedChildren(block)) {
    Flow flow = Exec(stmt, frame);
    if (flow != Flow::kNormal) return flow;
  }
  return Flow::kNormal;
}

Flow Evaluator::Exec(TSNode stmt, Frame& frame) {
  Step(stmt, frame);
  const std::string_view type = NodeType(stmt);
  if (type == "expression_statement") {
    for (TSNode e : NamedChildren(stmt)) {
      const std::string_view t = NodeType(e);
      if (t == "assignment") {
        ExecAssignment(e, frame);
      } else if (t == "augmented_assignment") {
        ExecAugmentedAssignment(e, frame);
      } else {
        Eval(e, frame);
      }
    }
    return Flow::kNormal;
  }
  if (type == "import_statement") {
    if (!ExecImport(stmt, frame)) RaiseIfCertain(stmt, frame, "ImportError");
    return Flow::kNormal;
  }
  if (type == "import_from_statement") {
    if (!ExecImportFrom(stmt, frame)) RaiseIfCertain(stmt, frame, "ImportError");
    return Flow::kNormal;
  }
  if (type == "function_definition") {
    ExecFunctionDef(stmt, frame, {});
    return Flow::kNormal;
  }
  if (type == "class_definition") {
    ExecClassDef(stmt, frame, {});
    return Flow::kNormal;
  }
  if (type == "decorated_definition") {
    std::vector<Val> decorators;
    for (TSNode d : NamedChildren(stmt)) {
      if (NodeType(d) == "decorator" && ts_node_named_child_count(d) > 0) {
        decorators.push_back(Eval(NamedChild(d, 0), frame));
      }
    }
    TSNode def = ChildByField(stmt, "definition");
    if (NodeType(def) == "function_definition") ExecFunctionDef(def, frame, decorators);
    if (NodeType(def) == "class_definition") ExecClassDef(def, frame, decorators);
    return Flow::kNormal;
  }
  if (type == "if_statement") return ExecIf(stmt, frame);
  if (type == "for_statement") return ExecFor(stmt, frame);
  if (type == "while_statement") return ExecWhile(stmt, frame);
  if (type == "with_statement") return ExecWith(stmt, frame);
  if (type == "try_statement") return ExecTry(stmt, frame);
  if (type == "return_statement") {
    Val value = ts_node_named_child_count(stmt) > 0 ? Eval(NamedChild(stmt, 0), frame) : None();
    if (uncertain_ > 0) {
      if (frame.maybe_return == nullptr) frame.maybe_return = value;
      return Flow::kNormal;
    }
    frame.return_value = value;
    return Flow::kReturn;
  }
  if (type == "break_statement") return uncertain_ > 0 ? Flow::kNormal : Flow::kBreak;
  if (type == "continue_statement") return uncertain_ > 0 ? Flow::kNormal : Flow::kContinue;
  if (type == "raise_statement") {
    RaiseIfCertain(stmt, frame, std::string(Text(stmt, frame).substr(0, 120)));
    return Flow::kNormal;
  }
  if (type == "nonlocal_statement") {
    for (TSNode name : NamedChildren(stmt))
      frame.scope->nonlocal_names.insert(std::string(Text(name, frame)));
    return Flow::kNormal;
  }
  if (type == "global_statement") {
    for (TSNode name : NamedChildren(stmt))
      frame.scope->global_names.insert(std::string(Text(name, frame)));
    return Flow::kNormal;
  }
  if (type == "delete_statement") {
    Delete(NamedChild(stmt, 0), frame);
    return Flow::kNormal;
  }
  // pass, assert, nonlocal, print/exec (Python 2, reported elsewhere), ERROR nodes, comments:
  // nothing to do at import time that changes the graph.
  return Flow::kNormal;
}

void Evaluator::ExecFunctionDef(TSNode node, Frame& frame, const std::vector<Val>& decorators) {
  auto* fn = CurrentHeap().Make<FunctionInfo>();
  fn->name = std::string(Text(ChildByField(node, "name"), frame));
  fn->node = node;
  fn->module = frame.module;
  fn->closure = frame.is_function ? frame.scope : nullptr;
  TSNode params = ChildByField(node, "parameters");
  const NodeList list = NamedChildren(params);
  fn->defaults.assign(list.size(), nullptr);
  for (size_t i = 0; i < list.size(); ++i) {
    const TSNode p = list[i];
    const std::string_view t = NodeType(p);
    if (t == "default_parameter" || t == "typed_default_parameter")
      fn->defaults[i] = Eval(ChildByField(p, "value"), frame);
  }
  Val v = CurrentHeap().Make<Obj>();
  v->kind = Kind::kFunction;
  v->function = fn;
  // These change how methods bind.
  for (const Val& d : decorators) {
    if (!Is(d, Kind::kBuiltin)) continue;
    if (d->text == "staticmethod") fn->binding = FunctionInfo::Binding::kStatic;
    if (d->text == "classmethod") fn->binding = FunctionInfo::Binding::kClass;
    if (d->text == "property") fn->binding = FunctionInfo::Binding::kProperty;
  }
  // Decorators of the analysed code are applied, innermost first, as Python does: the name is
  // bound to what they return (a wrapper that calls the function, the function itself after
  // registering it). Others are not: the undecorated function is what task factories call, and
  // Airflow's own (apply_defaults) and libraries' (retries, logging) keep the call's result.
  // A decorator whose result is not statically known leaves the function as it is.
  for (auto d = decorators.rbegin(); d != decorators.rend(); ++d) {
    if (!Is(*d, Kind::kFunction)) continue;
    CallArgs args;
    args.positional.push_back(v);
    args.positional_nodes.push_back(node);
    Val decorated = Call(*d, args, node, frame);
    if (decorated != nullptr && !IsUnresolved(decorated)) v = decorated;
  }
  Bind(fn->name, v, frame);
}

void Evaluator::ExecClassDef(TSNode node, Frame& frame, const std::vector<Val>& decorators) {
  (void)decorators;
  auto* cls = CurrentHeap().Make<ClassInfo>();
  cls->name = std::string(Text(ChildByField(node, "name"), frame));
  cls->path = frame.module->name.empty() ? cls->name : frame.module->name + "." + cls->name;
  cls->module = frame.module;
  cls->node = node;
  TSNode supers = ChildByField(node, "superclasses");
  if (!ts_node_is_null(supers)) {
    for (TSNode b : NamedChildren(supers)) {
      if (NodeType(b) == "keyword_argument") continue;  // metaclass=...
      cls->bases.push_back(Eval(b, frame));
    }
  }
  // The class body runs in a scope of its own; its names become class attributes.
  auto* body_scope = CurrentHeap().Make<Scope>();
  body_scope->module = frame.module;
  body_scope->enclosing = frame.is_function ? frame.scope : nullptr;
  Frame body_frame = frame;
  body_frame.scope = body_scope;
  body_frame.is_function = false;
  // Names in the class body resolve through the module, so use a scope chained to globals.
  ExecBlock(ChildByField(node, "body"), body_frame);
  for (const std::string& name : body_scope->order) {
    Val attribute = body_scope->vars[name];
    if (Is(attribute, Kind::kFunction) && attribute->function->owner == nullptr)
      attribute->function->owner = cls;
    cls->attributes.emplace_back(name, attribute);
  }
  Val v = CurrentHeap().Make<Obj>();
  v->kind = Kind::kClass;
  v->cls = cls;
  Bind(cls->name, v, frame);
}

void Evaluator::ExecAssignment(TSNode node, Frame& frame) {
  // `a = b = value` nests assignments on the right.
  std::vector<TSNode> targets{ChildByField(node, "left")};
  TSNode right = ChildByField(node, "right");
  while (!ts_node_is_null(right) && NodeType(right) == "assignment") {
    targets.push_back(ChildByField(right, "left"));
    right = ChildByField(right, "right");
  }
  if (ts_node_is_null(right)) return;  // annotation only: `x: int`
  Val value = Eval(right, frame);
  for (TSNode target : targets) Assign(target, value, frame);
}

void Evaluator::ExecAugmentedAssignment(TSNode node, Frame& frame) {
  TSNode left = ChildByField(node, "left");
  TSNode right = ChildByField(node, "right");
  Val current = Eval(left, frame);
  Val operand = Eval(right, frame);
  std::string_view op;
  for (TSNode c : Children(node)) {
    if (!ts_node_is_named(c)) op = NodeType(c);
  }
  // Lists extend and dicts update in place, so aliases see the change, as in Python.
  if (Is(current, Kind::kList) || Is(current, Kind::kDict)) NoteMutation(*this, current);
  if (op == "+=" && Is(current, Kind::kList)) {
    std::vector<Val> items;
    if (Iterate(operand, items, right, frame)) {
      current->items.insert(current->items.end(), items.begin(), items.end());
      return;
    }
  }
  if (op == "|=" && Is(current, Kind::kDict) && Is(operand, Kind::kDict)) {
    for (auto& [k, v] : operand->entries) DictSet(current, k, v);
    return;
  }
  Val result = BinaryOperation(*this, std::string(op.substr(0, op.size() - 1)), current, operand,
                               node, frame);
  Assign(left, result, frame);
}

bool Evaluator::SliceBounds(TSNode slice, size_t size, Frame& frame, int64_t& lo, int64_t& hi) {
  const std::array<Val, 3> parts = SliceParts(slice, frame);
  if (!Is(parts[2], Kind::kNone) && !(Is(parts[2], Kind::kInt) && parts[2]->i == 1)) return false;
  const int64_t n = static_cast<int64_t>(size);
  auto bound = [&](const Val& v, int64_t none, int64_t& out) {
    if (Is(v, Kind::kNone)) {
      out = none;
      return true;
    }
    if (!Is(v, Kind::kInt)) return false;
    out = v->i < 0 ? std::max<int64_t>(v->i + n, 0) : std::min(v->i, n);
    return true;
  };
  if (!bound(parts[0], 0, lo) || !bound(parts[1], n, hi)) return false;
  hi = std::max(hi, lo);
  return true;
}

void Evaluator::Delete(TSNode target, Frame& frame) {
  const std::string_view type = NodeType(target);
  if (type == "expression_list" || type == "tuple" || type == "list" ||
      type == "parenthesized_expression") {
    for (TSNode t : NamedChildren(target)) Delete(t, frame);  // del a, b / del (a, b)
    return;
  }
  if (type == "identifier") {
    const std::string name(Text(target, frame));
    Scope* scope = frame.scope;
    if (scope->global_names.contains(name)) scope = frame.module->globals;
    scope->Erase(name);
    return;
  }
  if (type != "subscript") return;  // an attribute: nothing the graph depends on
  Val obj = Eval(ChildByField(target, "value"), frame);
  if (TSNode sub = ChildByField(target, "subscript"); NodeType(sub) == "slice") {
    int64_t lo = 0, hi = 0;
    if (Is(obj, Kind::kList) && SliceBounds(sub, obj->items.size(), frame, lo, hi))
      obj->items.erase(obj->items.begin() + lo, obj->items.begin() + hi);
    return;
  }
  Val key = Eval(ChildByField(target, "subscript"), frame);
  if (Is(obj, Kind::kDict)) {
    auto& e = obj->entries;
    e.erase(std::remove_if(e.begin(), e.end(),
                           [&](const auto& kv) { return Equal(kv.first, key).value_or(false); }),
            e.end());
  } else if (Is(obj, Kind::kList) && Is(key, Kind::kInt)) {
    const int64_t n = static_cast<int64_t>(obj->items.size());
    const int64_t i = key->i < 0 ? key->i + n : key->i;
    if (i >= 0 && i < n) obj->items.erase(obj->items.begin() + i);
  }
}

void Evaluator::Bind(const std::string& name, Val value, Frame& frame) {
  if (frame.scope->global_names.contains(name)) {
    SetVariable(frame.module->globals, name, value);
    return;
  }
  if (frame.scope->nonlocal_names.contains(name)) {
    for (Scope* s = frame.scope->enclosing; s != nullptr; s = s->enclosing) {
      if (s->Find(name) != nullptr) {
        SetVariable(s, name, value);
        return;
      }
    }
  }
  SetVariable(frame.scope, name, value);
}

void Evaluator::Assign(TSNode target, Val value, Frame& frame) {
  const std::string_view type = NodeType(target);
  if (type == "identifier") {
    Bind(std::string(Text(target, frame)), value, frame);
    return;
  }
  if (type == "pattern_list" || type == "tuple_pattern" || type == "list_pattern" ||
      type == "tuple" || type == "list" || type == "expression_list") {
    const NodeList parts = NamedChildren(target);
    const size_t n = parts.size();
    std::vector<Val> items;
    const bool known = Iterate(value, items, target, frame);
    size_t star = n;
    for (size_t i = 0; i < n; ++i) {
      if (NodeType(parts[i]) == "list_splat_pattern") star = i;
    }
    for (size_t i = 0; i < n; ++i) {
      const TSNode t = parts[i];
      if (!known || (star == n && items.size() != n) || (star != n && items.size() + 1 < n)) {
        Assign(NodeType(t) == "list_splat_pattern" ? NamedChild(t, 0) : t,
               Unknown(target, frame, "unpacking of a value that is not statically known"), frame);
        continue;
      }
      if (i < star) {
        Assign(t, items[i], frame);
      } else if (i == star) {
        const size_t after = n - star - 1;
        Assign(NamedChild(t, 0),
               List(std::vector<Val>(items.begin() + star, items.end() - static_cast<long>(after))),
               frame);
      } else {
        Assign(t, items[items.size() - (n - i)], frame);
      }
    }
    return;
  }
  if (type == "parenthesized_expression" && ts_node_named_child_count(target) == 1) {
    Assign(NamedChild(target, 0), value, frame);
    return;
  }
  if (type == "attribute") {
    Val obj = Eval(ChildByField(target, "object"), frame);
    const std::string attr(Text(ChildByField(target, "attribute"), frame));
    SetAttribute(*this, obj, attr, value, target, frame);
    return;
  }
  if (type == "subscript") {
    Val obj = Eval(ChildByField(target, "value"), frame);
    if (TSNode sub = ChildByField(target, "subscript"); NodeType(sub) == "slice") {
      // l[a:b] = items: the slice is replaced, whatever the lengths.
      NoteMutation(*this, obj);
      int64_t lo = 0, hi = 0;
      std::vector<Val> items;
      if (Is(obj, Kind::kList) && SliceBounds(sub, obj->items.size(), frame, lo, hi) &&
          Iterate(value, items, target, frame)) {
        obj->items.erase(obj->items.begin() + lo, obj->items.begin() + hi);
        obj->items.insert(obj->items.begin() + lo, items.begin(), items.end());
      }
      return;
    }
    Val key = Eval(ChildByField(target, "subscript"), frame);
    NoteMutation(*this, obj);
    if (Is(obj, Kind::kDict)) {
      DictSet(obj, key, value);
    } else if (Is(obj, Kind::kList) && Is(key, Kind::kInt)) {
      int64_t i = key->i < 0 ? key->i + static_cast<int64_t>(obj->items.size()) : key->i;
      if (i >= 0 && i < static_cast<int64_t>(obj->items.size())) obj->items[i] = value;
    } else if (Is(obj, Kind::kModule) && Is(key, Kind::kStr)) {
      // globals()[name] = value
      SetVariable(obj->module->globals, key->text, value);
    } else if (Is(obj, Kind::kModule) && IsUnresolved(key) && Is(value, Kind::kDag)) {
      // globals()[<unknown>] = dag: the DAG is still bound to a global.
      obj->module->globals->Set(std::string(Text(target, frame)), value);
    }
    return;
  }
}

}  // namespace dagport::parser
