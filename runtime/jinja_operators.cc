// Python's operators on the values of the local runtime's templates (see jinja_value.h): what
// Jinja's + - * / // % **, comparisons, `in` and slices do, errors where Python raises.
#include <fmt/format.h>

#include <climits>
#include <cmath>

#include "runtime/jinja_value.h"

namespace dagport::runtime::jinja {

namespace {

std::string TypeName(const Json& j) {
  if (j.is_null()) return "NoneType";
  if (j.is_boolean()) return "bool";
  if (j.is_number_integer()) return "int";
  if (j.is_number()) return "float";
  if (j.is_string()) return "str";
  return j.is_array() ? "list" : "dict";
}

/// A bool counts as the integer 0 or 1, as in Python.
Json Numeric(const Json& j) {
  return j.is_boolean() ? Json(static_cast<int64_t>(j.get<bool>())) : j;
}

Val IntegerPower(int64_t base, int64_t exponent) {
  if (base == 0 || base == 1) return Val::Data(exponent == 0 ? 1 : base);
  if (base == -1) return Val::Data(exponent % 2 == 0 ? 1 : -1);
  int64_t out = 1;
  for (int64_t i = 0; i < exponent; ++i)  // at most 63 steps before it overflows
    if (__builtin_mul_overflow(out, base, &out))
      throw TemplateError("an integer overflows 64 bits");
  return Val::Data(out);
}

Val Number(const Json& l, const Json& r, const std::string& op) {
  const bool ints = l.is_number_integer() && r.is_number_integer();
  if (ints && op != "/" && !(op == "**" && r.get<int64_t>() < 0)) {
    const int64_t a = l.get<int64_t>(), b = r.get<int64_t>();
    if ((op == "//" || op == "%") && b == 0) throw TemplateError("division by zero");
    int64_t out = 0;
    bool overflow = false;
    if (op == "+") {
      overflow = __builtin_add_overflow(a, b, &out);
    } else if (op == "-") {
      overflow = __builtin_sub_overflow(a, b, &out);
    } else if (op == "*") {
      overflow = __builtin_mul_overflow(a, b, &out);
    } else if (op == "//") {
      overflow = b == -1 && a == INT64_MIN;
      if (!overflow) out = a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
    } else if (op == "%") {
      out = b == -1 ? 0 : a % b;
      if (out != 0 && ((out < 0) != (b < 0))) out += b;
    } else {
      return IntegerPower(a, b);
    }
    if (overflow) throw TemplateError("an integer overflows 64 bits");
    return Val::Data(out);
  }
  const double a = l.get<double>(), b = r.get<double>();
  if ((op == "/" || op == "//" || op == "%") && b == 0) throw TemplateError("division by zero");
  if (op == "+") return Val::Data(a + b);
  if (op == "-") return Val::Data(a - b);
  if (op == "*") return Val::Data(a * b);
  if (op == "/") return Val::Data(a / b);
  if (op == "//") return Val::Data(std::floor(a / b));
  if (op == "%") {
    double m = std::fmod(a, b);
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return Val::Data(m);
  }
  if (a == 0 && b < 0) throw TemplateError("0 cannot be raised to a negative power");
  const double p = std::pow(a, b);
  if (std::isnan(p) && !std::isnan(a) && !std::isnan(b))
    throw TemplateError("the power would be a complex number");
  return Val::Data(p);
}

/// 'ab' * 3 and [1] * 3, as in Python, bounded.
Val Repeat(const Json& sequence, int64_t times) {
  if (times <= 0) return Val::Data(sequence.is_string() ? Json("") : Json::array());
  const size_t unit = sequence.is_string() ? sequence.get_ref<const std::string&>().size()
                                           : ApproxSize(sequence, kMaxValueBytes);
  if (unit > 0 && static_cast<uint64_t>(times) > kMaxValueBytes / unit)
    throw TemplateError("the repeated value would be larger than 1 MB");
  if (sequence.is_string()) {
    std::string out;
    if (unit == 0) return Val::Data(out);  // '' * n is '' at once, however large n is
    out.reserve(unit * static_cast<size_t>(times));
    for (int64_t i = 0; i < times; ++i) out += sequence.get_ref<const std::string&>();
    return Val::Data(out);
  }
  Json out = Json::array();
  if (sequence.empty()) return Val::Data(out);
  for (int64_t i = 0; i < times; ++i)
    for (const Json& x : sequence) out.push_back(x);
  return Val::Data(out);
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

Val Arithmetic(const Val& a, const std::string& op, const Val& b) {
  for (const Val* v : {&a, &b})
    if (v->kind == Val::kDate || v->kind == Val::kDuration) return DateArithmetic(a, op, b);
  const Json l = Numeric(Plain(a)), r = Numeric(Plain(b));
  if (l.is_number() && r.is_number()) return Number(l, r, op);
  if (op == "+" && l.is_string() && r.is_string()) {
    if (l.get_ref<const std::string&>().size() + r.get_ref<const std::string&>().size() >
        kMaxValueBytes)
      throw TemplateError("the text would be larger than 1 MB");
    return Val::Data(l.get<std::string>() + r.get<std::string>());
  }
  if (op == "+" && l.is_array() && r.is_array()) {
    Json joined = l;
    for (const Json& x : r) joined.push_back(x);
    return Val::Data(CheckSize(joined));
  }
  if (op == "*" && (l.is_string() || l.is_array()) && r.is_number_integer())
    return Repeat(l, r.get<int64_t>());
  if (op == "*" && l.is_number_integer() && (r.is_string() || r.is_array()))
    return Repeat(r, l.get<int64_t>());
  throw TemplateError(fmt::format("cannot apply '{}' to {} and {} ({} and {})", op, PythonRepr(l),
                                  PythonRepr(r), TypeName(l), TypeName(r)));
}

bool Equal(const Json& a, const Json& b) {
  const Json l = Numeric(a), r = Numeric(b);
  if (l.is_number() && r.is_number()) {
    if (l.is_number_integer() && r.is_number_integer()) return l.get<int64_t>() == r.get<int64_t>();
    return l.get<double>() == r.get<double>();
  }
  if (l.type() != r.type()) return false;
  if (l.is_array()) {
    if (l.size() != r.size()) return false;
    for (size_t i = 0; i < l.size(); ++i)
      if (!Equal(l[i], r[i])) return false;
    return true;
  }
  if (l.is_object()) {
    if (l.size() != r.size()) return false;
    for (auto it = l.begin(); it != l.end(); ++it) {
      auto other = r.find(it.key());
      if (other == r.end() || !Equal(it.value(), *other)) return false;
    }
    return true;
  }
  return l == r;
}

bool Less(const Json& a, const Json& b, bool ignore_case) {
  const Json l = Numeric(a), r = Numeric(b);
  if (l.is_number() && r.is_number()) {
    if (l.is_number_integer() && r.is_number_integer()) return l.get<int64_t>() < r.get<int64_t>();
    return l.get<double>() < r.get<double>();
  }
  if (l.is_string() && r.is_string()) {
    if (ignore_case) return Lower(l.get<std::string>()) < Lower(r.get<std::string>());
    return l.get_ref<const std::string&>() < r.get_ref<const std::string&>();
  }
  if (l.is_array() && r.is_array()) {
    for (size_t i = 0; i < l.size() && i < r.size(); ++i)
      if (!Equal(l[i], r[i])) return Less(l[i], r[i], ignore_case);
    return l.size() < r.size();
  }
  throw TemplateError(
      fmt::format("'<' is not supported between {} and {}", TypeName(l), TypeName(r)));
}

bool Comparison(const Val& a, const std::string& op, const Val& b) {
  for (const Val::Kind kind : {Val::kDate, Val::kDuration}) {
    if (a.kind != kind && b.kind != kind) continue;
    const bool both = a.kind == b.kind && a.naive == b.naive;
    if (op == "==" || op == "!=") return (both && a.date == b.date) == (op == "==");
    const char* what = kind == Val::kDate ? "a date with a date" : "a timedelta with a timedelta";
    if (a.kind != b.kind) throw TemplateError(fmt::format("'{}' compares {} only", op, what));
    if (!both)
      throw TemplateError(
          "a naive datetime (macros.datetime's) and an aware one cannot be compared");
    if (op == "<") return a.date < b.date;
    if (op == "<=") return a.date <= b.date;
    if (op == ">") return a.date > b.date;
    if (op == ">=") return a.date >= b.date;
  }
  const Json l = Plain(a), r = Plain(b);
  if ((op == "==" || op == "!=") && (a.lazy || b.lazy)) return op == "!=";  // a generator
  if (op == "==") return Equal(l, r);
  if (op == "!=") return !Equal(l, r);
  if (op == "in" || op == "not in") {
    bool found = false;
    if (r.is_string()) {
      if (!l.is_string()) throw TemplateError("'in <string>' needs a string on its left");
      found = r.get_ref<const std::string&>().find(l.get_ref<const std::string&>()) !=
              std::string::npos;
    } else if (r.is_array()) {
      for (const Json& x : r) found = found || Equal(l, x);
    } else if (r.is_object()) {
      found = l.is_string() && r.contains(l.get<std::string>());
    } else {
      throw TemplateError(fmt::format("'{}' needs a string, a list or a dict on its right, not {}",
                                      op, TypeName(r)));
    }
    return found == (op == "in");
  }
  if (op == "<") return Less(l, r);
  if (op == ">") return Less(r, l);
  if (op == "<=") return !Less(r, l);
  return !Less(l, r);
}

Val Slice(const Val& v, const Json& start, const Json& stop, const Json& step) {
  const Json j = Plain(v);
  std::vector<Json> items;
  if (j.is_string()) {
    for (std::string& c : Characters(j.get<std::string>())) items.emplace_back(std::move(c));
  } else if (j.is_array()) {
    items.assign(j.begin(), j.end());
  } else {
    throw TemplateError(fmt::format("{} cannot be sliced", PythonRepr(j)));
  }
  auto bound = [](const Json& b, int64_t fallback) {
    if (b.is_null()) return fallback;
    const Json n = Numeric(b);
    if (!n.is_number_integer()) throw TemplateError("slice bounds must be integers or None");
    return n.get<int64_t>();
  };
  // Python's slice.indices().
  const auto size = static_cast<int64_t>(items.size());
  const int64_t by = bound(step, 1);
  if (by == 0) throw TemplateError("the slice step cannot be zero");
  const int64_t lower = by > 0 ? 0 : -1, upper = by > 0 ? size : size - 1;
  auto clamp = [&](const Json& b, int64_t fallback) {
    if (b.is_null()) return fallback;
    int64_t i = bound(b, fallback);
    if (i < 0) return std::max(i + size, lower);
    return std::min(i, upper);
  };
  const int64_t from = clamp(start, by > 0 ? lower : upper);
  const int64_t to = clamp(stop, by > 0 ? upper : lower);
  Json out = Json::array();
  std::string text;
  for (int64_t i = from; by > 0 ? i < to : i > to;) {
    if (j.is_string()) {
      text += items[static_cast<size_t>(i)].get_ref<const std::string&>();
    } else {
      out.push_back(items[static_cast<size_t>(i)]);
    }
    if (__builtin_add_overflow(i, by, &i)) break;
  }
  return j.is_string() ? Val::Data(text) : Val::Data(out);
}

}  // namespace dagport::runtime::jinja
