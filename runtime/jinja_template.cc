// A small Jinja expression evaluator for Airflow's template context (see the header).
#include "runtime/jinja_template.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sched/clock.h"

namespace dagport::runtime {

using Json = nlohmann::ordered_json;
using sched::Millis;

namespace {

struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A value while rendering: plain data (JSON), a date, an object of the context (`macros`,
/// `ti`, `var.value`, ...), a bound method, or an undefined name (an error when rendered,
/// replaced by `default`).
struct Val {
  enum Kind { kData, kDate, kObject, kMethod, kUndefined } kind = kData;
  Json data;
  Millis date = 0;
  std::string name;  ///< kObject: the object; kMethod: the method; kUndefined: what is missing
  std::shared_ptr<Val> self;

  static Val Make(Kind kind, Json data, Millis date, std::string name) {
    Val v;
    v.kind = kind;
    v.data = std::move(data);
    v.date = date;
    v.name = std::move(name);
    return v;
  }
  static Val Data(Json j) { return Make(kData, std::move(j), 0, {}); }
  static Val Date(Millis t) { return Make(kDate, {}, t, {}); }
  static Val Object(std::string n) { return Make(kObject, {}, 0, std::move(n)); }
  static Val Undefined(std::string what) { return Make(kUndefined, {}, 0, std::move(what)); }
  static Val Method(const Val& self, std::string n) {
    Val v = Make(kMethod, {}, 0, std::move(n));
    v.self = std::make_shared<Val>(self);
    return v;
  }
};

std::string PythonRepr(const Json& v);

/// Jinja's `tojson`: json.dumps with sorted keys and ", "/": " separators, with < > & '
/// escaped as \u003c... so that the text is safe inside HTML and single quotes.
std::string HtmlSafeJson(const nlohmann::json& j) {
  std::string out;
  if (j.is_object()) {
    out = "{";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += (first ? "" : ", ") + HtmlSafeJson(nlohmann::json(it.key())) + ": " +
             HtmlSafeJson(it.value());
      first = false;
    }
    return out + "}";
  }
  if (j.is_array()) {
    out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + HtmlSafeJson(j[i]);
    return out + "]";
  }
  for (char c : j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\'': out += "\\u0027"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Nodash(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '-' && c != ':') out += c;
  return out;
}

/// strftime on a UTC time.
std::string Strftime(Millis t, const std::string& format) {
  const std::time_t seconds = static_cast<std::time_t>(std::floor(t / 1000.0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::string f;
  for (size_t i = 0; i < format.size(); ++i) {  // %z and %Z of an aware UTC datetime
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == 'z') {
      f += "+0000";
      ++i;
    } else if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == 'Z') {
      f += "UTC";
      ++i;
    } else {
      f += format[i];
      if (format[i] == '%' && i + 1 < format.size()) f += format[++i];
    }
  }
  char buffer[512];
  const size_t n = std::strftime(buffer, sizeof buffer, f.c_str(), &tm);
  if (n == 0 && !f.empty()) throw TemplateError("strftime('" + format + "') is too long");
  return std::string(buffer, n);
}

/// Parses `text` with strptime `format` as a UTC date.
Millis Strptime(const std::string& text, const std::string& format) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), format.c_str(), &tm);
  if (end == nullptr || *end != '\0')
    throw TemplateError(fmt::format("'{}' does not match the format '{}'", text, format));
  return static_cast<Millis>(timegm(&tm)) * 1000;
}

std::string IsoDate(Millis t) {
  return sched::FormatIso(t) + "+00:00";
}

std::string Str(const Val& v) {
  switch (v.kind) {
    case Val::kData: return PythonStr(v.data);
    case Val::kDate: return IsoDate(v.date);
    case Val::kObject:
      if (v.name == "dag") return "<DAG>";
      throw TemplateError("'" + v.name + "' cannot be rendered as text");
    case Val::kMethod: throw TemplateError("'" + v.name + "' is a method: call it");
    case Val::kUndefined: throw TemplateError(v.name);
  }
  return "";
}

bool Truthy(const Val& v) {
  // Airflow renders with StrictUndefined: testing an undefined value is an error.
  if (v.kind == Val::kUndefined) throw TemplateError(v.name);
  if (v.kind != Val::kData) return true;
  const Json& j = v.data;
  if (j.is_null()) return false;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string()) return !j.get_ref<const std::string&>().empty();
  if (j.is_array() || j.is_object()) return !j.empty();
  return true;
}

/// Airflow's Variable value (text), for var.value.X and var.json.X.
std::string VariableText(const TemplateEnvironment& env, const std::string& name) {
  std::optional<std::string> value = env.variable ? env.variable(name) : std::nullopt;
  if (!value)
    throw TemplateError(
        fmt::format("the Airflow Variable '{}' is not set (set AIRFLOW_VAR_{})", name, [&] {
          std::string upper;
          for (char c : name)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          return upper;
        }()));
  return *value;
}

Json ParseVariableJson(const std::string& name, const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const std::exception&) {
    throw TemplateError(fmt::format("the Airflow Variable '{}' is not JSON", name));
  }
}

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
    if (Peek().kind != Token::kEnd) throw TemplateError("'" + Peek().text + "' was not expected");
    return v;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool IsOp(std::string_view op) const { return Peek().kind == Token::kOp && Peek().text == op; }
  bool IsName(std::string_view name) const {
    return Peek().kind == Token::kName && Peek().text == name;
  }
  void Expect(std::string_view op) {
    if (!IsOp(op)) throw TemplateError(fmt::format("'{}' expected", op));
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
        if (times > 0 && text.size() * static_cast<uint64_t>(times) > (1u << 20))
          throw TemplateError("the repeated string would be larger than 1 MB");
        std::string out;
        for (int64_t i = 0; i < times; ++i) out += text;
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
      if (Peek().kind != Token::kName) throw TemplateError("a filter name is expected after '|'");
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
        if (Peek().kind != Token::kName) throw TemplateError("a name is expected after '.'");
        const std::string name = Peek().text;
        ++pos_;
        if (!skipping_) v = Attribute(v, name);
      } else if (IsOp("[")) {
        ++pos_;
        Val key = Conditional();
        Expect("]");
        if (!skipping_) v = Item(v, key);
      } else if (IsOp("(")) {
        std::vector<Val> args;
        std::vector<std::pair<std::string, Val>> kwargs;
        Arguments(args, kwargs);
        if (!skipping_) v = Call(v, args, kwargs);
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
          if (end == nullptr || *end != '\0')
            throw TemplateError("'" + t.text + "' is not a number");
          return Val::Data(d);
        }
        try {
          return Val::Data(std::stoll(t.text));
        } catch (const std::exception&) {
          throw TemplateError("the number " + t.text + " is too large");
        }
      case Token::kString: return Val::Data(t.text);
      case Token::kName:
        if (t.text == "True" || t.text == "true") return Val::Data(true);
        if (t.text == "False" || t.text == "false") return Val::Data(false);
        if (t.text == "None" || t.text == "none") return Val::Data(nullptr);
        return skipping_ ? Val::Data(nullptr) : Name(t.text);
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
        throw TemplateError("'" + t.text + "' was not expected");
      case Token::kEnd: throw TemplateError("the expression ends too early");
    }
    return Val::Data(nullptr);
  }

  /// The value as plain data (dates as their ISO text).
  static Json Plain(const Val& v) {
    if (v.kind == Val::kDate) return IsoDate(v.date);
    if (v.kind == Val::kUndefined) throw TemplateError(v.name);
    if (v.kind != Val::kData) throw TemplateError("'" + v.name + "' is not a value");
    return v.data;
  }

  Val Name(const std::string& name) {
    const sched::TemplateContext& c = env_.context;
    const std::string ds = sched::FormatDs(c.logical_date);
    if (name == "ds") return Val::Data(ds);
    if (name == "ds_nodash") return Val::Data(Nodash(ds));
    if (name == "ts") return Val::Data(IsoDate(c.logical_date));
    if (name == "ts_nodash") return Val::Data(Nodash(sched::FormatIso(c.logical_date)));
    if (name == "ts_nodash_with_tz") return Val::Data(Nodash(IsoDate(c.logical_date)));
    if (name == "logical_date" || name == "execution_date" || name == "data_interval_start")
      return Val::Date(c.logical_date);
    if (name == "data_interval_end" || name == "next_execution_date")
      return Val::Date(c.interval_end);
    if (name == "prev_execution_date") return Val::Date(c.logical_date - sched::kDay);
    if (name == "next_ds") return Val::Data(sched::FormatDs(c.interval_end));
    if (name == "next_ds_nodash") return Val::Data(Nodash(sched::FormatDs(c.interval_end)));
    if (name == "prev_ds" || name == "yesterday_ds")
      return Val::Data(sched::FormatDs(c.logical_date - sched::kDay));
    if (name == "prev_ds_nodash" || name == "yesterday_ds_nodash")
      return Val::Data(Nodash(sched::FormatDs(c.logical_date - sched::kDay)));
    if (name == "tomorrow_ds") return Val::Data(sched::FormatDs(c.logical_date + sched::kDay));
    if (name == "tomorrow_ds_nodash")
      return Val::Data(Nodash(sched::FormatDs(c.logical_date + sched::kDay)));
    if (name == "run_id")
      return Val::Data(c.run_id.empty() ? sched::ScheduledRunId(c.logical_date) : c.run_id);
    if (name == "params") return Val::Data(env_.params);
    if (name == "ti" || name == "task_instance") return Val::Object("ti");
    for (const char* object : {"dag", "task", "dag_run", "macros", "var"})
      if (name == object) return Val::Object(name);
    throw TemplateError(
        fmt::format("'{}' is not in the template context the local runtime has", name));
  }

  Val Attribute(const Val& v, const std::string& name) {
    const sched::TemplateContext& c = env_.context;
    if (v.kind == Val::kDate) {
      if (name == "year" || name == "month" || name == "day" || name == "hour" ||
          name == "minute" || name == "second") {
        const char* format = name == "year"     ? "%Y"
                             : name == "month"  ? "%m"
                             : name == "day"    ? "%d"
                             : name == "hour"   ? "%H"
                             : name == "minute" ? "%M"
                                                : "%S";
        return Val::Data(std::stoll(Strftime(v.date, format)));
      }
      return Val::Method(v, name);
    }
    if (v.kind == Val::kObject) {
      const std::string& o = v.name;
      if (o == "dag" && name == "dag_id") return Val::Data(std::string(c.dag_id));
      if (o == "task" && name == "task_id") return Val::Data(std::string(c.task_id));
      if (o == "ti" && name == "task_id") return Val::Data(std::string(c.task_id));
      if (o == "ti" && name == "dag_id") return Val::Data(std::string(c.dag_id));
      if (o == "ti" && name == "try_number") return Val::Data(c.try_number);
      if (o == "ti" && name == "run_id") return Name("run_id");
      if ((o == "ti" || o == "dag_run") && (name == "execution_date" || name == "logical_date"))
        return Val::Date(c.logical_date);
      if (o == "dag_run" && name == "run_id") return Name("run_id");
      if (o == "dag_run" && name == "dag_id") return Val::Data(std::string(c.dag_id));
      if (o == "dag_run" && name == "conf") return Val::Data(env_.conf);
      if (o == "var" && (name == "value" || name == "json")) return Val::Object("var." + name);
      if ((o == "var.value" || o == "var.json") && name == "get") return Val::Method(v, name);
      if (o == "var.value") return Val::Data(VariableText(env_, name));
      if (o == "var.json") return Val::Data(ParseVariableJson(name, VariableText(env_, name)));
      return Val::Method(v, name);
    }
    if (v.kind == Val::kData && v.data.is_object()) {
      if (v.data.contains(name)) return Val::Data(v.data.at(name));
      if (name == "get" || name == "keys" || name == "values" || name == "items")
        return Val::Method(v, name);
      return Val::Undefined(fmt::format("'{}' has no key '{}'", PythonRepr(v.data), name));
    }
    if (v.kind == Val::kData) return Val::Method(v, name);
    if (v.kind == Val::kUndefined) throw TemplateError(v.name);
    throw TemplateError(fmt::format("'{}' has no attribute '{}'", v.name, name));
  }

  Val Item(const Val& v, const Val& key) {
    const Json k = Plain(key);
    if (v.kind == Val::kObject && k.is_string()) return Attribute(v, k.get<std::string>());
    const Json d = Plain(v);
    if (d.is_object() && k.is_string()) {
      if (d.contains(k.get<std::string>())) return Val::Data(d.at(k.get<std::string>()));
      return Val::Undefined(fmt::format("{} has no key {}", PythonRepr(d), PythonRepr(k)));
    }
    if ((d.is_array() || d.is_string()) && k.is_number_integer()) {
      const int64_t size = d.is_array() ? static_cast<int64_t>(d.size())
                                        : static_cast<int64_t>(d.get<std::string>().size());
      int64_t i = k.get<int64_t>();
      if (i < 0) i += size;
      if (i < 0 || i >= size) throw TemplateError("index out of range");
      if (d.is_array()) return Val::Data(d.at(static_cast<size_t>(i)));
      return Val::Data(std::string(1, d.get<std::string>()[static_cast<size_t>(i)]));
    }
    throw TemplateError(fmt::format("{} cannot be indexed with {}", PythonRepr(d), PythonRepr(k)));
  }

  Val Call(const Val& f, const std::vector<Val>& args,
           const std::vector<std::pair<std::string, Val>>& kwargs) {
    auto arg = [&](size_t i, const char* keyword) -> const Val* {
      if (i < args.size()) return &args[i];
      for (const auto& [k, v] : kwargs)
        if (k == keyword) return &v;
      return nullptr;
    };
    auto text = [&](size_t i, const char* keyword) {
      const Val* v = arg(i, keyword);
      if (v == nullptr) throw TemplateError(fmt::format("'{}' is missing", keyword));
      const Json j = Plain(*v);
      if (!j.is_string()) throw TemplateError(fmt::format("'{}' must be a string", keyword));
      return j.get<std::string>();
    };
    if (f.kind == Val::kObject && f.name == "macros") {
      throw TemplateError("macros cannot be called");
    }
    if (f.kind != Val::kMethod) throw TemplateError("only functions and methods can be called");
    const Val& self = *f.self;
    const std::string& m = f.name;
    if (self.kind == Val::kObject && self.name == "macros") {
      if (m == "ds_add") {
        const Val* days = arg(1, "days");
        if (days == nullptr || !Plain(*days).is_number_integer())
          throw TemplateError("macros.ds_add(ds, days) needs a whole number of days");
        return Val::Data(sched::FormatDs(Strptime(text(0, "ds"), "%Y-%m-%d") +
                                         Plain(*days).get<int64_t>() * sched::kDay));
      }
      if (m == "ds_format") {
        return Val::Data(
            Strftime(Strptime(text(0, "ds"), text(1, "input_format")), text(2, "output_format")));
      }
      throw TemplateError(
          fmt::format("macros.{} is not one the local runtime has (ds_add, "
                      "ds_format)",
                      m));
    }
    if (self.kind == Val::kDate) {
      if (m == "strftime") return Val::Data(Strftime(self.date, text(0, "format")));
      if (m == "isoformat") return Val::Data(IsoDate(self.date));
      if (m == "date") return Val::Data(sched::FormatDs(self.date));
      if (m == "timestamp") return Val::Data(static_cast<double>(self.date) / 1000.0);
      if (m == "add" || m == "subtract") {
        int64_t ms = 0;
        for (const auto& [unit, v] : kwargs) {
          const Json n = Plain(v);
          if (!n.is_number()) throw TemplateError(m + "() takes numbers");
          const int64_t per = unit == "days"      ? sched::kDay
                              : unit == "hours"   ? 3'600'000
                              : unit == "minutes" ? 60'000
                              : unit == "seconds" ? 1000
                              : unit == "weeks"   ? 7 * sched::kDay
                                                  : 0;
          if (per == 0) throw TemplateError(m + "(" + unit + "=...) is not supported");
          ms += static_cast<int64_t>(n.get<double>() * static_cast<double>(per));
        }
        return Val::Date(m == "add" ? self.date + ms : self.date - ms);
      }
      throw TemplateError("the date has no method '" + m + "' in the local runtime");
    }
    if (self.kind == Val::kObject && self.name == "ti" && m == "xcom_pull") {
      const Val* task_ids = arg(0, "task_ids");
      const Val* key_arg = arg(99, "key");
      const std::string key = key_arg ? Plain(*key_arg).get<std::string>() : "return_value";
      if (const Val* dag_id = arg(99, "dag_id");
          dag_id != nullptr && Plain(*dag_id) != Json(std::string(env_.context.dag_id)))
        throw TemplateError("ti.xcom_pull(dag_id=...) of another DAG is not supported locally");
      auto pull = [&](const std::string& task_id) -> Json {
        std::optional<std::string> stored = env_.xcom ? env_.xcom(task_id, key) : std::nullopt;
        if (!stored) return nullptr;
        try {
          return Json::parse(*stored);
        } catch (const std::exception&) {
          return *stored;
        }
      };
      if (task_ids == nullptr)
        throw TemplateError("ti.xcom_pull() without task_ids is not supported locally");
      const Json ids = Plain(*task_ids);
      if (ids.is_string()) return Val::Data(pull(ids.get<std::string>()));
      if (ids.is_array()) {
        Json out = Json::array();
        for (const Json& id : ids) {
          if (!id.is_string()) throw TemplateError("task_ids must be strings");
          out.push_back(pull(id.get<std::string>()));
        }
        return Val::Data(out);
      }
      throw TemplateError("task_ids must be a string or a list of strings");
    }
    if (self.kind == Val::kObject && (self.name == "var.value" || self.name == "var.json") &&
        m == "get") {
      const std::string name = text(0, "key");
      std::optional<std::string> value = env_.variable ? env_.variable(name) : std::nullopt;
      if (!value) {
        const Val* fallback = arg(1, "default_var");
        if (fallback == nullptr) VariableText(env_, name);  // KeyError, as in Airflow
        return *fallback;
      }
      return self.name == "var.value" ? Val::Data(*value)
                                      : Val::Data(ParseVariableJson(name, *value));
    }
    if (self.kind == Val::kData) return DataMethod(self.data, m, args);
    throw TemplateError(fmt::format("{}.{}() is not supported by the local runtime", self.name, m));
  }

  static Val DataMethod(const Json& d, const std::string& m, const std::vector<Val>& args) {
    if (d.is_object() && m == "get") {
      if (args.empty()) throw TemplateError("get() needs a key");
      const Json k = Plain(args[0]);
      if (k.is_string() && d.contains(k.get<std::string>()))
        return Val::Data(d.at(k.get<std::string>()));
      return args.size() > 1 ? args[1] : Val::Data(nullptr);
    }
    if (d.is_object() && (m == "keys" || m == "values")) {
      Json out = Json::array();
      for (auto it = d.begin(); it != d.end(); ++it)
        out.push_back(m == "keys" ? Json(it.key()) : it.value());
      return Val::Data(out);
    }
    if (d.is_string()) {
      std::string s = d.get<std::string>();
      if (m == "upper" || m == "lower") {
        for (char& c : s)
          c = static_cast<char>(m == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                             : std::tolower(static_cast<unsigned char>(c)));
        return Val::Data(s);
      }
      if (m == "strip") return Val::Data(Trim(s));
      if (m == "replace" && args.size() == 2) return Val::Data(Replace(s, args[0], args[1]));
      if (m == "split") {
        const std::string sep = args.empty() ? " " : Plain(args[0]).get<std::string>();
        Json out = Json::array();
        if (sep.empty()) throw TemplateError("split('') is not allowed");
        size_t at = 0;
        for (size_t p; (p = s.find(sep, at)) != std::string::npos; at = p + sep.size())
          out.push_back(s.substr(at, p - at));
        out.push_back(s.substr(at));
        return Val::Data(out);
      }
    }
    throw TemplateError(
        fmt::format("{}.{}() is not supported by the local runtime", PythonRepr(d), m));
  }

  static std::string Trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
  }
  static std::string Replace(std::string s, const Val& from_v, const Val& to_v) {
    const std::string from = Str(from_v), to = Str(to_v);
    if (from.empty()) return s;
    std::string out;
    size_t at = 0;
    for (size_t p; (p = s.find(from, at)) != std::string::npos; at = p + from.size())
      out += s.substr(at, p - at) + to;
    return out + s.substr(at);
  }

  Val Filter(const Val& v, const std::string& name, std::vector<Val> args,
             const std::vector<std::pair<std::string, Val>>& kwargs) {
    // Keyword arguments in the places Jinja gives them.
    static const std::map<std::string, std::vector<std::string>> kPositions = {
        {"default", {"default_value", "boolean"}},
        {"d", {"default_value", "boolean"}},
        {"join", {"d", "attribute"}},
        {"replace", {"old", "new", "count"}},
        {"int", {"default", "base"}},
        {"float", {"default"}}};
    for (const auto& [key, value] : kwargs) {
      auto names = kPositions.find(name);
      const auto& list = names == kPositions.end() ? std::vector<std::string>() : names->second;
      auto at = std::find(list.begin(), list.end(), key);
      if (at == list.end())
        throw TemplateError(fmt::format("the filter '{}' takes no argument '{}'", name, key));
      const size_t i = static_cast<size_t>(at - list.begin());
      if (args.size() <= i) args.resize(i + 1, Val::Data(nullptr));
      args[i] = value;
    }
    if (name == "default" || name == "d") {
      const bool boolean = args.size() > 1 && Truthy(args[1]);
      const bool missing = v.kind == Val::kUndefined || (boolean && !Truthy(v));
      return missing ? (args.empty() ? Val::Data("") : args[0]) : v;
    }
    if (name == "string") return Val::Data(Str(v));
    if (name == "upper" || name == "lower") return DataMethod(Json(Str(v)), name, {});
    if (name == "trim") return Val::Data(Trim(Str(v)));
    if (name == "replace" && args.size() == 2) return Val::Data(Replace(Str(v), args[0], args[1]));
    if (name == "tojson") return Val::Data(HtmlSafeJson(nlohmann::json(Plain(v))));
    if (name == "int" || name == "float") {
      // Jinja: the whole text must be a number, else the default (0).
      const Json j = Plain(v);
      Val fallback = !args.empty() && !args[0].data.is_null()
                         ? args[0]
                         : (name == "int" ? Val::Data(0) : Val::Data(0.0));
      double x = 0;
      if (j.is_boolean()) {
        x = j.get<bool>() ? 1 : 0;
      } else if (j.is_number_integer() && name == "int") {
        return Val::Data(j.get<int64_t>());
      } else if (j.is_number()) {
        x = j.get<double>();
      } else if (j.is_string()) {
        const std::string text = Trim(j.get<std::string>());
        char* end = nullptr;
        errno = 0;
        x = std::strtod(text.c_str(), &end);
        if (text.empty() || end == nullptr || *end != '\0' || errno != 0 ||
            text.find_first_of("xXpP") != std::string::npos || !std::isfinite(x))
          return fallback;
      } else {
        return fallback;
      }
      if (name == "float") return Val::Data(x);
      if (!(x > -9.2e18 && x < 9.2e18)) return fallback;
      return Val::Data(static_cast<int64_t>(x));
    }
    if (name == "length" || name == "count") {
      const Json j = Plain(v);
      if (j.is_string()) return Val::Data(j.get<std::string>().size());
      if (j.is_array() || j.is_object()) return Val::Data(j.size());
      throw TemplateError("length needs a string, a list or a dict");
    }
    if (name == "join") {
      const Json j = Plain(v);
      if (!j.is_array()) throw TemplateError("join needs a list");
      const std::string sep = args.empty() ? "" : Str(args[0]);
      std::string out;
      for (size_t i = 0; i < j.size(); ++i) out += (i ? sep : "") + PythonStr(j[i]);
      return Val::Data(out);
    }
    if (name == "first" || name == "last") {
      const Json j = Plain(v);
      if (!j.is_array() || j.empty()) throw TemplateError(name + " needs a non-empty list");
      return Val::Data(name == "first" ? j.front() : j.back());
    }
    throw TemplateError(fmt::format("the filter '{}' is not one the local runtime has", name));
  }

  /// Nesting is bounded (Jinja itself stops at Python's recursion limit): no stack overflow.
  struct Depth {
    explicit Depth(Evaluator& e) : e_(e) {
      if (++e_.depth_ > 100) throw TemplateError("the expression is nested too deeply");
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

std::string PythonRepr(const Json& v) {
  if (v.is_string()) {
    std::string out = "'";
    for (char c : v.get<std::string>()) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  }
  return PythonStr(v);
}

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
