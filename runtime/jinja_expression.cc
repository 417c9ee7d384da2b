// The expressions of the local runtime's templates, read into trees with Jinja's grammar and
// precedence (jinja2/parser.py): `a if c else b` < or < and < not < comparisons < + - < ~ <
// * / // % < ** < unary - + < filters, tests and postfix (. [] ()).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "runtime/jinja_syntax.h"

namespace dagport::runtime::jinja {

namespace {

bool IsDigitChar(char c) {
  return c >= '0' && c <= '9';
}

Expr Make(Expr::Kind kind, std::vector<Expr> items, std::string name = {}) {
  Expr e;
  e.kind = kind;
  e.name = std::move(name);
  e.items = std::move(items);
  for (const Expr& item : e.items) e.depth = std::max(e.depth, item.depth + 1);
  if (e.depth > kMaxDepth) throw SyntaxError("the expression is nested too deeply");
  return e;
}

Expr Literal(Json value) {
  Expr e;
  e.value = std::move(value);
  return e;
}

/// Adds `item` to an n-ary node (a list, a call, a comparison).
void Add(Expr& e, Expr item) {
  e.depth = std::max(e.depth, item.depth + 1);
  if (e.depth > kMaxDepth) throw SyntaxError("the expression is nested too deeply");
  e.items.push_back(std::move(item));
}

/// An integer literal (decimal, or 0x, 0o, 0b as Python writes them).
int64_t Integer(const std::string& text) {
  const bool prefixed = text.size() > 2 && text[0] == '0' && !IsDigitChar(text[1]);
  const int base = !prefixed ? 10 : (text[1] | 0x20) == 'x' ? 16 : (text[1] | 0x20) == 'o' ? 8 : 2;
  errno = 0;
  const long long n = std::strtoll(text.c_str() + (prefixed ? 2 : 0), nullptr, base);
  if (errno == ERANGE) throw SyntaxError("the number " + text + " is too large");
  return static_cast<int64_t>(n);
}

std::string Describe(const Token& t) {
  return t.kind == Token::kEnd ? "the end of the tag" : "'" + t.text + "'";
}

}  // namespace

/// Recursion is bounded as the trees are: no stack overflow on `((((...` or `not not ...`.
struct ExpressionParser::Depth {
  explicit Depth(ExpressionParser& p) : p_(p) {
    if (++p_.depth_ > kMaxDepth) throw SyntaxError("the expression is nested too deeply");
  }
  ~Depth() { --p_.depth_; }
  Depth(const Depth&) = delete;
  Depth& operator=(const Depth&) = delete;
  ExpressionParser& p_;
};

const Token& ExpressionParser::Peek(size_t ahead) const {
  return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}
bool ExpressionParser::IsName(std::string_view name) const {
  return Peek().kind == Token::kName && Peek().text == name;
}
bool ExpressionParser::IsOp(std::string_view op) const {
  return Peek().kind == Token::kOp && Peek().text == op;
}
void ExpressionParser::ExpectName(std::string_view name) {
  if (!IsName(name))
    throw SyntaxError(fmt::format("'{}' expected, not {}", name, Describe(Peek())));
  ++pos_;
}
void ExpressionParser::Expect(std::string_view op) {
  if (!IsOp(op)) throw SyntaxError(fmt::format("'{}' expected", op));
  ++pos_;
}
void ExpressionParser::ExpectEnd() {
  if (!AtEnd()) throw SyntaxError(Describe(Peek()) + " was not expected");
}

Expr ExpressionParser::Expression(bool with_condition) {
  const Depth depth(*this);
  return Condition(with_condition);
}

Expr ExpressionParser::Tuple(bool with_condition) {
  Expr first = Expression(with_condition);
  if (!IsOp(",")) return first;
  Expr list = Make(Expr::kList, {});
  Add(list, std::move(first));
  while (IsOp(",")) {
    ++pos_;
    if (AtEnd() || IsOp(")")) break;
    Add(list, Expression(with_condition));
  }
  return list;
}

std::vector<std::string> ExpressionParser::Targets() {
  const bool parenthesized = IsOp("(");
  if (parenthesized) ++pos_;
  std::vector<std::string> names;
  do {
    if (!names.empty()) ++pos_;  // the comma
    if (Peek().kind != Token::kName || IsName("in"))
      throw SyntaxError(fmt::format("a name to assign to is expected, not {}", Describe(Peek())));
    names.push_back(Peek().text);
    ++pos_;
  } while (IsOp(","));
  if (parenthesized) Expect(")");
  return names;
}

/// `a if cond else b`; without else, the value is undefined when the condition is false.
Expr ExpressionParser::Condition(bool with_condition) {
  Expr e = Or();
  while (with_condition && IsName("if")) {
    ++pos_;
    Expr cond = Or();
    std::vector<Expr> items = {std::move(e), std::move(cond)};
    if (IsName("else")) {
      ++pos_;
      items.push_back(Expression());
    }
    e = Make(Expr::kCondition, std::move(items));
  }
  return e;
}

Expr ExpressionParser::LeftToRight(std::initializer_list<std::string_view> ops, Expr::Kind kind,
                                   Expr (ExpressionParser::*operand)()) {
  Expr e = (this->*operand)();
  for (;;) {
    const auto op = std::find_if(ops.begin(), ops.end(),
                                 [&](std::string_view o) { return IsOp(o) || IsName(o); });
    if (op == ops.end()) return e;
    ++pos_;
    e = Make(kind, {std::move(e), (this->*operand)()}, std::string(*op));
  }
}

Expr ExpressionParser::Or() {
  return LeftToRight({"or"}, Expr::kOr, &ExpressionParser::And);
}
Expr ExpressionParser::And() {
  return LeftToRight({"and"}, Expr::kAnd, &ExpressionParser::Not);
}

Expr ExpressionParser::Not() {
  if (!IsName("not")) return Compare();
  const Depth depth(*this);
  ++pos_;
  return Make(Expr::kNot, {Not()});
}

Expr ExpressionParser::Compare() {
  Expr first = Additive();
  Expr e = Make(Expr::kCompare, {});
  for (;;) {
    std::string op;
    for (const char* o : {"==", "!=", "<", ">", "<=", ">="})
      if (IsOp(o)) op = o;
    if (op.empty() && IsName("in")) op = "in";
    if (op.empty() && IsName("not") && Peek(1).kind == Token::kName && Peek(1).text == "in") {
      op = "not in";
      ++pos_;
    }
    if (op.empty()) break;
    ++pos_;
    if (e.items.empty()) Add(e, std::move(first));
    e.ops.push_back(op);
    Add(e, Additive());
  }
  return e.items.empty() ? first : e;
}

Expr ExpressionParser::Additive() {
  return LeftToRight({"+", "-"}, Expr::kBinary, &ExpressionParser::Concat);
}

Expr ExpressionParser::Concat() {
  Expr first = Multiplicative();
  if (!IsOp("~")) return first;
  Expr e = Make(Expr::kConcat, {});
  Add(e, std::move(first));
  while (IsOp("~")) {
    ++pos_;
    Add(e, Multiplicative());
  }
  return e;
}

Expr ExpressionParser::Multiplicative() {
  return LeftToRight({"*", "/", "//", "%"}, Expr::kBinary, &ExpressionParser::Power);
}

Expr ExpressionParser::Power() {
  return LeftToRight({"**"}, Expr::kBinary, &ExpressionParser::FilteredUnary);
}

/// As Jinja: `-x | f` is `(-x) | f`, and `-2 ** 2` is 4.
Expr ExpressionParser::Unary(bool with_filters) {
  Expr e;
  if (IsOp("-") || IsOp("+")) {
    const Depth depth(*this);
    const bool minus = IsOp("-");
    ++pos_;
    e = Make(minus ? Expr::kNegative : Expr::kPositive, {Unary(false)});
  } else {
    e = Primary();
  }
  e = Postfix(std::move(e));
  return with_filters ? FilterOrTest(std::move(e)) : e;
}

Expr ExpressionParser::Primary() {
  const Token t = Peek();
  ++pos_;
  switch (t.kind) {
    case Token::kName:
      if (t.text == "true" || t.text == "True") return Literal(true);
      if (t.text == "false" || t.text == "False") return Literal(false);
      if (t.text == "none" || t.text == "None") return Literal(nullptr);
      return Make(Expr::kName, {}, t.text);
    case Token::kString: {
      std::string text = t.text;  // 'a' 'b' is 'ab', as in Python
      while (Peek().kind == Token::kString) text += tokens_[pos_++].text;
      return Literal(text);
    }
    case Token::kInteger: return Literal(Integer(t.text));
    case Token::kFloat: return Literal(std::strtod(t.text.c_str(), nullptr));
    case Token::kOp:
      if (t.text == "(") {
        if (IsOp(")")) {  // () is an empty tuple
          ++pos_;
          return Make(Expr::kList, {});
        }
        Expr e = Tuple();
        Expect(")");
        return e;
      }
      if (t.text == "[" || t.text == "{") {
        const bool dict = t.text == "{";
        Expr e = Make(dict ? Expr::kDict : Expr::kList, {});
        while (!IsOp(dict ? "}" : "]")) {
          Add(e, Expression());
          if (dict) {
            Expect(":");
            Add(e, Expression());
          }
          if (!IsOp(",")) break;
          ++pos_;
        }
        Expect(dict ? "}" : "]");
        return e;
      }
      throw SyntaxError("'" + t.text + "' was not expected");
    case Token::kEnd: throw SyntaxError("the expression ends too early");
  }
  return Literal(nullptr);
}

Expr ExpressionParser::Postfix(Expr e) {
  for (;;) {
    if (IsOp(".") || IsOp("[")) {
      e = Subscript(std::move(e));
    } else if (IsOp("(")) {
      e = Call(std::move(e));
    } else {
      return e;
    }
  }
}

/// `.name`, `.0`, `[key]` and `[start:stop:step]`.
Expr ExpressionParser::Subscript(Expr target) {
  if (IsOp(".")) {
    ++pos_;
    const Token t = Peek();
    ++pos_;
    if (t.kind == Token::kName) return Make(Expr::kAttribute, {std::move(target)}, t.text);
    if (t.kind == Token::kInteger)
      return Make(Expr::kItem, {std::move(target), Literal(Integer(t.text))});
    throw SyntaxError("a name is expected after '.'");
  }
  Expect("[");
  std::vector<Expr> parts;  // start, stop, step of a slice
  bool slice = false;
  for (int part = 0; part < 3; ++part) {
    if (IsOp(":") || IsOp("]")) {
      parts.push_back(Literal(nullptr));
    } else {
      parts.push_back(Expression());
    }
    if (!IsOp(":") || part == 2) break;
    slice = true;
    ++pos_;
  }
  Expect("]");
  if (!slice) return Make(Expr::kItem, {std::move(target), std::move(parts[0])});
  parts.resize(3, Literal(nullptr));
  parts.insert(parts.begin(), std::move(target));
  return Make(Expr::kSlice, std::move(parts));
}

Expr ExpressionParser::Call(Expr callee) {
  Expr call = Make(Expr::kCall, {std::move(callee)});
  Arguments(call);
  return call;
}

void ExpressionParser::Arguments(Expr& call) {
  Expect("(");
  while (!IsOp(")")) {
    if (IsOp("*") || IsOp("**")) throw SyntaxError("*args and **kwargs are not supported");
    if (Peek().kind == Token::kName && Peek(1).kind == Token::kOp && Peek(1).text == "=") {
      call.keywords.push_back(Peek().text);
      pos_ += 2;
      Add(call, Expression());
    } else {
      if (!call.keywords.empty())
        throw SyntaxError("a positional argument cannot follow a keyword argument");
      Add(call, Expression());
    }
    if (!IsOp(",")) break;
    ++pos_;
  }
  Expect(")");
}

std::string ExpressionParser::DottedName() {
  if (Peek().kind != Token::kName) throw SyntaxError(Describe(Peek()) + " is not a name");
  std::string name = tokens_[pos_++].text;
  while (IsOp(".") && Peek(1).kind == Token::kName) {
    name += "." + Peek(1).text;
    pos_ += 2;
  }
  return name;
}

/// `| filter(args)`, `is [not] test(args)` or `is test arg`, and calls after them.
Expr ExpressionParser::FilterOrTest(Expr e) {
  for (;;) {
    if (IsOp("|")) {
      ++pos_;
      if (Peek().kind != Token::kName) throw SyntaxError("a filter name is expected after '|'");
      Expr filter = Make(Expr::kFilter, {std::move(e)}, DottedName());
      if (IsOp("(")) Arguments(filter);
      e = std::move(filter);
    } else if (IsName("is")) {
      ++pos_;
      const bool negated = IsName("not");
      if (negated) ++pos_;
      if (Peek().kind != Token::kName) throw SyntaxError("a test name is expected after 'is'");
      Expr test = Make(Expr::kTest, {std::move(e)}, DottedName());
      test.negated = negated;
      const Token& next = Peek();
      if (IsOp("(")) {
        Arguments(test);
      } else if ((next.kind == Token::kName || next.kind == Token::kString ||
                  next.kind == Token::kInteger || next.kind == Token::kFloat || IsOp("[") ||
                  IsOp("{")) &&
                 !IsName("else") && !IsName("or") && !IsName("and") && !IsName("if")) {
        if (IsName("is")) throw SyntaxError("tests cannot be chained with 'is'");
        Add(test, Postfix(Primary()));  // `x is divisibleby 3`, `x is sameas false`
      }
      e = std::move(test);
    } else if (IsOp("(")) {
      e = Call(std::move(e));
    } else {
      return e;
    }
  }
}

}  // namespace dagport::runtime::jinja
