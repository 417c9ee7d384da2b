// Renders the tree of a template (see jinja_syntax.h) with Jinja's semantics: `and`, `or` and
// `a if c else b` evaluate only the side they need; a `{% for %}` body and its `{% else %}` have
// a scope of their own for each iteration (a `{% set %}` there does not leak out), `{% if %}`
// does not; the `loop` variable; Jinja's globals range() and dict(); and the limits that keep a
// rendering bounded in time and memory.
#include <fmt/format.h>

#include <map>

#include "runtime/jinja_syntax.h"

namespace dagport::runtime::jinja {

namespace {

using Keywords = std::vector<std::pair<std::string, Val>>;

/// Jinja's range(): a list of at most kMaxRange numbers, as its sandbox allows.
Val Range(const std::vector<Val>& args, const Keywords& kwargs) {
  if (!kwargs.empty() || args.empty() || args.size() > 3)
    throw TemplateError("range() takes one to three integers");
  std::vector<int64_t> n;
  for (const Val& a : args) {
    const Json j = Plain(a);
    if (!j.is_number_integer() && !j.is_boolean()) throw TemplateError("range() takes integers");
    n.push_back(j.is_boolean() ? int64_t{j.get<bool>()} : j.get<int64_t>());
  }
  const int64_t start = n.size() > 1 ? n[0] : 0, stop = n.size() > 1 ? n[1] : n[0];
  const int64_t step = n.size() > 2 ? n[2] : 1;
  if (step == 0) throw TemplateError("range() step must not be zero");
  // Python's length of the range, in unsigned 64 bits: the difference cannot overflow.
  uint64_t length = 0;
  const uint64_t by = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  if (step > 0 && start < stop)
    length = (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) / by + 1;
  if (step < 0 && start > stop)
    length = (static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) / by + 1;
  if (length > static_cast<uint64_t>(kMaxRange))
    throw TemplateError(
        fmt::format("range() would give {} numbers: Airflow's sandboxed Jinja allows {} at most",
                    length, kMaxRange));
  Json out = Json::array();
  for (uint64_t i = 0; i < length; ++i)
    out.push_back(
        static_cast<int64_t>(static_cast<uint64_t>(start) + i * static_cast<uint64_t>(step)));
  return Val::Data(out);
}

class Renderer {
 public:
  explicit Renderer(const TemplateEnvironment& env) : env_(env) { scopes_.emplace_back(); }

  std::string Run(const Body& body) {
    std::string out;
    RenderBody(body, out);
    return out;
  }

 private:
  using Scope = std::map<std::string, Val, std::less<>>;

  /// A scope for the time of a loop's iteration or its else.
  struct ScopeGuard {
    explicit ScopeGuard(Renderer& r) : r_(r) { r_.scopes_.emplace_back(); }
    ~ScopeGuard() { r_.scopes_.pop_back(); }
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;
    Renderer& r_;
  };

  /// Runs `f`, an error in it located at `tag` (an error located already passes as it is).
  template <typename F>
  auto At(const Tag& tag, F f) -> decltype(f()) {
    try {
      return f();
    } catch (const LocatedError&) {
      throw;
    } catch (const std::exception& e) {
      throw LocatedError(fmt::format("{} cannot be rendered: {}", tag.Where(), e.what()));
    }
  }

  void RenderBody(const Body& body, std::string& out) {
    for (const Node& node : body) RenderNode(node, out);
  }

  void RenderNode(const Node& node, std::string& out) {
    switch (node.kind) {
      case Node::kText:
        if (out.size() + node.text.size() > kMaxOutputBytes) throw LocatedError(TooLong());
        out += node.text;
        return;
      case Node::kOutput:
        At(node.tag, [&] {
          const std::string text = Str(Eval(node.exprs[0]));
          if (out.size() + text.size() > kMaxOutputBytes) throw TemplateError(TooLong());
          out += text;
        });
        return;
      case Node::kIf:
        for (const Clause& clause : node.clauses) {
          if (clause.condition && !At(clause.tag, [&] { return Truthy(Eval(*clause.condition)); }))
            continue;
          RenderBody(clause.body, out);  // in the same scope: a set in an if is seen after it
          return;
        }
        return;
      case Node::kFor: RenderFor(node, out); return;
      case Node::kSet: At(node.tag, [&] { Assign(node.targets, Eval(node.exprs[0])); }); return;
      case Node::kSetBlock: {
        std::string text;
        {
          const ScopeGuard scope(*this);  // a set inside the block stays in it, as in Jinja
          RenderBody(node.clauses[0].body, text);
        }
        At(node.tag, [&] { CheckSize(Json(text)); });
        scopes_.back()[node.targets[0]] = Val::Data(std::move(text));
        return;
      }
    }
  }

  static std::string TooLong() {
    return fmt::format("the rendered text would be larger than {} MB", kMaxOutputBytes >> 20);
  }

  void RenderFor(const Node& node, std::string& out) {
    const std::vector<Json> items = At(node.tag, [&] { return LoopItems(node); });
    for (size_t i = 0; i < items.size(); ++i) {
      const ScopeGuard scope(*this);
      At(node.tag, [&] {
        CountIteration();
        Assign(node.targets, Val::Data(items[i]));
        scopes_.back()["loop"] = LoopVariable(items, i);
      });
      RenderBody(node.clauses[0].body, out);
    }
    if (items.empty() && node.clauses.size() > 1) {
      const ScopeGuard scope(*this);
      RenderBody(node.clauses[1].body, out);
    }
  }

  /// The items a loop iterates over: those its `if` keeps, when it has one.
  std::vector<Json> LoopItems(const Node& node) {
    std::vector<Json> items = Elements(Eval(node.exprs[0]));
    if (node.exprs.size() < 2) return items;
    std::vector<Json> kept;
    for (Json& item : items) {
      CountIteration();
      const ScopeGuard scope(*this);
      Assign(node.targets, Val::Data(item));
      if (Truthy(Eval(node.exprs[1]))) kept.push_back(std::move(item));
    }
    return kept;
  }

  void CountIteration() {
    if (++iterations_ > kMaxIterations)
      throw TemplateError(fmt::format(
          "the loops would run more than {} times (a template is a command, not a program)",
          kMaxIterations));
  }

  static Val LoopVariable(const std::vector<Json>& items, size_t i) {
    const auto n = static_cast<int64_t>(items.size()), at = static_cast<int64_t>(i);
    Val loop = Val::Object("loop");
    loop.data = {
        {"index", at + 1},  {"index0", at},        {"revindex", n - at}, {"revindex0", n - at - 1},
        {"first", at == 0}, {"last", at + 1 == n}, {"length", n},        {"depth", 1},
        {"depth0", 0}};
    if (at > 0) loop.data["previtem"] = items[i - 1];
    if (at + 1 < n) loop.data["nextitem"] = items[i + 1];
    return loop;
  }

  /// `x = v`, or `a, b = v` unpacking a list (or a string) of as many items.
  void Assign(const std::vector<std::string>& targets, const Val& value) {
    if (targets.size() == 1) {
      scopes_.back()[targets[0]] = value;
      return;
    }
    const std::vector<Json> parts = Elements(value);
    if (parts.size() != targets.size())
      throw TemplateError(fmt::format("{} cannot be unpacked into {} names ({} items)",
                                      PythonRepr(Plain(value)), targets.size(), parts.size()));
    for (size_t i = 0; i < parts.size(); ++i) scopes_.back()[targets[i]] = Val::Data(parts[i]);
  }

  Val Lookup(const std::string& name) {
    for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope)
      if (auto it = scope->find(name); it != scope->end()) return it->second;
    if (name == "range" || name == "dict") return Val::Method(Val::Object("jinja"), name);
    if (name == "loop") return Val::Undefined("'loop' is defined only inside a {% for %} loop");
    if (name == "namespace" || name == "cycler" || name == "joiner" || name == "lipsum")
      throw TemplateError(fmt::format("Jinja's {}() is not supported by the local runtime", name));
    return Name(env_, name);
  }

  /// Evaluates `e`, counting what the value takes against kMaxWorkBytes.
  Val Eval(const Expr& e) {
    Val v = Compute(e);
    work_ += v.kind == Val::kData ? ApproxSize(v.data, kMaxWorkBytes) : 16;
    if (work_ > kMaxWorkBytes)
      throw TemplateError(
          fmt::format("rendering would make more than {} MB of values", kMaxWorkBytes >> 20));
    return v;
  }

  std::pair<std::vector<Val>, Keywords> Arguments(const Expr& e) {
    std::vector<Val> args;
    Keywords kwargs;
    for (size_t i = 1; i < e.items.size(); ++i) {
      Val v = Eval(e.items[i]);
      if (i <= e.positional()) {
        args.push_back(std::move(v));
      } else {
        kwargs.emplace_back(e.keywords[i - 1 - e.positional()], std::move(v));
      }
    }
    return {std::move(args), std::move(kwargs)};
  }

  Val Compute(const Expr& e) {
    switch (e.kind) {
      case Expr::kLiteral: return Val::Data(e.value);
      case Expr::kName: return Lookup(e.name);
      case Expr::kList: {
        Json list = Json::array();
        for (const Expr& item : e.items) list.push_back(Plain(Eval(item)));
        return Val::Data(CheckSize(list));
      }
      case Expr::kDict: {
        Json dict = Json::object();
        for (size_t i = 0; i + 1 < e.items.size(); i += 2) {
          const Json key = Plain(Eval(e.items[i]));
          if (!key.is_string()) throw TemplateError("a dict's keys must be strings here");
          dict[key.get<std::string>()] = Plain(Eval(e.items[i + 1]));
        }
        return Val::Data(CheckSize(dict));
      }
      case Expr::kAttribute: return GetAttribute(Eval(e.items[0]), e.name);
      case Expr::kItem: {
        const Val v = Eval(e.items[0]);
        const Val key = Eval(e.items[1]);
        if (v.kind == Val::kObject && v.name == "loop" && Plain(key).is_string())
          return GetAttribute(v, Plain(key).get<std::string>());
        return Item(env_, v, key);
      }
      case Expr::kSlice:
        return Slice(Eval(e.items[0]), Plain(Eval(e.items[1])), Plain(Eval(e.items[2])),
                     Plain(Eval(e.items[3])));
      case Expr::kCall: {
        const Val f = Eval(e.items[0]);
        const auto [args, kwargs] = Arguments(e);
        return CallFunction(f, args, kwargs);
      }
      case Expr::kFilter: {
        const Val v = Eval(e.items[0]);
        auto [args, kwargs] = Arguments(e);
        return Filter(v, e.name, std::move(args), kwargs);
      }
      case Expr::kTest: {
        const Val v = Eval(e.items[0]);
        const auto [args, kwargs] = Arguments(e);
        if (!kwargs.empty()) throw TemplateError("a test takes no keyword arguments");
        return Val::Data(Test(v, e.name, args) != e.negated);
      }
      case Expr::kNot: return Val::Data(!Truthy(Eval(e.items[0])));
      case Expr::kNegative:
      case Expr::kPositive: {
        const Val v = Eval(e.items[0]);
        const bool minus = e.kind == Expr::kNegative;
        if (v.kind == Val::kDuration) return Val::Duration(minus ? -v.date : v.date);
        const Json j = Plain(v);
        if (j.is_number_float()) return Val::Data(minus ? -j.get<double>() : j.get<double>());
        if (!j.is_number() && !j.is_boolean())
          throw TemplateError(fmt::format("'{}' needs a number", minus ? '-' : '+'));
        return Arithmetic(Val::Data(0), minus ? "-" : "+", Val::Data(j));
      }
      case Expr::kBinary: {
        const Val l = Eval(e.items[0]);
        return Arithmetic(l, e.name, Eval(e.items[1]));
      }
      case Expr::kConcat: {
        std::string text;
        for (const Expr& item : e.items) {
          text += Str(Eval(item));
          if (text.size() > kMaxValueBytes)
            throw TemplateError("the text would be larger than 1 MB");
        }
        return Val::Data(text);
      }
      case Expr::kCompare: {
        Val left = Eval(e.items[0]);
        for (size_t i = 0; i < e.ops.size(); ++i) {
          Val right = Eval(e.items[i + 1]);
          if (!Comparison(left, e.ops[i], right)) return Val::Data(false);
          left = std::move(right);
        }
        return Val::Data(true);
      }
      case Expr::kAnd: {
        Val l = Eval(e.items[0]);
        return Truthy(l) ? Eval(e.items[1]) : l;
      }
      case Expr::kOr: {
        Val l = Eval(e.items[0]);
        return Truthy(l) ? l : Eval(e.items[1]);
      }
      case Expr::kCondition:
        if (Truthy(Eval(e.items[1]))) return Eval(e.items[0]);
        if (e.items.size() > 2) return Eval(e.items[2]);
        // Jinja's Undefined rather than the environment's: '' when rendered.
        return Val::Lenient("the condition is false and there is no else");
    }
    return Val::Data(nullptr);
  }

  Val GetAttribute(const Val& v, const std::string& name) {
    if (v.kind != Val::kObject || v.name != "loop") return Attribute(env_, v, name);
    if (name == "cycle") return Val::Method(v, name);
    if (v.data.contains(name)) return Val::Data(v.data.at(name));
    if (name == "previtem" || name == "nextitem")
      return Val::Undefined(
          fmt::format("there is no {} item", name == "previtem" ? "previous" : "next"));
    throw TemplateError(fmt::format("loop.{} is not supported by the local runtime", name));
  }

  Val CallFunction(const Val& f, const std::vector<Val>& args, const Keywords& kwargs) {
    if (f.kind == Val::kMethod && f.self->kind == Val::kObject && f.self->name == "jinja") {
      if (f.name == "range") return Range(args, kwargs);
      if (!args.empty()) throw TemplateError("dict() takes keyword arguments only here");
      Json dict = Json::object();
      for (const auto& [key, value] : kwargs) dict[key] = Plain(value);
      return Val::Data(dict);
    }
    if (f.kind == Val::kMethod && f.self->kind == Val::kObject && f.self->name == "loop") {
      if (args.empty()) throw TemplateError("loop.cycle() needs at least one value");
      return args[static_cast<size_t>(f.self->data.at("index0").get<int64_t>()) % args.size()];
    }
    return Call(env_, f, args, kwargs);
  }

  const TemplateEnvironment& env_;
  std::vector<Scope> scopes_;  ///< the template's, then one per loop iteration
  size_t iterations_ = 0;
  size_t work_ = 0;
};

}  // namespace

std::string RenderTree(const Body& body, const TemplateEnvironment& env) {
  return Renderer(env).Run(body);
}

}  // namespace dagport::runtime::jinja
