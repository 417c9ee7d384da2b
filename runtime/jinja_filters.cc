// Jinja's filters (`x | join(',')`) and tests (`x is defined`) for the local runtime's templates
// (see jinja_value.h), with Jinja's arguments and defaults: sort, unique, min and max ignore the
// case of strings unless told otherwise, first of an empty list is undefined, ...
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "runtime/jinja_value.h"

namespace dagport::runtime::jinja {

namespace {

using Keywords = std::vector<std::pair<std::string, Val>>;

/// The keyword arguments of each filter in the places Jinja gives them.
const std::map<std::string, std::vector<std::string>, std::less<>>& KeywordPositions() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kPositions = {
      {"default", {"default_value", "boolean"}},
      {"d", {"default_value", "boolean"}},
      {"join", {"d", "attribute"}},
      {"replace", {"old", "new", "count"}},
      {"int", {"default", "base"}},
      {"float", {"default"}},
      {"trim", {"chars"}},
      {"sort", {"reverse", "case_sensitive", "attribute"}},
      {"unique", {"case_sensitive", "attribute"}},
      {"min", {"case_sensitive", "attribute"}},
      {"max", {"case_sensitive", "attribute"}},
      {"sum", {"attribute", "start"}},
      {"dictsort", {"case_sensitive", "by", "reverse"}},
      {"tojson", {"indent"}}};
  return kPositions;
}

/// The argument `i`, or `fallback` when it is not given.
Json Arg(const std::vector<Val>& args, size_t i, Json fallback) {
  return i < args.size() && !(args[i].kind == Val::kData && args[i].data.is_null()) ? Plain(args[i])
                                                                                    : fallback;
}

std::string AsciiCase(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

/// Jinja's attribute getter for sort(attribute=...), map(attribute=...): `a.b` or `0`.
Json ItemAttribute(const Json& item, const std::string& path) {
  Json v = item;
  size_t at = 0;
  while (at <= path.size()) {
    const size_t dot = std::min(path.find('.', at), path.size());
    const std::string part = path.substr(at, dot - at);
    if (v.is_object() && v.contains(part)) {
      v = Json(v.at(part));
    } else if (v.is_array() && !part.empty() &&
               part.find_first_not_of("0123456789") == std::string::npos &&
               std::stoull(part.substr(0, 18)) < v.size()) {
      v = Json(v.at(std::stoull(part)));
    } else {
      throw TemplateError(fmt::format("{} has no attribute '{}'", PythonRepr(v), part));
    }
    at = dot + 1;
  }
  return v;
}

/// The key an item is compared by: its attribute, its lowered text unless case-sensitive.
Json Key(const Json& item, const Json& attribute, bool case_sensitive) {
  Json key = attribute.is_string() ? ItemAttribute(item, attribute.get<std::string>()) : item;
  if (!case_sensitive && key.is_string()) key = AsciiCase(key.get<std::string>(), false);
  return key;
}

Json Pairs(const Json& dict) {
  Json out = Json::array();
  for (auto it = dict.begin(); it != dict.end(); ++it)
    out.push_back(Json::array({it.key(), it.value()}));
  return out;
}

/// Jinja's int and float filters: the whole text must be a number, else the default.
Val ToNumber(const Val& v, bool integer, const std::vector<Val>& args) {
  const Json j = Plain(v);
  const Val fallback = Val::Data(Arg(args, 0, integer ? Json(0) : Json(0.0)));
  double x = 0;
  if (j.is_boolean()) {
    x = j.get<bool>() ? 1 : 0;
  } else if (j.is_number_integer() && integer) {
    return Val::Data(j.get<int64_t>());
  } else if (j.is_number()) {
    x = j.get<double>();
  } else if (j.is_string()) {
    const std::string text = Trim(j.get<std::string>());
    const int64_t base = Arg(args, 1, 10).get<int64_t>();
    char* end = nullptr;
    errno = 0;
    if (integer && base != 10) {
      if (base < 2 || base > 36) throw TemplateError("int(base=...) must be between 2 and 36");
      const long long n = std::strtoll(text.c_str(), &end, static_cast<int>(base));
      if (text.empty() || *end != '\0' || errno != 0) return fallback;
      return Val::Data(static_cast<int64_t>(n));
    }
    x = std::strtod(text.c_str(), &end);
    // As Python's float(): no hexadecimal, nan and inf only as words (which int() refuses).
    if (text.empty() || end == nullptr || *end != '\0' ||
        text.find_first_of("xXpP(") != std::string::npos || (integer && !std::isfinite(x)))
      return fallback;
  } else {
    return fallback;
  }
  if (!integer) return Val::Data(x);
  if (!(x > -9.2e18 && x < 9.2e18)) return fallback;
  return Val::Data(static_cast<int64_t>(x));
}

/// min and max: the first smallest (or largest) item, undefined when there is none.
Val Extreme(const Val& v, bool largest, const std::vector<Val>& args) {
  const std::vector<Json> items = Elements(v);
  if (items.empty()) return Val::Undefined("there is no item to choose from: the list is empty");
  const bool case_sensitive = Truthy(Val::Data(Arg(args, 0, false)));
  const Json attribute = Arg(args, 1, nullptr);
  size_t best = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    const Json a = Key(items[i], attribute, case_sensitive);
    const Json b = Key(items[best], attribute, case_sensitive);
    if (largest ? Less(b, a) : Less(a, b)) best = i;
  }
  return Val::Data(items[best]);
}

/// map, select, reject, selectattr and rejectattr.
Val Select(const Val& v, const std::string& name, const std::vector<Val>& args,
           const Keywords& kwargs) {
  Json out = Json::array();
  const bool by_attribute = name == "selectattr" || name == "rejectattr";
  for (const Json& item : Elements(v)) {
    if (name == "map") {
      std::optional<Json> attribute;
      std::optional<Val> fallback;
      for (const auto& [k, value] : kwargs) {
        if (k == "attribute")
          attribute = Plain(value);
        else if (k == "default")
          fallback = value;
        else
          throw TemplateError(fmt::format("map() takes no argument '{}'", k));
      }
      if (attribute) {
        try {
          out.push_back(ItemAttribute(item, Str(Val::Data(*attribute))));
        } catch (const TemplateError&) {
          if (!fallback) throw;
          out.push_back(Plain(*fallback));
        }
        continue;
      }
      if (args.empty()) throw TemplateError("map() needs a filter name or attribute=...");
      const std::vector<Val> rest(args.begin() + 1, args.end());
      out.push_back(Plain(Filter(Val::Data(item), Str(args[0]), rest, {})));
      continue;
    }
    if (!kwargs.empty()) throw TemplateError(name + "() takes no keyword arguments");
    size_t first = 0;
    Val subject = Val::Data(item);
    if (by_attribute) {
      if (args.empty()) throw TemplateError(name + "() needs an attribute name");
      subject = Val::Data(ItemAttribute(item, Str(args[0])));
      first = 1;
    }
    bool keep = Truthy(subject);
    if (args.size() > first) {
      const std::vector<Val> rest(args.begin() + static_cast<std::ptrdiff_t>(first) + 1,
                                  args.end());
      keep = Test(subject, Str(args[first]), rest);
    }
    if (keep == (name == "select" || name == "selectattr")) out.push_back(item);
  }
  return Val::Generator(CheckSize(out));
}

}  // namespace

Val Filter(const Val& v, const std::string& name, std::vector<Val> args, const Keywords& kwargs) {
  if (name == "map" || name == "select" || name == "reject" || name == "selectattr" ||
      name == "rejectattr")
    return Select(v, name, args, kwargs);
  for (const auto& [key, value] : kwargs) {
    auto names = KeywordPositions().find(name);
    const auto& list =
        names == KeywordPositions().end() ? std::vector<std::string>() : names->second;
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
  if (name == "string" || name == "safe") return Val::Data(Str(v));
  if (name == "upper" || name == "lower") return Val::Data(AsciiCase(Str(v), name == "upper"));
  if (name == "capitalize") {
    std::string s = AsciiCase(Str(v), false);
    if (!s.empty()) s[0] = AsciiCase(s.substr(0, 1), true)[0];
    return Val::Data(s);
  }
  if (name == "title") {  // each word capitalized; words start after - ( { [ < and white space
    std::string s = Str(v);
    bool start = true;
    for (char& c : s) {
      const bool separator = std::string_view("-({[< \t\n\r\v\f").find(c) != std::string_view::npos;
      c = AsciiCase(std::string(1, c), start && !separator)[0];
      start = separator;
    }
    return Val::Data(s);
  }
  if (name == "trim") {
    const Json chars = Arg(args, 0, nullptr);
    if (chars.is_null()) return Val::Data(Trim(Str(v)));
    const std::string s = Str(v), set = Str(Val::Data(chars));
    const size_t from = s.find_first_not_of(set);
    if (from == std::string::npos) return Val::Data("");
    return Val::Data(s.substr(from, s.find_last_not_of(set) - from + 1));
  }
  if (name == "replace") {
    if (args.size() < 2) throw TemplateError("replace() needs the old and the new text");
    return Val::Data(Replace(Str(v), args[0], args[1], Arg(args, 2, -1).get<int64_t>()));
  }
  if (v.lazy && (name == "tojson" || name == "length" || name == "count" || name == "last"))
    throw TemplateError(fmt::format(
        "'{}' cannot take a generator (of map, select, unique...) in Jinja: add '| list' first",
        name));
  if (name == "tojson") {
    if (!Arg(args, 0, nullptr).is_null())
      throw TemplateError("tojson(indent=...) is not supported");
    return Val::Data(HtmlSafeJson(nlohmann::json(Plain(v))));
  }
  if (name == "int" || name == "float") return ToNumber(v, name == "int", args);
  if (name == "abs") {
    const Json j = Plain(v).is_boolean() ? Json(int64_t{Plain(v).get<bool>()}) : Plain(v);
    if (j.is_number_integer() && j.get<int64_t>() == INT64_MIN)
      throw TemplateError("an integer overflows 64 bits");
    if (j.is_number_integer()) return Val::Data(std::abs(j.get<int64_t>()));
    if (j.is_number()) return Val::Data(std::fabs(j.get<double>()));
    throw TemplateError("abs needs a number");
  }
  if (name == "length" || name == "count") {
    const Json j = Plain(v);
    if (j.is_string()) return Val::Data(Characters(j.get<std::string>()).size());
    if (j.is_array() || j.is_object()) return Val::Data(j.size());
    throw TemplateError("length needs a string, a list or a dict");
  }
  if (name == "join") {
    const Json attribute = Arg(args, 1, nullptr);
    const std::string sep = args.empty() ? "" : Str(args[0]);
    std::string out;
    bool first = true;
    for (const Json& item : Elements(v)) {
      out += (first ? "" : sep) +
             PythonStr(attribute.is_null() ? item : ItemAttribute(item, Str(Val::Data(attribute))));
      first = false;
      if (out.size() > kMaxValueBytes)
        throw TemplateError("the joined text would be larger than 1 MB");
    }
    return Val::Data(out);
  }
  if (name == "first" || name == "last") {
    const std::vector<Json> items = Elements(v);
    if (items.empty()) return Val::Undefined(fmt::format("there is no {} item: it is empty", name));
    return Val::Data(name == "first" ? items.front() : items.back());
  }
  if (name == "list") return Val::Data(Json(Elements(v)));
  if (name == "reverse") {
    std::vector<Json> items = Elements(v);
    std::reverse(items.begin(), items.end());
    if (v.lazy) return Val::Data(Json(items));  // a generator is made a list, reversed
    if (!Plain(v).is_string()) return Val::Generator(Json(items));  // reversed(), an iterator
    std::string out;
    for (const Json& c : items) out += c.get<std::string>();
    return Val::Data(out);
  }
  if (name == "sort" || name == "unique") {
    std::vector<Json> items = Elements(v);
    const bool sort = name == "sort";
    const bool reverse = sort && Truthy(Val::Data(Arg(args, 0, false)));
    const bool case_sensitive = Truthy(Val::Data(Arg(args, sort ? 1 : 0, false)));
    const Json attribute = Arg(args, sort ? 2 : 1, nullptr);
    if (sort) {
      std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
        const Json ka = Key(a, attribute, case_sensitive), kb = Key(b, attribute, case_sensitive);
        return reverse ? Less(kb, ka) : Less(ka, kb);
      });
      return Val::Data(Json(items));
    }
    Json out = Json::array();
    std::vector<Json> seen;
    for (const Json& item : items) {
      const Json key = Key(item, attribute, case_sensitive);
      if (std::none_of(seen.begin(), seen.end(), [&](const Json& s) { return Equal(s, key); })) {
        seen.push_back(key);
        out.push_back(item);
      }
    }
    return Val::Generator(out);
  }
  if (name == "min" || name == "max") return Extreme(v, name == "max", args);
  if (name == "sum") {
    const Json attribute = Arg(args, 0, nullptr);
    Val total = Val::Data(Arg(args, 1, 0));
    for (const Json& item : Elements(v))
      total = Arithmetic(
          total, "+",
          Val::Data(attribute.is_null() ? item : ItemAttribute(item, Str(Val::Data(attribute)))));
    return total;
  }
  if (name == "items" || name == "dictsort") {
    if (name == "items" && v.kind == Val::kUndefined) return Val::Data(Json::array());
    const Json j = Plain(v);
    if (!j.is_object()) throw TemplateError(name + " needs a dict");
    Json pairs = Pairs(j);
    if (name == "items") return Val::Data(pairs);
    const bool case_sensitive = Truthy(Val::Data(Arg(args, 0, false)));
    const std::string by = Arg(args, 1, "key").get<std::string>();
    if (by != "key" && by != "value") throw TemplateError("dictsort(by=...) is 'key' or 'value'");
    const bool reverse = Truthy(Val::Data(Arg(args, 2, false)));
    std::vector<Json> items(pairs.begin(), pairs.end());
    std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
      const size_t i = by == "key" ? 0 : 1;
      const Json ka = Key(a[i], nullptr, case_sensitive), kb = Key(b[i], nullptr, case_sensitive);
      return reverse ? Less(kb, ka) : Less(ka, kb);
    });
    return Val::Data(Json(items));
  }
  throw TemplateError(fmt::format("the filter '{}' is not one the local runtime has", name));
}

bool Test(const Val& v, const std::string& name, const std::vector<Val>& args) {
  if (name == "defined") return v.kind != Val::kUndefined;
  if (name == "undefined") return v.kind == Val::kUndefined;
  if (name == "callable") return v.kind == Val::kMethod;
  const bool data = v.kind == Val::kData;
  const Json& j = v.data;
  if (name == "none") return data && j.is_null();
  if (name == "boolean") return data && j.is_boolean();
  if (name == "true" || name == "false")
    return data && j.is_boolean() && j.get<bool>() == (name == "true");
  if (name == "integer") return data && j.is_number_integer();
  if (name == "float") return data && j.is_number_float();
  if (name == "number") return data && (j.is_number() || j.is_boolean());
  if (name == "string") return data && j.is_string();
  if (name == "mapping") return data && j.is_object();
  if (name == "sequence") return data && (j.is_string() || j.is_array() || j.is_object());
  if (name == "iterable") return data && (j.is_string() || j.is_array() || j.is_object());
  auto arg = [&]() -> const Val& {
    if (args.empty()) throw TemplateError(fmt::format("the test '{}' needs an argument", name));
    return args[0];
  };
  if (name == "odd" || name == "even")  // value % 2 == 1 (or 0), as Jinja: 2.5 is neither
    return Equal(Plain(Arithmetic(v, "%", Val::Data(2))), Json(name == "odd" ? 1 : 0));
  if (name == "divisibleby") return Equal(Plain(Arithmetic(v, "%", arg())), Json(0));
  if (name == "lower" || name == "upper") {
    const std::string s = Str(v);
    bool cased = false;
    for (char c : s) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) cased = true;
      if (name == "lower" ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z')) return false;
    }
    return cased;
  }
  if (name == "sameas") {
    const Json a = Plain(v), b = Plain(arg());
    if (!(b.is_null() || b.is_boolean()))
      throw TemplateError("sameas compares with none, true or false only in the local runtime");
    return a.type() == b.type() && a == b;
  }
  static const std::map<std::string, std::string, std::less<>> kComparisons = {
      {"eq", "=="}, {"equalto", "=="}, {"==", "=="},      {"ne", "!="},
      {"!=", "!="}, {"lt", "<"},       {"lessthan", "<"}, {"<", "<"},
      {"le", "<="}, {"<=", "<="},      {"gt", ">"},       {"greaterthan", ">"},
      {">", ">"},   {"ge", ">="},      {">=", ">="},      {"in", "in"}};
  if (auto op = kComparisons.find(name); op != kComparisons.end())
    return Comparison(v, op->second, arg());
  throw TemplateError(fmt::format("the test '{}' is not one the local runtime has", name));
}

}  // namespace dagport::runtime::jinja
