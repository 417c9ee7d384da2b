// The syntax of the local runtime's Jinja templates: text with `{{ }}`, `{# #}` and `{% %}`,
// and the expressions inside, evaluated by recursive descent with Jinja's precedence (see the
// header; what the names mean is in jinja_context.cc, the values in jinja_value.h).
#include "runtime/jinja_template.h"

#include <fmt/format.h>

#include <cctype>
#include <climits>
#include <cmath>
#include <optional>
#include <vector>

#include "runtime/jinja_value.h"

namespace dagport::runtime {

namespace {

using namespace jinja;  // NOLINT(google-build-using-namespace): the evaluator's own vocabulary

/// An error of the expression's form rather than of its values: the same whether the
/// expression is evaluated or only read (the branch not taken), so it is never worth reading
/// again.
struct SyntaxError : TemplateError {
  using TemplateError::TemplateError;
};

struct Token {
  enum Kind { kName, kNumber, kString, kOp, kEnd } kind = kEnd;
  std::string text;
};

std::vector<Token> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.push_back({Token::kName, std::string(s.substr(i, j - i))});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      out.push_back({Token::kNumber, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '\'' || c == '"') {
      std::string text;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          const char e = s[++j];
          text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          text += s[j];
        }
      }
      if (j >= s.size()) throw TemplateError("a string is not closed");
      out.push_back({Token::kString, text});
      i = j + 1;
    } else {
      static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "//", "**"};
      std::string op(1, c);
      for (std::string_view two : kTwo)
        if (s.substr(i, 2) == two) op = std::string(two);
      if (std::string_view("+-*/%~|.,()[]{}:<>=").find(c) == std::string_view::npos)
        throw TemplateError(fmt::format("'{}' is not understood", c));
      out.push_back({Token::kOp, op});
      i += op.size();
    }
  }
  out.push_back({Token::kEnd, ""});
  return out;
}

class Evaluator {
 public:
  Evaluator(std::vector<Token> tokens, const TemplateEnvironment& env)
      : tokens_(std::move(tokens)), env_(env) {}

  Val Run() {
    Val v = Conditional();
    if (Peek().kind != Token::kEnd) throw SyntaxError("'" + Peek().text + "' was not expected");
    return v;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool IsOp(std::string_view op) const { return Peek().kind == Token::kOp && Peek().text == op; }
  bool IsName(std::string_view name) const {
    return Peek().kind == Token::kName && Peek().text == name;
  }
  void Expect(std::string_view op) {
    if (!IsOp(op)) throw SyntaxError(fmt::format("'{}' expected", op));
    ++pos_;
  }

  /// `a if cond else b`; the branch not taken is read without being evaluated.
  Val Conditional() {
    const Depth depth(*this);
    // The value comes before its condition: an error in it counts only when it is taken.
    const size_t start = pos_;
    Val value;
    std::optional<std::string> error;
    try {
      value = Or();
    } catch (const SyntaxError&) {
      throw;  // reading it again would fail the same way (at every level: exponential)
    } catch (const TemplateError& e) {
      error = e.what();
      pos_ = start;
      const bool was = skipping_;
      skipping_ = true;
      Or();
      skipping_ = was;
    }
    if (!IsName("if")) {
      if (error) throw TemplateError(*error);
      return value;
    }
    ++pos_;
    const bool taken = skipping_ ? false : Truthy(Or());
    if (taken && error) {
      // Read the rest, then fail.
      if (IsName("else")) {
        ++pos_;
        const bool was = skipping_;
        skipping_ = true;
        Conditional();
        skipping_ = was;
      }
      throw TemplateError(*error);
    }
    Val otherwise = Val::Undefined("the condition is false and there is no else");
    if (IsName("else")) {
      ++pos_;
      const bool was = skipping_;
      skipping_ = skipping_ || taken;
      otherwise = Conditional();
      skipping_ = was;
    }
    return taken ? value : otherwise;
  }

  /// `a or b`, `a and b`: the right side is evaluated only when it decides, as in Python.
  Val Or() {
    Val v = And();
    while (IsName("or")) {
      ++pos_;
      const bool decided = skipping_ || Truthy(v);
      const bool was = skipping_;
      skipping_ = decided;
      Val r = And();
      skipping_ = was;
      if (!decided) v = r;
    }
    return v;
  }
  Val And() {
    Val v = Not();
    while (IsName("and")) {
      ++pos_;
      const bool decided = skipping_ || !Truthy(v);
      const bool was = skipping_;
      skipping_ = decided;
      Val r = Not();
      skipping_ = was;
      if (!decided) v = r;
    }
    return v;
  }
  Val Not() {
    if (IsName("not")) {
      const Depth depth(*this);
      ++pos_;
      Val v = Not();
      return skipping_ ? v : Val::Data(!Truthy(v));
    }
    return Compare();
  }
  Val Compare() {
    Val v = Additive();
    for (;;) {
      std::string op;
      for (const char* o : {"==", "!=", "<", ">", "<=", ">="})
        if (IsOp(o)) op = o;
      if (op.empty() && IsName("in")) op = "in";
      if (op.empty()) return v;
      ++pos_;
      Val r = Additive();
      if (skipping_) continue;
      v = Val::Data(Comparison(v, op, r));
    }
  }
  bool Comparison(const Val& a, const std::string& op, const Val& b) {
    auto plain = [&](const Val& x) { return x.kind == Val::kDate ? Json(x.date) : Plain(x); };
    const Json l = plain(a), r = plain(b);
    if (op == "==") return l == r;
    if (op == "!=") return l != r;
    if (op == "in") {
      if (r.is_string() && l.is_string())
        return r.get<std::string>().find(l.get<std::string>()) != std::string::npos;
      if (r.is_array()) return std::find(r.begin(), r.end(), l) != r.end();
      if (r.is_object() && l.is_string()) return r.contains(l.get<std::string>());
      throw TemplateError("'in' needs a string, a list or a dict");
    }
    if (op == "<") return l < r;
    if (op == ">") return r < l;
    if (op == "<=") return !(r < l);
    return !(l < r);
  }
  /// `~` binds tighter than `+` and `-`, looser than `*` (Jinja's precedence).
  Val Concat() {
    Val v = Multiplicative();
    while (IsOp("~")) {
      ++pos_;
      Val r = Multiplicative();
      if (!skipping_) v = Val::Data(Str(v) + Str(r));
    }
    return v;
  }
  Val Additive() {
    Val v = Concat();
    while (IsOp("+") || IsOp("-")) {
      const bool plus = Peek().text == "+";
      ++pos_;
      Val r = Concat();
      if (skipping_) continue;
      const Json l = Plain(v), rr = Plain(r);
      if (plus && l.is_string() && rr.is_string()) {
        v = Val::Data(l.get<std::string>() + rr.get<std::string>());
      } else if (l.is_number() && rr.is_number()) {
        v = Number(l, rr, plus ? '+' : '-');
      } else if (plus && l.is_array() && rr.is_array()) {
        Json joined = l;
        for (const Json& x : rr) joined.push_back(x);
        v = Val::Data(joined);
      } else {
        throw TemplateError(fmt::format("cannot {} {} and {}", plus ? "add" : "subtract",
                                        PythonRepr(l), PythonRepr(rr)));
      }
    }
    return v;
  }
  Val Multiplicative() {
    Val v = Unary();
    while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
      const std::string op = Peek().text;
      ++pos_;
      Val r = Unary();
      if (skipping_) continue;
      const Json l = Plain(v), rr = Plain(r);
      if (op == "*" && (l.is_string() || rr.is_string()) &&
          (l.is_number_integer() || rr.is_number_integer())) {
        // 'ab' * 3, as in Python (bounded: a template is a command line, not a buffer)
        const std::string text = l.is_string() ? l.get<std::string>() : rr.get<std::string>();
        const int64_t times = l.is_string() ? rr.get<int64_t>() : l.get<int64_t>();
        std::string out;
        if (times > 0 && !text.empty()) {  // '' * n is '' at once, however large n is
          if (static_cast<uint64_t>(times) > (uint64_t{1} << 20) / text.size())
            throw TemplateError("the repeated string would be larger than 1 MB");
          out.reserve(text.size() * static_cast<size_t>(times));
          for (int64_t i = 0; i < times; ++i) out += text;
        }
        v = Val::Data(out);
        continue;
      }
      if (!l.is_number() || !rr.is_number())
        throw TemplateError(fmt::format("'{}' needs numbers", op));
      v = Number(l, rr, op == "//" ? 'f' : op[0]);
    }
    return v;
  }
  static Val Number(const Json& l, const Json& r, char op) {
    const bool ints = l.is_number_integer() && r.is_number_integer();
    if (ints && op != '/') {
      const int64_t a = l.get<int64_t>(), b = r.get<int64_t>();
      if ((op == 'f' || op == '%') && b == 0) throw TemplateError("division by zero");
      int64_t out = 0;
      bool overflow = false;
      switch (op) {
        case '+': overflow = __builtin_add_overflow(a, b, &out); break;
        case '-': overflow = __builtin_sub_overflow(a, b, &out); break;
        case '*': overflow = __builtin_mul_overflow(a, b, &out); break;
        case 'f':
          if (b == -1 && a == INT64_MIN)
            overflow = true;
          else
            out = a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
          break;
        case '%':
          if (b == -1) {
            out = 0;
          } else {
            out = a % b;
            if (out != 0 && ((out < 0) != (b < 0))) out += b;
          }
          break;
      }
      if (overflow) throw TemplateError("an integer overflows 64 bits");
      return Val::Data(out);
    }
    const double a = l.get<double>(), b = r.get<double>();
    if ((op == '/' || op == 'f' || op == '%') && b == 0) throw TemplateError("division by zero");
    switch (op) {
      case '+': return Val::Data(a + b);
      case '-': return Val::Data(a - b);
      case '*': return Val::Data(a * b);
      case '/': return Val::Data(a / b);
      case 'f': return Val::Data(std::floor(a / b));
      default: return Val::Data(std::fmod(a, b));
    }
  }
  Val Unary() {
    if (IsOp("-")) {
      const Depth depth(*this);
      ++pos_;
      Val v = Unary();
      if (skipping_) return v;
      const Json j = Plain(v);
      if (!j.is_number()) throw TemplateError("'-' needs a number");
      return Number(Json(0), j, '-');
    }
    return Filtered();
  }
  Val Filtered() {
    Val v = Postfix();
    while (IsOp("|")) {
      ++pos_;
      if (Peek().kind != Token::kName) throw SyntaxError("a filter name is expected after '|'");
      const std::string filter = Peek().text;
      ++pos_;
      std::vector<Val> args;
      std::vector<std::pair<std::string, Val>> kwargs;
      if (IsOp("(")) Arguments(args, kwargs);
      if (!skipping_) v = Filter(v, filter, args, kwargs);
    }
    return v;
  }
  Val Postfix() {
    Val v = Primary();
    for (;;) {
      if (IsOp(".")) {
        ++pos_;
        if (Peek().kind != Token::kName) throw SyntaxError("a name is expected after '.'");
        const std::string name = Peek().text;
        ++pos_;
        if (!skipping_) v = Attribute(env_, v, name);
      } else if (IsOp("[")) {
        ++pos_;
        Val key = Conditional();
        Expect("]");
        if (!skipping_) v = Item(env_, v, key);
      } else if (IsOp("(")) {
        std::vector<Val> args;
        std::vector<std::pair<std::string, Val>> kwargs;
        Arguments(args, kwargs);
        if (!skipping_) v = Call(env_, v, args, kwargs);
      } else {
        return v;
      }
    }
  }
  void Arguments(std::vector<Val>& args, std::vector<std::pair<std::string, Val>>& kwargs) {
    Expect("(");
    while (!IsOp(")")) {
      if (Peek().kind == Token::kName && tokens_[pos_ + 1].kind == Token::kOp &&
          tokens_[pos_ + 1].text == "=") {
        const std::string key = Peek().text;
        pos_ += 2;
        kwargs.emplace_back(key, Conditional());
      } else {
        args.push_back(Conditional());
      }
      if (!IsOp(",")) break;
      ++pos_;
    }
    Expect(")");
  }
  Val Primary() {
    const Token t = Peek();
    ++pos_;
    switch (t.kind) {
      case Token::kNumber:
        if (t.text.find('.') != std::string::npos) {
          char* end = nullptr;
          const double d = std::strtod(t.text.c_str(), &end);
          if (end == nullptr || *end != '\0') throw SyntaxError("'" + t.text + "' is not a number");
          return Val::Data(d);
        }
        try {
          return Val::Data(std::stoll(t.text));
        } catch (const std::exception&) {
          throw SyntaxError("the number " + t.text + " is too large");
        }
      case Token::kString: return Val::Data(t.text);
      case Token::kName:
        if (t.text == "True" || t.text == "true") return Val::Data(true);
        if (t.text == "False" || t.text == "false") return Val::Data(false);
        if (t.text == "None" || t.text == "none") return Val::Data(nullptr);
        return skipping_ ? Val::Data(nullptr) : Name(env_, t.text);
      case Token::kOp:
        if (t.text == "(") {
          Val v = Conditional();
          Expect(")");
          return v;
        }
        if (t.text == "[") {
          Json list = Json::array();
          while (!IsOp("]")) {
            list.push_back(skipping_ ? Json() : Plain(Conditional()));
            if (!IsOp(",")) break;
            ++pos_;
          }
          Expect("]");
          return Val::Data(list);
        }
        throw SyntaxError("'" + t.text + "' was not expected");
      case Token::kEnd: throw SyntaxError("the expression ends too early");
    }
    return Val::Data(nullptr);
  }

  /// Nesting is bounded (Jinja itself stops at Python's recursion limit): no stack overflow.
  struct Depth {
    explicit Depth(Evaluator& e) : e_(e) {
      if (e_.depth_ >= 100) throw SyntaxError("the expression is nested too deeply");
      ++e_.depth_;
    }
    ~Depth() { --e_.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;
    Evaluator& e_;
  };

  std::vector<Token> tokens_;
  const TemplateEnvironment& env_;
  size_t pos_ = 0;
  bool skipping_ = false;
  int depth_ = 0;
};

}  // namespace

std::string PythonStr(const Json& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e16)
      return fmt::format("{:.1f}", d);
    return fmt::format("{}", d);
  }
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + PythonRepr(v[i]);
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    out += (first ? "" : ", ") + PythonRepr(Json(it.key())) + ": " + PythonRepr(it.value());
    first = false;
  }
  return out + "}";
}

bool ValueToJson(const ir::Value& v, const TemplateEnvironment* env, Json* out, std::string* why) {
  using K = ir::ValueKind;
  switch (v.kind()) {
    case K::kNone: *out = nullptr; return true;
    case K::kBool: *out = v.as_bool(); return true;
    case K::kInt: *out = v.as_int(); return true;
    case K::kFloat: *out = v.as_float(); return true;
    case K::kString:
    case K::kTemplate:
    case K::kCron: {
      if (env == nullptr) {
        *out = v.as_text();
        return true;
      }
      std::optional<std::string> text = RenderTemplate(v.as_text(), *env, why);
      if (!text) return false;
      *out = std::move(*text);
      return true;
    }
    case K::kList:
    case K::kTuple: {
      *out = Json::array();
      for (const ir::Value& item : v.items()) {
        Json j;
        if (!ValueToJson(item, env, &j, why)) return false;
        out->push_back(std::move(j));
      }
      return true;
    }
    case K::kDict: {
      *out = Json::object();
      for (const auto& [key, value] : v.entries()) {
        Json j;
        if (!key.is_text()) {
          *why = fmt::format("the dict key {} is not a string", key.ToPython());
          return false;
        }
        if (!ValueToJson(value, env, &j, why)) return false;
        (*out)[key.as_text()] = std::move(j);
      }
      return true;
    }
    default:
      *why =
          fmt::format("{} is not known statically (a value dagport cannot compute)", v.ToPython());
      return false;
  }
}

std::optional<std::string> RenderTemplate(std::string_view text, const TemplateEnvironment& env,
                                          std::string* why) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('{', at);
    if (open == std::string_view::npos || open + 1 >= text.size()) {
      out.append(text.substr(at));
      break;
    }
    const char kind = text[open + 1];
    if (kind != '{' && kind != '%' && kind != '#') {
      out.append(text.substr(at, open + 1 - at));
      at = open + 1;
      continue;
    }
    const std::string closer = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
    const size_t close = text.find(closer, open + 2);
    if (close == std::string_view::npos) {
      *why = fmt::format("'{}' is not closed with '{}'", text.substr(open, 2), closer);
      return std::nullopt;
    }
    std::string_view inner = text.substr(open + 2, close - open - 2);
    std::string_view literal = text.substr(at, open - at);
    if (!inner.empty() && inner.front() == '-') {  // {{- trims the whitespace before it
      inner.remove_prefix(1);
      while (!literal.empty() && std::isspace(static_cast<unsigned char>(literal.back())))
        literal.remove_suffix(1);
    }
    bool trim_after = false;
    if (!inner.empty() && inner.back() == '-') {
      inner.remove_suffix(1);
      trim_after = true;
    }
    out.append(literal);
    const std::string shown(text.substr(open, close + 2 - open));
    if (kind == '%') {
      *why = fmt::format("{} is a Jinja statement, which the local runtime does not render", shown);
      return std::nullopt;
    }
    if (kind == '{') {
      try {
        Evaluator ev(Lex(inner), env);
        out += Str(ev.Run());
      } catch (const TemplateError& e) {
        *why = fmt::format("{} cannot be rendered: {}", shown, e.what());
        return std::nullopt;
      } catch (const std::exception& e) {  // a JSON or conversion error
        *why = fmt::format("{} cannot be rendered: {}", shown, e.what());
        return std::nullopt;
      }
    }
    at = close + 2;
    if (trim_after)
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  }
  return out;
}

}  // namespace dagport::runtime
