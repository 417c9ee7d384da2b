// Calls: argument lists, functions of the analysed code (with bound arguments), classes, and
// dispatch to builtins, methods and the Airflow model.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "parser/airflow_model.h"
#include "parser/evaluator.h"
#include "parser/operations.h"

namespace dagport::parser {

std::vector<Parameter> Parameters(const FunctionInfo& fn, TSNode params, const SyntaxTree& tree) {
  std::vector<Parameter> out;
  if (ts_node_is_null(params)) return out;
  bool keyword_only = false;
  const NodeList nodes = NamedChildren(params);
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    TSNode p = nodes[i];
    const std::string_view t = NodeType(p);
    Parameter param;
    param.kind = keyword_only ? Parameter::kKeywordOnly : Parameter::kPositional;
    if (t == "identifier") {
      param.name = tree.NodeText(p);
    } else if (t == "typed_parameter") {
      TSNode inner = NamedChild(p, 0);
      if (NodeType(inner) == "list_splat_pattern") {
        param.kind = Parameter::kVarArgs;
        keyword_only = true;
        param.name = tree.NodeText(NamedChild(inner, 0));
      } else if (NodeType(inner) == "dictionary_splat_pattern") {
        param.kind = Parameter::kVarKeywords;
        param.name = tree.NodeText(NamedChild(inner, 0));
      } else {
        param.name = tree.NodeText(inner);
      }
    } else if (t == "default_parameter" || t == "typed_default_parameter") {
      param.name = tree.NodeText(ChildByField(p, "name"));
      param.default_value = i < fn.defaults.size() ? fn.defaults[i] : nullptr;
    } else if (t == "list_splat_pattern") {
      param.kind = Parameter::kVarArgs;
      param.name = tree.NodeText(NamedChild(p, 0));
      keyword_only = true;
    } else if (t == "dictionary_splat_pattern") {
      param.kind = Parameter::kVarKeywords;
      param.name = tree.NodeText(NamedChild(p, 0));
    } else if (t == "keyword_separator") {
      keyword_only = true;
      continue;
    } else {
      continue;  // positional_separator, comments
    }
    out.push_back(std::move(param));
  }
  return out;
}

void Evaluator::CollectArguments(TSNode argument_list, Frame& frame, CallArgs& args) {
  const NodeList children = NamedChildren(argument_list);
  // Each list allocated once (splats may add more).
  size_t keywords = 0;
  for (TSNode a : children) keywords += NodeType(a) == "keyword_argument" ? 1 : 0;
  const size_t positional = children.size() - keywords;
  if (keywords != 0) {
    args.keywords.reserve(args.keywords.size() + keywords);
    args.keyword_nodes.reserve(args.keyword_nodes.size() + keywords);
  }
  if (positional != 0) {
    args.positional.reserve(args.positional.size() + positional);
    args.positional_nodes.reserve(args.positional_nodes.size() + positional);
  }
  for (TSNode a : children) {
    const std::string_view t = NodeType(a);
    if (t == "keyword_argument") {
      const TSNode value = ChildByField(a, "value");
      args.keywords.emplace_back(std::string(Text(ChildByField(a, "name"), frame)),
                                 Eval(value, frame));
      args.keyword_nodes.push_back(value);
    } else if (t == "list_splat") {
      TSNode inner = NamedChild(a, 0);
      Val v = Eval(inner, frame);
      std::vector<Val> items;
      if (Iterate(v, items, inner, frame)) {
        for (Val& item : items) {
          args.positional.push_back(item);
          args.positional_nodes.push_back(TSNode{});
        }
      } else {
        args.positional.push_back(Unknown(a, frame, "unpacked arguments not statically known"));
        args.positional_nodes.push_back(a);
      }
    } else if (t == "dictionary_splat") {
      TSNode inner = NamedChild(a, 0);
      Val v = Eval(inner, frame);
      if (Is(v, Kind::kDict)) {
        for (auto& [k, x] : v->entries) {
          if (Is(k, Kind::kStr)) {
            args.keywords.emplace_back(k->text, x);
            args.keyword_nodes.push_back(TSNode{});
          }
        }
      } else {
        args.keywords.emplace_back(
            "**", Unknown(a, frame, "unpacked keyword arguments not statically known"));
        args.keyword_nodes.push_back(a);
      }
    } else if (t == "comment") {
      continue;
    } else {
      args.positional.push_back(Eval(a, frame));
      args.positional_nodes.push_back(a);
    }
  }
}

Val Evaluator::EvalCall(TSNode node, Frame& frame) {
  TSNode function = ChildByField(node, "function");
  Val callee = Eval(function, frame);
  CallArgs args;
  TSNode arguments = ChildByField(node, "arguments");
  if (!ts_node_is_null(arguments)) {
    if (NodeType(arguments) == "generator_expression") {
      args.positional.push_back(Eval(arguments, frame));
      args.positional_nodes.push_back(arguments);
    } else {
      CollectArguments(arguments, frame, args);
    }
  }
  // x.set_upstream(t) / x.set_downstream(t) on something that is not a known task: the
  // dependency cannot be in the graph; say so rather than drop it silently.
  if (IsUnresolved(callee) && NodeType(function) == "attribute") {
    const std::string_view method = Text(ChildByField(function, "attribute"), frame);
    if (method == "set_upstream" || method == "set_downstream") {
      Report("DP123", node, frame,
             fmt::format("{}() on '{}', not a task dagport knows", method,
                         Text(ChildByField(function, "object"), frame).substr(0, 80)),
             "this dependency is not in the graph; check that both sides are operators");
    }
  }
  return Call(callee, args, node, frame);
}

Val Evaluator::Call(Val callee, CallArgs& args, TSNode node, Frame& frame) {
  switch (callee->kind) {
    case Kind::kFunction: return CallFunction(callee->function, args, node, frame, nullptr);
    case Kind::kClass: return Instantiate(callee->cls, args, node, frame);
    case Kind::kBuiltin:
      if (callee->text == "functools.partial" && callee->receiver != nullptr) {
        CallArgs merged;
        merged.positional = callee->items;
        merged.positional_nodes.assign(callee->items.size(), TSNode{});
        merged.positional.insert(merged.positional.end(), args.positional.begin(),
                                 args.positional.end());
        merged.positional_nodes.insert(merged.positional_nodes.end(), args.positional_nodes.begin(),
                                       args.positional_nodes.end());
        for (const auto& [k, v] : callee->entries) {
          merged.keywords.emplace_back(k->text, v);
          merged.keyword_nodes.push_back(TSNode{});
        }
        for (size_t i = 0; i < args.keywords.size(); ++i) {
          auto it =
              std::find_if(merged.keywords.begin(), merged.keywords.end(),
                           [&](const auto& kv) { return kv.first == args.keywords[i].first; });
          if (it != merged.keywords.end()) {
            it->second = args.keywords[i].second;
            merged.keyword_nodes[it - merged.keywords.begin()] = args.keyword_nodes[i];
          } else {
            merged.keywords.push_back(args.keywords[i]);
            merged.keyword_nodes.push_back(args.keyword_nodes[i]);
          }
        }
        return Call(callee->receiver, merged, node, frame);
      }
      return CallBuiltin(*this, callee->text, args, node, frame);
    case Kind::kBoundMethod:
      if (callee->function != nullptr)
        return CallFunction(callee->function, args, node, frame, callee->receiver);
      return CallMethod(*this, callee->receiver, callee->text, args, node, frame);
    case Kind::kExternal: return CallExternal(*this, callee, args, node, frame);
    case Kind::kInstance: {
      // An instance of a class of the analysed code with a __call__ method.
      Val method = GetAttribute(*this, callee, "__call__", node, frame);
      if (Is(method, Kind::kBoundMethod) || Is(method, Kind::kFunction))
        return Call(method, args, node, frame);
      break;
    }
    default: break;
  }
  // Something called with a task_id is an operator, whatever dagport could not resolve about it.
  if (args.Keyword("task_id") != nullptr) {
    return CreateTask(*this, IsUnresolved(callee) ? callee->text : std::string(TypeName(callee)),
                      args, node, frame, /*known_class=*/false);
  }
  return Unknown(
      node, frame,
      IsUnresolved(callee) ? callee->reason() : fmt::format("call of a {}", TypeName(callee)));
}

namespace {

/// Whether a function body yields: a `yield` outside nested functions, lambdas and classes.
bool Yields(TSNode body) {
  std::vector<TSNode> stack{body};  // not recursion: bodies may nest deeply
  while (!stack.empty()) {
    const TSNode node = stack.back();
    stack.pop_back();
    for (TSNode c : NamedChildren(node)) {
      const std::string_view t = NodeType(c);
      if (t == "yield") return true;
      if (t != "function_definition" && t != "lambda" && t != "class_definition")
        stack.push_back(c);
    }
  }
  return false;
}

}  // namespace

Val Evaluator::CallFunction(FunctionInfo* fn, CallArgs& args, TSNode node, Frame& frame, Val self) {
  if (call_depth_ >= limits_.max_call_depth) {
    Report("DP105", node, frame,
           fmt::format("calls nested more than {} deep: not followed", limits_.max_call_depth),
           "recursion is followed to a bounded depth only");
    return Unknown(node, frame, "call nested too deeply to follow");
  }
  const bool is_lambda = NodeType(fn->node) == "lambda";
  TSNode params = ChildByField(fn->node, "parameters");
  std::vector<Parameter> parameters = Parameters(*fn, params, *fn->module->tree);

  auto* scope = CurrentHeap().Make<Scope>();
  scope->module = fn->module;
  scope->enclosing = fn->closure;

  std::vector<Val> positional = args.positional;
  if (self != nullptr) positional.insert(positional.begin(), self);
  size_t next_positional = 0;
  Val var_keywords = nullptr;
  std::vector<bool> bound(parameters.size(), false);
  for (size_t i = 0; i < parameters.size(); ++i) {
    Parameter& p = parameters[i];
    if (p.kind == Parameter::kPositional && next_positional < positional.size()) {
      scope->Set(p.name, positional[next_positional++]);
      bound[i] = true;
    } else if (p.kind == Parameter::kVarArgs) {
      std::vector<Val> rest;
      while (next_positional < positional.size()) rest.push_back(positional[next_positional++]);
      scope->Set(p.name, Tuple(std::move(rest)));
      bound[i] = true;
    } else if (p.kind == Parameter::kVarKeywords) {
      var_keywords = Dict();
      scope->Set(p.name, var_keywords);
      bound[i] = true;
    }
  }
  for (auto& [name, value] : args.keywords) {
    bool matched = false;
    for (size_t i = 0; i < parameters.size(); ++i) {
      const Parameter& p = parameters[i];
      if ((p.kind == Parameter::kPositional || p.kind == Parameter::kKeywordOnly) &&
          p.name == name) {
        scope->Set(p.name, value);
        bound[i] = true;
        matched = true;
        break;
      }
    }
    if (!matched && var_keywords != nullptr && name != "**")
      DictSet(var_keywords, Str(name), value);
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (bound[i]) continue;
    const Parameter& p = parameters[i];
    scope->Set(p.name, p.default_value != nullptr
                           ? p.default_value
                           : Unresolved(p.name, fmt::format("argument '{}' of {}() not given",
                                                            p.name, fn->name)));
  }

  Frame inner;
  inner.scope = scope;
  inner.module = fn->module;
  inner.is_function = true;
  inner.function = fn;
  inner.self = self;
  if (fn->generator < 0) {
    // Most functions do not hold the word: their text is read before their tree is walked.
    const TSNode body = ChildByField(fn->node, "body");
    fn->generator = !is_lambda &&
                    fn->module->tree->NodeText(body).find("yield") != std::string_view::npos &&
                    Yields(body);
  }
  if (fn->generator != 0) inner.yielded = List({});
  ++call_depth_;
  const int saved_uncertain = uncertain_;
  uncertain_ = 0;  // a function's own returns are certain relative to its body
  Val result = None();
  try {
    if (is_lambda) {
      result = Eval(ChildByField(fn->node, "body"), inner);
    } else {
      Flow flow = ExecBlock(ChildByField(fn->node, "body"), inner);
      if (inner.yielded != nullptr) {
        result = inner.yielded;  // a generator's `return` ends it; its value is not iterated
      } else if (flow == Flow::kReturn) {
        result = inner.return_value;
      } else if (inner.maybe_return != nullptr) {
        result = inner.maybe_return;
      }
    }
  } catch (const PythonException& e) {
    --call_depth_;
    uncertain_ = saved_uncertain;
    // A call that may not run does not raise for sure.
    if (uncertain_ > 0)
      return Unknown(node, frame, fmt::format("{}() raises {}", fn->name, e.what));
    throw;
  } catch (...) {
    --call_depth_;
    uncertain_ = saved_uncertain;
    throw;
  }
  --call_depth_;
  uncertain_ = saved_uncertain;
  return result;
}

Val Evaluator::Instantiate(ClassInfo* cls, CallArgs& args, TSNode node, Frame& frame) {
  Val class_value = CurrentHeap().Make<Obj>();
  class_value->kind = Kind::kClass;
  class_value->cls = cls;
  if (IsDagClass(class_value)) return CreateDag(*this, args, node, frame);
  if (std::optional<std::string> op = OperatorClassPath(class_value)) {
    Val task = InstantiateOperator(cls, *op, args, node, frame);
    if (task == nullptr) task = CreateTask(*this, *op, args, node, frame, /*known_class=*/true);
    if (Is(task, Kind::kTask)) task->task->cls = cls;
    return task;
  }
  Val instance = CurrentHeap().Make<Obj>();
  instance->kind = Kind::kInstance;
  instance->cls = cls;
  if (const Val* init = cls->FindAttribute("__init__");
      init != nullptr && Is(*init, Kind::kFunction)) {
    CallFunction((*init)->function, args, node, frame, instance);
  }
  return instance;
}

Val Evaluator::InstantiateOperator(ClassInfo* cls, const std::string& operator_class,
                                   CallArgs& args, TSNode node, Frame& frame) {
  const Val* init = cls->FindAttribute("__init__");
  if (args.Keyword("task_id") != nullptr || init == nullptr || !Is(*init, Kind::kFunction))
    return nullptr;
  Val self = CurrentHeap().Make<Obj>();
  self->kind = Kind::kInstance;
  self->cls = cls;
  const OutputMark before = Mark();
  pending_operators.push_back({self, operator_class, &args, node, &frame});
  Val task = nullptr;
  try {
    CallFunction((*init)->function, args, node, frame, self);
    task = pending_operators.back().task;
  } catch (const PythonException&) {
    // What Airflow would make of it is not known for sure: the task is built from the call's
    // own arguments, as for a class without an `__init__`.
  } catch (...) {
    pending_operators.pop_back();
    throw;
  }
  pending_operators.pop_back();
  if (task != nullptr && Is(task, Kind::kTask)) return task;
  Rollback(before);
  return nullptr;
}

bool Evaluator::Iterate(const Val& v, std::vector<Val>& out, TSNode node, Frame& frame) {
  (void)node;
  (void)frame;
  if (v->maybe_changed || v->certain_items != SIZE_MAX) return false;
  switch (v->kind) {
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSet: out = v->items; return true;
    case Kind::kDict:
      out.clear();
      for (auto& [k, x] : v->entries) out.push_back(k);
      return true;
    case Kind::kStr: {
      out.clear();
      const std::string& s = v->text;
      // One value per character: a 16 MiB string would be gigabytes of them.
      if (s.size() > limits_.max_loop_iterations) return false;
      for (size_t i = 0; i < s.size();) {
        size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
        out.push_back(Str(s.substr(i, len)));
        i += len;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace dagport::parser
