// Expressions: literals, names, operators, attributes, subscripts, comprehensions, lambdas.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

#include "parser/airflow_model.h"
#include "parser/evaluator.h"
#include "parser/module_loader.h"
#include "parser/operations.h"
#include "parser/python_literals.h"

namespace dagport::parser {

namespace {

/// The anonymous operator token of a binary, comparison or boolean node.
std::string OperatorToken(TSNode node) {
  TSNode op = ChildByField(node, "operator");
  if (!ts_node_is_null(op)) return ts_node_type(op);
  for (TSNode c : Children(node)) {
    if (!ts_node_is_named(c)) return ts_node_type(c);
  }
  return "";
}

}  // namespace

const Val* CallArgs::Keyword(std::string_view name) const {
  for (const auto& [k, v] : keywords) {
    if (k == name) return &v;
  }
  return nullptr;
}

TSNode CallArgs::KeywordNode(std::string_view name) const {
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (keywords[i].first == name) return keyword_nodes[i];
  }
  return TSNode{};
}

std::string_view Evaluator::Text(TSNode node, const Frame& frame) const {
  return frame.module->tree->NodeText(node);
}

ir::SourceRange Evaluator::Range(TSNode node, const Frame& frame) const {
  return frame.module->tree->Range(node);
}

Val Evaluator::Unknown(TSNode node, const Frame& frame, std::string reason) {
  return Unresolved(std::string(Text(node, frame)), std::move(reason));
}

void Evaluator::Report(std::string_view code, TSNode node, const Frame& frame, std::string message,
                       std::string hint) {
  ir::SourceRange where = Range(node, frame);
  // One report per code and place, however often the place is evaluated (loops, factories).
  std::string key = fmt::format("{}:{}:{}:{}", code, frame.module->path, where.line, where.column);
  if (!reported_.insert(key).second) return;
  diagnostics.push_back(
      ir::MakeDiagnostic(code, frame.module->path, where, std::move(message), std::move(hint)));
}

Val Evaluator::Eval(TSNode node, Frame& frame) {
  if (ts_node_is_null(node)) return None();
  Step(node, frame);
  if (++nesting_ > limits_.max_nesting) {
    --nesting_;
    Report("DP104", node, frame,
           fmt::format("expression nested more than {} levels deep", limits_.max_nesting),
           "split the expression");
    return Unknown(node, frame, "expression nested too deeply to analyse");
  }
  Val v = nullptr;
  try {
    v = EvalInner(node, frame);
  } catch (...) {
    --nesting_;
    throw;
  }
  --nesting_;
  if (v == nullptr) return Unknown(node, frame, "expression dagport does not evaluate");
  // An unresolved value takes the source text of the outermost expression built on it.
  if (v->kind == Kind::kUnresolved && v->text.empty()) v->text = std::string(Text(node, frame));
  return v;
}

Val Evaluator::EvalInner(TSNode node, Frame& frame) {
  const std::string_view type = NodeType(node);
  if (type == "identifier") return Lookup(Text(node, frame), node, frame);
  if (type == "string") return EvalString(node, frame);
  if (type == "concatenated_string") return EvalConcatenatedString(node, frame);
  if (type == "integer") {
    std::optional<int64_t> i = ParseIntegerLiteral(Text(node, frame));
    return i ? Int(*i) : Unknown(node, frame, "integer literal out of range");
  }
  if (type == "float") {
    std::optional<double> f = ParseFloatLiteral(Text(node, frame));
    return f ? Float(*f) : Unknown(node, frame, "complex literal");
  }
  if (type == "true") return Bool(true);
  if (type == "false") return Bool(false);
  if (type == "none") return None();
  if (type == "ellipsis") return None();
  if (type == "list") return EvalCollection(node, frame, Kind::kList);
  if (type == "tuple" || type == "expression_list")
    return EvalCollection(node, frame, Kind::kTuple);
  if (type == "set") return EvalCollection(node, frame, Kind::kSet);
  if (type == "dictionary") return EvalDictionary(node, frame);
  if (type == "parenthesized_expression") {
    return ts_node_named_child_count(node) > 0 ? Eval(NamedChild(node, 0), frame) : Tuple({});
  }
  if (type == "binary_operator") return EvalBinary(node, frame);
  if (type == "comparison_operator") return EvalComparison(node, frame);
  if (type == "boolean_operator") return EvalBoolean(node, frame);
  if (type == "not_operator") {
    Val v = Eval(ChildByField(node, "argument"), frame);
    std::optional<bool> t = Truth(v);
    return t ? Bool(!*t) : Unknown(node, frame, "truth of a value that is not statically known");
  }
  if (type == "unary_operator") {
    Val v = Eval(ChildByField(node, "argument"), frame);
    const std::string op = OperatorToken(node);
    // -(-2**63) is beyond 64 bits: unknown, like every integer dagport cannot hold.
    if (op == "-" && (Is(v, Kind::kInt) || Is(v, Kind::kTimedelta)) && v->i == INT64_MIN)
      return Unknown(node, frame, "an integer beyond 64 bits");
    if (op == "-" && Is(v, Kind::kInt)) return Int(-v->i);
    if (op == "-" && Is(v, Kind::kFloat)) return Float(-v->f);
    if (op == "-" && Is(v, Kind::kTimedelta)) return Timedelta(-v->i);
    if (op == "+" && IsNumber(v)) return v;
    if (op == "~" && Is(v, Kind::kInt)) return Int(~v->i);
    return Unknown(node, frame, "operand not statically known");
  }
  if (type == "conditional_expression") {
    // body if condition else alternative
    TSNode body = NamedChild(node, 0);
    TSNode condition = NamedChild(node, 1);
    TSNode alternative = NamedChild(node, 2);
    std::optional<bool> t = Truth(Eval(condition, frame));
    if (!t) return Unknown(node, frame, "condition not statically known");
    return Eval(*t ? body : alternative, frame);
  }
  if (type == "attribute") return EvalAttribute(node, frame);
  if (type == "subscript") return EvalSubscript(node, frame);
  if (type == "call") return EvalCall(node, frame);
  if (type == "lambda") return EvalLambda(node, frame);
  if (type == "list_comprehension" || type == "set_comprehension" ||
      type == "generator_expression" || type == "dictionary_comprehension") {
    return EvalComprehension(node, frame);
  }
  if (type == "named_expression") {
    Val v = Eval(ChildByField(node, "value"), frame);
    Assign(ChildByField(node, "name"), v, frame);
    return v;
  }
  if (type == "await") return Eval(NamedChild(node, 0), frame);
  if (type == "yield") {
    // A generator runs to the end when called: what it yields, in order, is the list the call
    // returns (DAG files iterate them once, with no interplay between producer and consumer).
    if (frame.yielded == nullptr) return Unknown(node, frame, "yield outside a generator");
    NoteAppend(*this, frame.yielded);
    TSNode value = NamedChild(node, 0);
    bool from = false;
    for (TSNode c : Children(node)) from = from || NodeType(c) == "from";
    if (ts_node_is_null(value)) {
      frame.yielded->items.push_back(None());
    } else if (!from) {
      frame.yielded->items.push_back(Eval(value, frame));
    } else {
      std::vector<Val> items;
      if (!Iterate(Eval(value, frame), items, node, frame)) {
        frame.yielded->items.push_back(
            Unknown(node, frame, "yield from an iterable not statically known"));
      } else {
        frame.yielded->items.insert(frame.yielded->items.end(), items.begin(), items.end());
      }
    }
    return Unknown(node, frame, "value sent into a generator");
  }
  if (type == "keyword_argument" || type == "list_splat" || type == "dictionary_splat") {
    return Unknown(node, frame, "argument outside a call");
  }
  return Unknown(node, frame, fmt::format("'{}' expression", type));
}

Val Evaluator::Lookup(std::string_view name, TSNode node, Frame& frame) {
  for (Scope* s = frame.scope; s != nullptr; s = s->enclosing) {
    if (Val* v = s->Find(name)) return *v;
  }
  if (Val* v = frame.module->globals->Find(name)) return *v;
  if (IsBuiltinName(name)) return Builtin(std::string(name));
  // `from airflow.operators import *`: the name comes from that module.
  for (Scope* s = frame.scope; s != nullptr; s = s->enclosing) {
    if (!s->wildcard_modules.empty())
      return ResolveExternalName(*this, s->wildcard_modules.back() + "." + std::string(name), node,
                                 frame);
  }
  if (!frame.module->globals->wildcard_modules.empty()) {
    return ResolveExternalName(
        *this, frame.module->globals->wildcard_modules.back() + "." + std::string(name), node,
        frame);
  }
  if (!frame.module->globals->unknown_names) {
    // Python raises NameError; at module level the file does not import.
    Report("DP120", node, frame, fmt::format("name '{}' is not defined", name),
           "Airflow would fail to import the file with NameError");
    RaiseIfCertain(node, frame, fmt::format("NameError: name '{}' is not defined", name));
  }
  Report("DP120", node, frame, fmt::format("name '{}' is not defined", name),
         "Airflow would fail to import the file with NameError, unless the name comes from a "
         "wildcard import dagport could not follow");
  return Unresolved(std::string(name), "name is not defined");
}

Val Evaluator::EvalString(TSNode node, Frame& frame) {
  // Most strings hold no escape and no interpolation: their value is their text between the
  // quotes, without a walk of their children (each costs hundreds of instructions in
  // tree-sitter 0.20's node API).
  if (std::optional<std::string_view> plain = PlainStringContent(Text(node, frame));
      plain && !ts_node_has_error(node))
    return Str(std::string(*plain));
  std::string out;
  bool unresolved = false;
  std::string reason;
  StringPrefix prefix;
  for (TSNode c : Children(node)) {
    const std::string_view t = NodeType(c);
    if (t == "string_start") {
      prefix = ParseStringPrefix(Text(c, frame));
    } else if (t == "string_content") {
      // Content with escape sequences and escaped braces as children.
      const uint32_t start = ts_node_start_byte(c);
      uint32_t cursor = start;
      std::string_view all = frame.module->tree->text();
      for (TSNode e : Children(c)) {
        out.append(all.substr(cursor, ts_node_start_byte(e) - cursor));
        const std::string_view et = NodeType(e);
        if (et == "escape_sequence" && !prefix.raw) {
          out += DecodeEscape(Text(e, frame), prefix.bytes);
        } else if (et == "escape_interpolation") {
          out += Text(e, frame).substr(0, 1);  // `{{` is `{` in an f-string
        } else {
          out.append(Text(e, frame));
        }
        cursor = ts_node_end_byte(e);
      }
      out.append(all.substr(cursor, ts_node_end_byte(c) - cursor));
    } else if (t == "interpolation") {
      Val v = Eval(ChildByField(c, "expression"), frame);
      TSNode conversion = ChildByField(c, "type_conversion");
      TSNode spec = ChildByField(c, "format_specifier");
      std::optional<std::string> piece;
      if (!IsUnresolved(v)) {
        Val converted = v;
        if (!ts_node_is_null(conversion) && Text(conversion, frame) == "!r") {
          auto r = Repr(v);
          converted = r ? Str(*r) : nullptr;
        }
        std::string spec_text;
        bool spec_known = true;
        if (!ts_node_is_null(spec)) {
          // The specification may hold interpolations of its own: f"{i:0{width}d}".
          uint32_t cursor = ts_node_start_byte(spec);
          const std::string_view all = frame.module->tree->text();
          for (TSNode part : NamedChildren(spec)) {
            const std::string_view part_type = ts_node_type(part);
            if (part_type != "interpolation" && part_type != "format_expression") continue;
            spec_text.append(all.substr(cursor, ts_node_start_byte(part) - cursor));
            std::optional<std::string> nested =
                ToStr(Eval(ChildByField(part, "expression"), frame));
            spec_known = spec_known && nested.has_value();
            spec_text += nested.value_or("");
            cursor = ts_node_end_byte(part);
          }
          spec_text.append(all.substr(cursor, ts_node_end_byte(spec) - cursor));
          if (!spec_text.empty() && spec_text[0] == ':') spec_text.erase(0, 1);
        }
        if (converted != nullptr && spec_known) piece = FormatWithSpec(converted, spec_text);
      } else {
        reason = v->reason();
      }
      if (!piece) {
        unresolved = true;
        if (reason.empty()) reason = "f-string part not statically known";
      } else {
        out += *piece;
      }
    }
  }
  if (unresolved) return Unknown(node, frame, reason);
  return Str(std::move(out));
}

Val Evaluator::EvalConcatenatedString(TSNode node, Frame& frame) {
  std::string out;
  for (TSNode c : NamedChildren(node)) {
    Val part = Eval(c, frame);
    if (!Is(part, Kind::kStr))
      return Unknown(node, frame, IsUnresolved(part) ? part->reason() : "not a string");
    out += part->text;
  }
  return Str(std::move(out));
}

Val Evaluator::EvalCollection(TSNode node, Frame& frame, Kind kind) {
  std::vector<Val> items;
  for (TSNode c : NamedChildren(node)) {
    if (NodeType(c) == "list_splat" || NodeType(c) == "parenthesized_list_splat") {
      TSNode inner = NamedChild(c, 0);
      Val v = Eval(inner, frame);
      std::vector<Val> spread;
      if (!Iterate(v, spread, inner, frame))
        return Unknown(node, frame, "unpacking of a value not statically known");
      items.insert(items.end(), spread.begin(), spread.end());
    } else if (NodeType(c) == "comment") {
      continue;
    } else {
      items.push_back(Eval(c, frame));
    }
  }
  if (kind == Kind::kList) return List(std::move(items));
  if (kind == Kind::kSet) return Set(items);
  return Tuple(std::move(items));
}

Val Evaluator::EvalDictionary(TSNode node, Frame& frame) {
  Val d = Dict();
  for (TSNode c : NamedChildren(node)) {
    if (NodeType(c) == "pair") {
      Val k = Eval(ChildByField(c, "key"), frame);
      Val v = Eval(ChildByField(c, "value"), frame);
      DictSet(d, k, v);
    } else if (NodeType(c) == "dictionary_splat") {
      Val other = Eval(NamedChild(c, 0), frame);
      if (!Is(other, Kind::kDict))
        return Unknown(node, frame, "unpacking of a mapping not statically known");
      for (auto& [k, v] : other->entries) DictSet(d, k, v);
    }
  }
  return d;
}

Val Evaluator::EvalBinary(TSNode node, Frame& frame) {
  Val a = Eval(ChildByField(node, "left"), frame);
  Val b = Eval(ChildByField(node, "right"), frame);
  return BinaryOperation(*this, OperatorToken(node), a, b, node, frame);
}

Val Evaluator::EvalComparison(TSNode node, Frame& frame) {
  // a < b < c: operands are the named children, operators the anonymous tokens between them
  // ("not in" and "is not" are two tokens).
  std::vector<TSNode> operands;
  std::vector<std::string> ops;
  std::string pending;
  for (TSNode c : Children(node)) {
    if (ts_node_is_named(c)) {
      if (!pending.empty()) ops.push_back(pending);
      pending.clear();
      operands.push_back(c);
    } else {
      pending =
          pending.empty() ? std::string(NodeType(c)) : pending + " " + std::string(NodeType(c));
    }
  }
  if (operands.size() < 2 || ops.size() != operands.size() - 1)
    return Unknown(node, frame, "comparison");
  Val left = Eval(operands[0], frame);
  for (size_t i = 0; i < ops.size(); ++i) {
    Val right = Eval(operands[i + 1], frame);
    std::optional<bool> r = Compare(ops[i], left, right);
    if (!r) return Unknown(node, frame, "comparison of values not statically known");
    if (!*r) return Bool(false);
    left = right;
  }
  return Bool(true);
}

Val Evaluator::EvalBoolean(TSNode node, Frame& frame) {
  const std::string op = OperatorToken(node);
  Val left = Eval(ChildByField(node, "left"), frame);
  std::optional<bool> t = Truth(left);
  if (!t) {
    // `x or default` with x unknown stays unknown; so does `x and y`.
    Eval(ChildByField(node, "right"), frame);
    return Unknown(node, frame, "truth of a value not statically known");
  }
  if (op == "and") return *t ? Eval(ChildByField(node, "right"), frame) : left;
  return *t ? left : Eval(ChildByField(node, "right"), frame);
}

Val Evaluator::EvalAttribute(TSNode node, Frame& frame) {
  Val obj = Eval(ChildByField(node, "object"), frame);
  return GetAttribute(*this, obj, std::string(Text(ChildByField(node, "attribute"), frame)), node,
                      frame);
}

std::array<Val, 3> Evaluator::SliceParts(TSNode slice, Frame& frame) {
  std::array<Val, 3> parts = {None(), None(), None()};
  int part = 0;
  for (TSNode c : Children(slice)) {
    if (!ts_node_is_named(c)) {
      if (NodeType(c) == ":") ++part;
      continue;
    }
    if (part < 3) parts[part] = Eval(c, frame);
  }
  return parts;
}

Val Evaluator::EvalSubscript(TSNode node, Frame& frame) {
  Val obj = Eval(ChildByField(node, "value"), frame);
  TSNode sub = ChildByField(node, "subscript");
  if (NodeType(sub) == "slice") {
    const std::array<Val, 3> parts = SliceParts(sub, frame);
    return SliceOf(*this, obj, parts[0], parts[1], parts[2], node, frame);
  }
  // d[a, b] has several subscripts: a tuple key.
  if (ts_node_named_child_count(node) > 2) {
    std::vector<Val> keys;
    const NodeList parts = NamedChildren(node);
    for (size_t i = 1; i < parts.size(); ++i) keys.push_back(Eval(parts[i], frame));
    return Index(*this, obj, Tuple(std::move(keys)), node, frame);
  }
  return Index(*this, obj, Eval(sub, frame), node, frame);
}

Val Evaluator::EvalLambda(TSNode node, Frame& frame) {
  auto* fn = CurrentHeap().Make<FunctionInfo>();
  fn->name = "<lambda>";
  fn->node = node;
  fn->module = frame.module;
  fn->closure = frame.is_function ? frame.scope : nullptr;
  TSNode params = ChildByField(node, "parameters");
  if (!ts_node_is_null(params)) {
    const NodeList list = NamedChildren(params);
    fn->defaults.assign(list.size(), nullptr);
    for (size_t i = 0; i < list.size(); ++i) {
      const TSNode p = list[i];
      if (NodeType(p) == "default_parameter")
        fn->defaults[i] = Eval(ChildByField(p, "value"), frame);
    }
  }
  Val v = CurrentHeap().Make<Obj>();
  v->kind = Kind::kFunction;
  v->function = fn;
  return v;
}

Val Evaluator::EvalComprehension(TSNode node, Frame& frame) {
  const std::string_view type = NodeType(node);
  TSNode body = ChildByField(node, "body");
  std::vector<TSNode> clauses;
  for (TSNode c : NamedChildren(node)) {
    if (NodeType(c) == "for_in_clause" || NodeType(c) == "if_clause") clauses.push_back(c);
  }
  // A comprehension has a scope of its own (Python 3): loop variables do not leak.
  auto* scope = CurrentHeap().Make<Scope>();
  scope->module = frame.module;
  scope->enclosing = frame.scope;
  Frame inner = frame;
  inner.scope = scope;
  inner.is_function = true;
  std::vector<Val> results;
  Val dict = type == "dictionary_comprehension" ? Dict() : nullptr;
  bool unknown = false;
  size_t produced = 0;

  // Depth-first over the clauses, written iteratively via recursion on a small lambda.
  std::function<void(size_t)> run = [&](size_t k) {
    if (unknown) return;
    if (k == clauses.size()) {
      if (++produced > limits_.max_loop_iterations) {
        unknown = true;
        return;
      }
      if (dict != nullptr) {
        DictSet(dict, Eval(ChildByField(body, "key"), inner),
                Eval(ChildByField(body, "value"), inner));
      } else {
        results.push_back(Eval(body, inner));
      }
      return;
    }
    TSNode c = clauses[k];
    if (NodeType(c) == "if_clause") {
      std::optional<bool> t = Truth(Eval(NamedChild(c, 0), inner));
      if (!t) {
        unknown = true;
        return;
      }
      if (*t) run(k + 1);
      return;
    }
    TSNode right = ChildByField(c, "right");
    std::vector<Val> items;
    if (!Iterate(Eval(right, k == 0 ? frame : inner), items, right, inner)) {
      unknown = true;
      return;
    }
    for (const Val& item : items) {
      Assign(ChildByField(c, "left"), item, inner);
      run(k + 1);
      if (unknown) return;
    }
  };
  run(0);
  if (unknown) {
    Report(
        "DP111", node, frame,
        fmt::format("comprehension '{}' is not statically known", Text(node, frame).substr(0, 80)),
        "tasks it would create are not reported");
    return Unknown(node, frame, "comprehension over values not statically known");
  }
  if (dict != nullptr) return dict;
  if (type == "set_comprehension") return Set(results);
  return List(std::move(results));  // generators are consumed like lists
}

}  // namespace dagport::parser
