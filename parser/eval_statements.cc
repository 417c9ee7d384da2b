// Statements: the evaluator runs a module's statements in order, as Python does at import time.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "parser/evaluator.h"
#include "parser/module_loader.h"
#include "parser/operations.h"

namespace dagport::parser {

namespace {

std::string_view Type(TSNode n) {
  return NodeType(n);
}

TSNode Field(TSNode n, const char* name) {
  return ChildByField(n, name);
}

}  // namespace

Evaluator::Evaluator(ModuleLoader& loader, EvaluationLimits limits)
    : loader_(loader), limits_(limits) {}

void Evaluator::Step(TSNode node, const Frame& frame) {
  if (++steps_ > limits_.max_steps) {
    throw EvaluationBoundReached{fmt::format(
        "analysis stopped after {} steps at line {} of {}: the file computes more than dagport "
        "follows statically",
        limits_.max_steps, Range(node, frame).line, frame.module->path)};
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
  const std::string_view type = Type(stmt);
  if (type == "expression_statement") {
    const uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; ++i) {
      TSNode e = ts_node_named_child(stmt, i);
      const std::string_view t = Type(e);
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
    const uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; ++i) {
      TSNode d = ts_node_named_child(stmt, i);
      if (Type(d) == "decorator" && ts_node_named_child_count(d) > 0) {
        decorators.push_back(Eval(ts_node_named_child(d, 0), frame));
      }
    }
    TSNode def = Field(stmt, "definition");
    if (Type(def) == "function_definition") ExecFunctionDef(def, frame, decorators);
    if (Type(def) == "class_definition") ExecClassDef(def, frame, decorators);
    return Flow::kNormal;
  }
  if (type == "if_statement") return ExecIf(stmt, frame);
  if (type == "for_statement") return ExecFor(stmt, frame);
  if (type == "while_statement") return ExecWhile(stmt, frame);
  if (type == "with_statement") return ExecWith(stmt, frame);
  if (type == "try_statement") return ExecTry(stmt, frame);
  if (type == "return_statement") {
    Val value =
        ts_node_named_child_count(stmt) > 0 ? Eval(ts_node_named_child(stmt, 0), frame) : None();
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
    const uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; ++i) {
      frame.scope->nonlocal_names.insert(std::string(Text(ts_node_named_child(stmt, i), frame)));
    }
    return Flow::kNormal;
  }
  if (type == "global_statement") {
    const uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; ++i) {
      frame.scope->global_names.insert(std::string(Text(ts_node_named_child(stmt, i), frame)));
    }
    return Flow::kNormal;
  }
  if (type == "delete_statement") {
    TSNode target = ts_node_named_child(stmt, 0);
    if (Type(target) == "identifier") {
      frame.scope->vars.erase(std::string(Text(target, frame)));
    } else if (Type(target) == "subscript") {
      Val obj = Eval(Field(target, "value"), frame);
      Val key = Eval(Field(target, "subscript"), frame);
      if (Is(obj, Kind::kDict)) {
        auto& e = obj->entries;
        e.erase(
            std::remove_if(e.begin(), e.end(),
                           [&](const auto& kv) { return Equal(kv.first, key).value_or(false); }),
            e.end());
      }
    }
    return Flow::kNormal;
  }
  // pass, assert, nonlocal, print/exec (Python 2, reported elsewhere), ERROR nodes, comments:
  // nothing to do at import time that changes the graph.
  return Flow::kNormal;
}

Flow Evaluator::ExecIf(TSNode node, Frame& frame) {
  // Branches in order: (condition, body) pairs, then an optional else body.
  std::vector<std::pair<TSNode, TSNode>> branches{
      {Field(node, "condition"), Field(node, "consequence")}};
  TSNode else_body{};
  bool has_else = false;
  const uint32_t n = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < n; ++i) {
    TSNode c = ts_node_named_child(node, i);
    if (Type(c) == "elif_clause")
      branches.emplace_back(Field(c, "condition"), Field(c, "consequence"));
    if (Type(c) == "else_clause") {
      else_body = Field(c, "body");
      has_else = true;
    }
  }
  size_t unknown_from = branches.size();
  for (size_t b = 0; b < branches.size(); ++b) {
    std::optional<bool> truth = Truth(Eval(branches[b].first, frame));
    if (!truth) {
      unknown_from = b;
      break;
    }
    if (*truth) return ExecBlock(branches[b].second, frame);
  }
  if (unknown_from == branches.size())
    return has_else ? ExecBlock(else_body, frame) : Flow::kNormal;

  // The condition is not statically known: analyse every remaining branch, in order.
  Report("DP111", branches[unknown_from].first, frame,
         fmt::format("condition '{}' is not statically known: every branch is analysed",
                     Text(branches[unknown_from].first, frame).substr(0, 80)),
         "tasks from all branches are reported; check the ones Airflow would not create");
  std::vector<TSNode> bodies;
  for (size_t b = unknown_from; b < branches.size(); ++b) bodies.push_back(branches[b].second);
  bodies.push_back(has_else ? else_body : TSNode{});
  ExecAlternatives(bodies, frame, "assigned in a branch of a condition not statically known");
  return Flow::kNormal;
}

void Evaluator::SetVariable(Scope* scope, const std::string& name, Val value) {
  if (!write_logs_.empty()) {
    std::vector<Write>& log = write_logs_.back();
    const bool logged = std::any_of(
        log.begin(), log.end(), [&](const Write& w) { return w.scope == scope && w.name == name; });
    if (!logged) {
      Val* old = scope->Find(name);
      log.push_back(Write{scope, name, old != nullptr ? *old : nullptr});
    }
  }
  scope->Set(name, value);
}

void Evaluator::ExecAlternatives(const std::vector<TSNode>& bodies, Frame& frame,
                                 std::string_view why) {
  // Per variable: the value each alternative leaves (null: unbound).
  struct Outcome {
    Scope* scope;
    std::string name;
    Val before;
    std::vector<Val> after;
  };
  std::vector<Outcome> outcomes;
  ++uncertain_;
  for (size_t b = 0; b < bodies.size(); ++b) {
    write_logs_.emplace_back();
    try {
      if (!ts_node_is_null(bodies[b])) ExecBlock(bodies[b], frame);
    } catch (...) {
      write_logs_.pop_back();
      --uncertain_;
      throw;
    }
    std::vector<Write> log = std::move(write_logs_.back());
    write_logs_.pop_back();
    for (const Write& w : log) {
      auto it = std::find_if(outcomes.begin(), outcomes.end(), [&](const Outcome& o) {
        return o.scope == w.scope && o.name == w.name;
      });
      if (it == outcomes.end()) {
        outcomes.push_back(Outcome{w.scope, w.name, w.old_value, std::vector<Val>(b, w.old_value)});
        it = outcomes.end() - 1;
      }
      Val* now = w.scope->Find(w.name);
      it->after.push_back(now != nullptr ? *now : nullptr);
      // Back to the state before this alternative.
      if (w.old_value != nullptr) {
        w.scope->Set(w.name, w.old_value);
      } else {
        w.scope->vars.erase(w.name);
      }
    }
    for (Outcome& o : outcomes) {
      if (o.after.size() < b + 1) o.after.push_back(o.before);
    }
  }
  --uncertain_;
  for (const Outcome& o : outcomes) {
    Val joined = o.after.front();
    for (const Val& v : o.after) {
      const bool same =
          v == joined || (v != nullptr && joined != nullptr && Equal(v, joined).value_or(false));
      if (!same) {
        joined = Unresolved(o.name, std::string(why));
        break;
      }
    }
    if (joined != nullptr) SetVariable(o.scope, o.name, joined);
  }
}

Flow Evaluator::ExecFor(TSNode node, Frame& frame) {
  TSNode target = Field(node, "left");
  TSNode right = Field(node, "right");
  TSNode body = Field(node, "body");
  TSNode else_clause = Field(node, "alternative");
  Val iterable = Eval(right, frame);
  std::vector<Val> items;
  // A list that code that may not run appended to: its certain items run the body for sure, each
  // of the others may or may not.
  std::vector<Val> maybe_items;
  if (Is(iterable, Kind::kList) && !iterable->maybe_changed &&
      iterable->certain_items != SIZE_MAX) {
    const size_t certain = std::min(iterable->certain_items, iterable->items.size());
    items.assign(iterable->items.begin(), iterable->items.begin() + static_cast<long>(certain));
    maybe_items.assign(iterable->items.begin() + static_cast<long>(certain), iterable->items.end());
  } else if (!Iterate(iterable, items, right, frame)) {
    Report("DP111", right, frame,
           fmt::format("loop over '{}', which is not statically known: its body is analysed once",
                       Text(right, frame).substr(0, 80)),
           "tasks created in the loop are reported once, with ids that are not statically known");
    ++uncertain_;
    Assign(target, Unknown(right, frame, "item of an iterable that is not statically known"),
           frame);
    --uncertain_;
    ExecAlternatives({body, TSNode{}}, frame,
                     "assigned in a loop over values not statically known");
    return Flow::kNormal;
  }
  size_t iterations = 0;
  for (const Val& item : items) {
    if (++iterations > limits_.max_loop_iterations) {
      Report("DP105", node, frame,
             fmt::format("loop stopped after {} iterations", limits_.max_loop_iterations),
             "the rest of the loop is not analysed");
      return Flow::kNormal;
    }
    Assign(target, item, frame);
    Flow flow = ExecBlock(body, frame);
    if (flow == Flow::kBreak) return Flow::kNormal;
    if (flow == Flow::kReturn || flow == Flow::kRaise) return flow;
  }
  for (const Val& item : maybe_items) {
    ++uncertain_;
    Assign(target, item, frame);
    --uncertain_;
    ExecAlternatives({body, TSNode{}}, frame,
                     "assigned in a loop over items that may not be there");
  }
  if (!ts_node_is_null(else_clause)) return ExecBlock(Field(else_clause, "body"), frame);
  return Flow::kNormal;
}

Flow Evaluator::ExecWhile(TSNode node, Frame& frame) {
  TSNode condition = Field(node, "condition");
  TSNode body = Field(node, "body");
  for (size_t iterations = 0;; ++iterations) {
    std::optional<bool> truth = Truth(Eval(condition, frame));
    if (!truth) {
      Report("DP111", condition, frame,
             fmt::format("loop condition '{}' is not statically known: its body is analysed once",
                         Text(condition, frame).substr(0, 80)));
      ExecAlternatives({body, TSNode{}}, frame,
                       "assigned in a loop whose condition is not statically known");
      return Flow::kNormal;
    }
    if (!*truth) {
      TSNode else_clause = Field(node, "alternative");
      return ts_node_is_null(else_clause) ? Flow::kNormal
                                          : ExecBlock(Field(else_clause, "body"), frame);
    }
    if (iterations >= limits_.max_loop_iterations) {
      Report("DP105", node, frame,
             fmt::format("loop stopped after {} iterations", limits_.max_loop_iterations),
             "the rest of the loop is not analysed");
      return Flow::kNormal;
    }
    Flow flow = ExecBlock(body, frame);
    if (flow == Flow::kBreak) return Flow::kNormal;
    if (flow == Flow::kReturn || flow == Flow::kRaise) return flow;
  }
}

Flow Evaluator::ExecWith(TSNode node, Frame& frame) {
  size_t dags_pushed = 0;
  size_t groups_pushed = 0;
  const uint32_t n = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < n; ++i) {
    TSNode clause = ts_node_named_child(node, i);
    if (Type(clause) != "with_clause") continue;
    const uint32_t items = ts_node_named_child_count(clause);
    for (uint32_t k = 0; k < items; ++k) {
      TSNode item = Field(ts_node_named_child(clause, k), "value");
      if (ts_node_is_null(item)) continue;
      TSNode value_node = item;
      TSNode alias{};
      bool has_alias = false;
      if (Type(item) == "as_pattern") {
        value_node = ts_node_named_child(item, 0);
        TSNode target = Field(item, "alias");
        if (!ts_node_is_null(target) && ts_node_named_child_count(target) > 0) {
          alias = ts_node_named_child(target, 0);
          has_alias = true;
        }
      }
      Val value = Eval(value_node, frame);
      if (Is(value, Kind::kDag)) {
        dag_context.push_back(value->dag);
        ++dags_pushed;
      } else if (Is(value, Kind::kTaskGroup)) {
        group_context.push_back(value->group);
        ++groups_pushed;
      }
      if (has_alias) {
        const bool airflow_object =
            Is(value, Kind::kDag) || Is(value, Kind::kTaskGroup) ||
            (Is(value, Kind::kExternal) && value->text.starts_with("open:"));
        Assign(alias,
               airflow_object ? value : Unknown(value_node, frame, "value of a context manager"),
               frame);
      }
    }
  }
  Flow flow = Flow::kNormal;
  try {
    flow = ExecBlock(Field(node, "body"), frame);
  } catch (const PythonException&) {
    dag_context.resize(dag_context.size() - dags_pushed);
    group_context.resize(group_context.size() - groups_pushed);
    throw;
  }
  dag_context.resize(dag_context.size() - dags_pushed);
  group_context.resize(group_context.size() - groups_pushed);
  return flow;
}

Flow Evaluator::ExecTry(TSNode node, Frame& frame) {
  const uint32_t n = ts_node_named_child_count(node);
  TSNode handler{};
  TSNode handler_clause{};
  TSNode else_body{};
  TSNode finally_body{};
  bool has_handler = false, has_else = false, has_finally = false;
  for (uint32_t i = 0; i < n; ++i) {
    TSNode c = ts_node_named_child(node, i);
    const std::string_view t = Type(c);
    if (t == "except_clause" && !has_handler) {
      // The first handler takes any exception (dagport does not model exception types).
      handler = ts_node_named_child(c, ts_node_named_child_count(c) - 1);
      handler_clause = c;
      has_handler = true;
    } else if (t == "else_clause") {
      else_body = Field(c, "body");
      has_else = true;
    } else if (t == "finally_clause") {
      finally_body = ts_node_named_child(c, 0);
      has_finally = true;
    }
  }
  const size_t dag_depth = dag_context.size(), group_depth = group_context.size();
  Flow flow = Flow::kNormal;
  try {
    if (has_handler) ++try_depth_;
    bool raised = false;
    try {
      flow = ExecBlock(Field(node, "body"), frame);
    } catch (const PythonException&) {
      if (!has_handler) throw;
      raised = true;
    }
    if (has_handler) --try_depth_;
    if (raised) {
      dag_context.resize(dag_depth);
      group_context.resize(group_depth);
      // `except E as e`: e is the exception, which dagport does not model.
      for (TSNode part : NamedChildren(handler_clause)) {
        if (Type(part) != "as_pattern") continue;
        TSNode alias = Field(part, "alias");
        if (!ts_node_is_null(alias) && ts_node_named_child_count(alias) > 0) {
          Assign(ts_node_named_child(alias, 0), Unknown(part, frame, "the exception being handled"),
                 frame);
        }
      }
      flow = ExecBlock(handler, frame);
    } else if (has_else && flow == Flow::kNormal) {
      flow = ExecBlock(else_body, frame);
    }
  } catch (const PythonException&) {
    if (has_finally) ExecBlock(finally_body, frame);
    throw;
  }
  if (has_finally) {
    Flow f = ExecBlock(finally_body, frame);
    if (f != Flow::kNormal) return f;
  }
  return flow;
}

void Evaluator::ExecFunctionDef(TSNode node, Frame& frame, const std::vector<Val>& decorators) {
  auto* fn = CurrentHeap().Make<FunctionInfo>();
  fn->name = std::string(Text(Field(node, "name"), frame));
  fn->node = node;
  fn->module = frame.module;
  fn->closure = frame.is_function ? frame.scope : nullptr;
  TSNode params = Field(node, "parameters");
  const uint32_t n = ts_node_named_child_count(params);
  fn->defaults.assign(n, nullptr);
  for (uint32_t i = 0; i < n; ++i) {
    TSNode p = ts_node_named_child(params, i);
    const std::string_view t = Type(p);
    if (t == "default_parameter" || t == "typed_default_parameter")
      fn->defaults[i] = Eval(Field(p, "value"), frame);
  }
  Val v = CurrentHeap().Make<Obj>();
  v->kind = Kind::kFunction;
  v->function = fn;
  // Other decorators are not applied: the undecorated function is what task factories call, and
  // Airflow's own (apply_defaults) keep the call signature. These change how methods bind.
  for (const Val& d : decorators) {
    if (!Is(d, Kind::kBuiltin)) continue;
    if (d->text == "staticmethod") fn->binding = FunctionInfo::Binding::kStatic;
    if (d->text == "classmethod") fn->binding = FunctionInfo::Binding::kClass;
    if (d->text == "property") fn->binding = FunctionInfo::Binding::kProperty;
  }
  Bind(fn->name, v, frame);
}

void Evaluator::ExecClassDef(TSNode node, Frame& frame, const std::vector<Val>& decorators) {
  (void)decorators;
  auto* cls = CurrentHeap().Make<ClassInfo>();
  cls->name = std::string(Text(Field(node, "name"), frame));
  cls->path = frame.module->name.empty() ? cls->name : frame.module->name + "." + cls->name;
  cls->module = frame.module;
  cls->node = node;
  TSNode supers = Field(node, "superclasses");
  if (!ts_node_is_null(supers)) {
    const uint32_t n = ts_node_named_child_count(supers);
    for (uint32_t i = 0; i < n; ++i) {
      TSNode b = ts_node_named_child(supers, i);
      if (Type(b) == "keyword_argument") continue;  // metaclass=...
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
  ExecBlock(Field(node, "body"), body_frame);
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
  std::vector<TSNode> targets{Field(node, "left")};
  TSNode right = Field(node, "right");
  while (!ts_node_is_null(right) && Type(right) == "assignment") {
    targets.push_back(Field(right, "left"));
    right = Field(right, "right");
  }
  if (ts_node_is_null(right)) return;  // annotation only: `x: int`
  Val value = Eval(right, frame);
  for (TSNode target : targets) Assign(target, value, frame);
}

void Evaluator::ExecAugmentedAssignment(TSNode node, Frame& frame) {
  TSNode left = Field(node, "left");
  TSNode right = Field(node, "right");
  Val current = Eval(left, frame);
  Val operand = Eval(right, frame);
  std::string_view op;
  for (uint32_t i = 0; i < ts_node_child_count(node); ++i) {
    TSNode c = ts_node_child(node, i);
    if (!ts_node_is_named(c)) op = Type(c);
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
  const std::string_view type = Type(target);
  if (type == "identifier") {
    Bind(std::string(Text(target, frame)), value, frame);
    return;
  }
  if (type == "pattern_list" || type == "tuple_pattern" || type == "list_pattern" ||
      type == "tuple" || type == "list" || type == "expression_list") {
    const uint32_t n = ts_node_named_child_count(target);
    std::vector<Val> items;
    const bool known = Iterate(value, items, target, frame);
    size_t star = n;
    for (uint32_t i = 0; i < n; ++i) {
      if (Type(ts_node_named_child(target, i)) == "list_splat_pattern") star = i;
    }
    for (uint32_t i = 0; i < n; ++i) {
      TSNode t = ts_node_named_child(target, i);
      if (!known || (star == n && items.size() != n) || (star != n && items.size() + 1 < n)) {
        Assign(Type(t) == "list_splat_pattern" ? ts_node_named_child(t, 0) : t,
               Unknown(target, frame, "unpacking of a value that is not statically known"), frame);
        continue;
      }
      if (i < star) {
        Assign(t, items[i], frame);
      } else if (i == star) {
        const size_t after = n - star - 1;
        Assign(ts_node_named_child(t, 0),
               List(std::vector<Val>(items.begin() + star, items.end() - static_cast<long>(after))),
               frame);
      } else {
        Assign(t, items[items.size() - (n - i)], frame);
      }
    }
    return;
  }
  if (type == "parenthesized_expression" && ts_node_named_child_count(target) == 1) {
    Assign(ts_node_named_child(target, 0), value, frame);
    return;
  }
  if (type == "attribute") {
    Val obj = Eval(Field(target, "object"), frame);
    const std::string attr(Text(Field(target, "attribute"), frame));
    SetAttribute(*this, obj, attr, value, target, frame);
    return;
  }
  if (type == "subscript") {
    Val obj = Eval(Field(target, "value"), frame);
    Val key = Eval(Field(target, "subscript"), frame);
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
