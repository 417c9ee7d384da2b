// Control flow: if/elif/else (with the join of alternatives when a condition is not statically
// known), for and while loops, with (DAG and TaskGroup contexts), try/except/else/finally.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "parser/evaluator.h"
#include "parser/module_loader.h"
#include "parser/operations.h"

namespace dagport::parser {

Flow Evaluator::ExecIf(TSNode node, Frame& frame) {
  // Branches in order: (condition, body) pairs, then an optional else body.
  std::vector<std::pair<TSNode, TSNode>> branches{
      {ChildByField(node, "condition"), ChildByField(node, "consequence")}};
  TSNode else_body{};
  bool has_else = false;
  for (TSNode c : NamedChildren(node)) {
    if (NodeType(c) == "elif_clause")
      branches.emplace_back(ChildByField(c, "condition"), ChildByField(c, "consequence"));
    if (NodeType(c) == "else_clause") {
      else_body = ChildByField(c, "body");
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
  TSNode target = ChildByField(node, "left");
  TSNode right = ChildByField(node, "right");
  TSNode body = ChildByField(node, "body");
  TSNode else_clause = ChildByField(node, "alternative");
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
    if (flow == Flow::kReturn) return flow;
  }
  for (const Val& item : maybe_items) {
    ++uncertain_;
    Assign(target, item, frame);
    --uncertain_;
    ExecAlternatives({body, TSNode{}}, frame,
                     "assigned in a loop over items that may not be there");
  }
  if (!ts_node_is_null(else_clause)) return ExecBlock(ChildByField(else_clause, "body"), frame);
  return Flow::kNormal;
}

Flow Evaluator::ExecWhile(TSNode node, Frame& frame) {
  TSNode condition = ChildByField(node, "condition");
  TSNode body = ChildByField(node, "body");
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
      TSNode else_clause = ChildByField(node, "alternative");
      return ts_node_is_null(else_clause) ? Flow::kNormal
                                          : ExecBlock(ChildByField(else_clause, "body"), frame);
    }
    if (iterations >= limits_.max_loop_iterations) {
      Report("DP105", node, frame,
             fmt::format("loop stopped after {} iterations", limits_.max_loop_iterations),
             "the rest of the loop is not analysed");
      return Flow::kNormal;
    }
    Flow flow = ExecBlock(body, frame);
    if (flow == Flow::kBreak) return Flow::kNormal;
    if (flow == Flow::kReturn) return flow;
  }
}

Flow Evaluator::ExecWith(TSNode node, Frame& frame) {
  size_t dags_pushed = 0;
  size_t groups_pushed = 0;
  for (TSNode clause : NamedChildren(node)) {
    if (NodeType(clause) != "with_clause") continue;
    for (TSNode with_item : NamedChildren(clause)) {
      TSNode item = ChildByField(with_item, "value");
      if (ts_node_is_null(item)) continue;
      TSNode value_node = item;
      TSNode alias{};
      bool has_alias = false;
      if (NodeType(item) == "as_pattern") {
        value_node = NamedChild(item, 0);
        TSNode target = ChildByField(item, "alias");
        if (!ts_node_is_null(target) && ts_node_named_child_count(target) > 0) {
          alias = NamedChild(target, 0);
          has_alias = true;
        }
      }
      Val value = Eval(value_node, frame);
      if (Is(value, Kind::kDag)) {
        dag_context.push_back(value->dag);
        ++dags_pushed;
        if (limits().airflow_major >= 2) {
          bool auto_register = true;
          for (const auto& [name, arg] : value->dag->arguments) {
            if (name == "auto_register" && Is(arg, Kind::kBool)) auto_register = arg->i != 0;
          }
          value->dag->auto_registered = auto_register;
        }
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
    flow = ExecBlock(ChildByField(node, "body"), frame);
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
  TSNode handler{};
  TSNode handler_clause{};
  TSNode else_body{};
  TSNode finally_body{};
  bool has_handler = false, has_else = false, has_finally = false;
  for (TSNode c : NamedChildren(node)) {
    const std::string_view t = NodeType(c);
    if (t == "except_clause" && !has_handler) {
      // The first handler takes any exception (dagport does not model exception types).
      handler = NamedChild(c, ts_node_named_child_count(c) - 1);
      handler_clause = c;
      has_handler = true;
    } else if (t == "else_clause") {
      else_body = ChildByField(c, "body");
      has_else = true;
    } else if (t == "finally_clause") {
      finally_body = NamedChild(c, 0);
      has_finally = true;
    }
  }
  const size_t dag_depth = dag_context.size(), group_depth = group_context.size();
  Flow flow = Flow::kNormal;
  try {
    if (has_handler) ++try_depth_;
    bool raised = false;
    try {
      flow = ExecBlock(ChildByField(node, "body"), frame);
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
        if (NodeType(part) != "as_pattern") continue;
        TSNode alias = ChildByField(part, "alias");
        if (!ts_node_is_null(alias) && ts_node_named_child_count(alias) > 0) {
          Assign(NamedChild(alias, 0), Unknown(part, frame, "the exception being handled"), frame);
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

}  // namespace dagport::parser
