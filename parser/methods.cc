// Methods of the built-in types (str, list, dict, set, tuple, timedelta, datetime).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "ir/civil_time.h"
#include "parser/airflow_model.h"
#include "parser/operations.h"

namespace dagport::parser {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Strip(const std::string& s, const std::string* chars, bool left, bool right) {
  auto strip_char = [&](char c) {
    return chars == nullptr ? IsSpace(c) : chars->find(c) != std::string::npos;
  };
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e && strip_char(s[b])) ++b;
  }
  if (right) {
    while (e > b && strip_char(s[e - 1])) --e;
  }
  return s.substr(b, e - b);
}

std::vector<std::string> Split(const std::string& s, const std::string* sep, int64_t max_split,
                               bool from_right) {
  std::vector<std::string> out;
  if (sep == nullptr) {
    // Whitespace split: runs of whitespace separate, empty pieces dropped; with maxsplit the
    // remainder (left-stripped, or right-stripped for rsplit) is the last piece.
    std::vector<std::string> words;
    if (!from_right) {
      size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && IsSpace(s[i])) ++i;
        if (i == s.size()) break;
        if (max_split >= 0 && static_cast<int64_t>(words.size()) == max_split) {
          size_t e = s.size();
          while (e > i && IsSpace(s[e - 1])) --e;
          words.push_back(s.substr(i, e - i));
          break;
        }
        size_t j = i;
        while (j < s.size() && !IsSpace(s[j])) ++j;
        words.push_back(s.substr(i, j - i));
        i = j;
      }
      return words;
    }
    size_t e = s.size();
    while (e > 0) {
      while (e > 0 && IsSpace(s[e - 1])) --e;
      if (e == 0) break;
      if (max_split >= 0 && static_cast<int64_t>(words.size()) == max_split) {
        size_t b = 0;
        while (b < e && IsSpace(s[b])) ++b;
        words.push_back(s.substr(b, e - b));
        break;
      }
      size_t b = e;
      while (b > 0 && !IsSpace(s[b - 1])) --b;
      words.push_back(s.substr(b, e - b));
      e = b;
    }
    std::reverse(words.begin(), words.end());
    return words;
  }
  if (sep->empty()) return {s};
  if (!from_right) {
    size_t start = 0;
    int64_t splits = 0;
    for (;;) {
      size_t pos = s.find(*sep, start);
      if (pos == std::string::npos || (max_split >= 0 && splits >= max_split)) break;
      out.push_back(s.substr(start, pos - start));
      start = pos + sep->size();
      ++splits;
    }
    out.push_back(s.substr(start));
    return out;
  }
  size_t end = s.size();
  int64_t splits = 0;
  for (;;) {
    if (max_split >= 0 && splits >= max_split) break;
    if (end < sep->size()) break;
    size_t pos = s.rfind(*sep, end - sep->size());
    if (pos == std::string::npos) break;
    out.push_back(s.substr(pos + sep->size(), end - pos - sep->size()));
    end = pos;
    ++splits;
  }
  out.push_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

/// nullopt when the result would be longer than kMaxTextBytes.
std::optional<std::string> ReplaceAll(const std::string& s, const std::string& from,
                                      const std::string& to, int64_t count) {
  if (from.empty()) return s;
  std::string out;
  size_t start = 0;
  int64_t done = 0;
  for (;;) {
    size_t pos = s.find(from, start);
    if (pos == std::string::npos || (count >= 0 && done >= count)) break;
    out.append(s, start, pos - start);
    if (out.size() + to.size() > kMaxTextBytes) return std::nullopt;
    out += to;
    start = pos + from.size();
    ++done;
  }
  out.append(s, start, std::string::npos);
  return out;
}

Val StrList(const std::vector<std::string>& parts) {
  std::vector<Val> items;
  for (const std::string& p : parts) items.push_back(Str(p));
  return List(std::move(items));
}

const std::string* StrArg(const std::vector<Val>& a, size_t i) {
  return i < a.size() && Is(a[i], Kind::kStr) ? &a[i]->text : nullptr;
}

Val StrMethod(Evaluator& ev, const Val& self, const std::string& name, CallArgs& args, TSNode node,
              Frame& frame) {
  const std::string& s = self->text;
  const std::vector<Val>& a = args.positional;
  auto unknown = [&] {
    return ev.Unknown(node, frame, fmt::format("str.{}() not evaluated statically", name));
  };
  for (const Val& v : a) {
    if (IsUnresolved(v)) return ev.Unknown(node, frame, v->reason());
  }
  if (name == "format") {
    for (const auto& [k, v] : args.keywords) {
      if (IsUnresolved(v)) return ev.Unknown(node, frame, v->reason());
    }
    if (auto r = StrFormat(s, args)) return Str(*r);
    return unknown();
  }
  if (name == "format_map" && !a.empty() && Is(a[0], Kind::kDict)) {
    CallArgs kw;
    for (auto& [k, v] : a[0]->entries) {
      if (Is(k, Kind::kStr)) kw.keywords.emplace_back(k->text, v);
    }
    if (auto r = StrFormat(s, kw)) return Str(*r);
    return unknown();
  }
  if (name == "upper" || name == "lower" || name == "swapcase" || name == "casefold") {
    std::string r = s;
    for (char& c : r) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (name == "upper")
        c = static_cast<char>(std::toupper(u));
      else if (name == "lower" || name == "casefold")
        c = static_cast<char>(std::tolower(u));
      else
        c = static_cast<char>(std::isupper(u) ? std::tolower(u) : std::toupper(u));
    }
    return Str(r);
  }
  if (name == "title" || name == "capitalize") {
    std::string r = s;
    bool start = true;
    for (size_t i = 0; i < r.size(); ++i) {
      const unsigned char u = static_cast<unsigned char>(r[i]);
      if (name == "capitalize") {
        r[i] = static_cast<char>(i == 0 ? std::toupper(u) : std::tolower(u));
      } else {
        r[i] = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
        start = !std::isalpha(u);
      }
    }
    return Str(r);
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    return Str(Strip(s, StrArg(a, 0), name != "rstrip", name != "lstrip"));
  }
  if (name == "replace" && a.size() >= 2 && StrArg(a, 0) && StrArg(a, 1)) {
    int64_t count = a.size() > 2 && Is(a[2], Kind::kInt) ? a[2]->i : -1;
    if (auto r = ReplaceAll(s, *StrArg(a, 0), *StrArg(a, 1), count)) return Str(std::move(*r));
    return unknown();
  }
  if (name == "split" || name == "rsplit") {
    const Val* sep_kw = args.Keyword("sep");
    const std::string* sep =
        sep_kw != nullptr && Is(*sep_kw, Kind::kStr) ? &(*sep_kw)->text : StrArg(a, 0);
    int64_t max_split = -1;
    if (a.size() > 1 && Is(a[1], Kind::kInt)) max_split = a[1]->i;
    if (const Val* m = args.Keyword("maxsplit"); m != nullptr && Is(*m, Kind::kInt))
      max_split = (*m)->i;
    return StrList(Split(s, sep, max_split, name == "rsplit"));
  }
  if (name == "splitlines") {
    const std::string newline = "\n";
    std::vector<std::string> lines = Split(*ReplaceAll(s, "\r\n", "\n", -1), &newline, -1, false);
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return StrList(lines);
  }
  if (name == "join" && a.size() == 1) {
    std::vector<Val> items;
    if (!ev.Iterate(a[0], items, node, frame)) return unknown();
    std::string r;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!Is(items[i], Kind::kStr)) return unknown();
      if (i > 0) r += s;
      r += items[i]->text;
      if (r.size() > kMaxTextBytes) return unknown();
    }
    return Str(r);
  }
  if ((name == "startswith" || name == "endswith") && !a.empty()) {
    std::vector<std::string> options;
    if (Is(a[0], Kind::kStr)) options.push_back(a[0]->text);
    if (Is(a[0], Kind::kTuple)) {
      for (const Val& v : a[0]->items) {
        if (!Is(v, Kind::kStr)) return unknown();
        options.push_back(v->text);
      }
    }
    for (const std::string& o : options) {
      if (name == "startswith" ? s.starts_with(o) : s.ends_with(o)) return Bool(true);
    }
    return Bool(false);
  }
  if ((name == "find" || name == "rfind" || name == "index" || name == "count") && StrArg(a, 0)) {
    const std::string& sub = *StrArg(a, 0);
    if (name == "count") {
      if (sub.empty()) return Int(static_cast<int64_t>(s.size() + 1));
      int64_t n = 0;
      for (size_t pos = s.find(sub); pos != std::string::npos; pos = s.find(sub, pos + sub.size()))
        ++n;
      return Int(n);
    }
    size_t pos = name == "rfind" ? s.rfind(sub) : s.find(sub);
    if (pos == std::string::npos) return name == "index" ? unknown() : Int(-1);
    return Int(static_cast<int64_t>(pos));
  }
  if ((name == "removeprefix" || name == "removesuffix") && StrArg(a, 0)) {
    const std::string& x = *StrArg(a, 0);
    if (name == "removeprefix" && s.starts_with(x)) return Str(s.substr(x.size()));
    if (name == "removesuffix" && s.ends_with(x)) return Str(s.substr(0, s.size() - x.size()));
    return self;
  }
  if ((name == "zfill" || name == "ljust" || name == "rjust" || name == "center") && !a.empty() &&
      Is(a[0], Kind::kInt)) {
    const size_t width = static_cast<size_t>(std::max<int64_t>(0, a[0]->i));
    if (s.size() >= width) return self;
    if (width > kMaxTextBytes) return unknown();
    const size_t pad = width - s.size();
    const char fill =
        StrArg(a, 1) && !StrArg(a, 1)->empty() ? (*StrArg(a, 1))[0] : (name == "zfill" ? '0' : ' ');
    if (name == "zfill") {
      const bool sign = !s.empty() && (s[0] == '-' || s[0] == '+');
      return Str((sign ? s.substr(0, 1) : "") + std::string(pad, '0') + (sign ? s.substr(1) : s));
    }
    if (name == "ljust") return Str(s + std::string(pad, fill));
    if (name == "rjust") return Str(std::string(pad, fill) + s);
    // CPython's rule: the odd padding character goes left when the width is odd.
    const size_t left = pad / 2 + (pad & width & 1);
    return Str(std::string(left, fill) + s + std::string(pad - left, fill));
  }
  if (name == "isdigit" || name == "isalpha" || name == "isalnum" || name == "isupper" ||
      name == "islower") {
    if (s.empty()) return Bool(false);
    bool r = true;
    for (unsigned char c : s) {
      if (name == "isdigit") r = r && std::isdigit(c);
      if (name == "isalpha") r = r && std::isalpha(c);
      if (name == "isalnum") r = r && std::isalnum(c);
      if (name == "isupper") r = r && !std::islower(c);
      if (name == "islower") r = r && !std::isupper(c);
    }
    return Bool(r);
  }
  if ((name == "partition" || name == "rpartition") && StrArg(a, 0) && !StrArg(a, 0)->empty()) {
    const std::string& sep = *StrArg(a, 0);
    size_t pos = name == "partition" ? s.find(sep) : s.rfind(sep);
    if (pos == std::string::npos) {
      return name == "partition" ? Tuple({Str(s), Str(""), Str("")})
                                 : Tuple({Str(""), Str(""), Str(s)});
    }
    return Tuple({Str(s.substr(0, pos)), Str(sep), Str(s.substr(pos + sep.size()))});
  }
  if (name == "encode" || name == "decode" || name == "__str__") return self;
  return unknown();
}

Val ListMethod(Evaluator& ev, const Val& self, const std::string& name, CallArgs& args, TSNode node,
               Frame& frame) {
  static constexpr std::string_view kMutators[] = {"append", "add",     "extend", "update",
                                                   "insert", "pop",     "remove", "discard",
                                                   "clear",  "reverse", "sort"};
  if (Is(self, Kind::kList) && (name == "append" || name == "extend")) {
    NoteAppend(ev, self);
  } else if (std::find(std::begin(kMutators), std::end(kMutators), name) != std::end(kMutators)) {
    NoteMutation(ev, self);
  }
  std::vector<Val>& items = self->items;
  const std::vector<Val>& a = args.positional;
  const bool mutable_list = Is(self, Kind::kList) || Is(self, Kind::kSet);
  if (mutable_list && (name == "append" || name == "add") && a.size() == 1) {
    if (name == "add") {
      for (const Val& v : items) {
        if (Equal(v, a[0]).value_or(false)) return None();
      }
    }
    items.push_back(a[0]);
    return None();
  }
  if (mutable_list && (name == "extend" || name == "update") && a.size() == 1) {
    std::vector<Val> more;
    if (!ev.Iterate(a[0], more, node, frame))
      return ev.Unknown(node, frame, "extend() with a value not statically known");
    items.insert(items.end(), more.begin(), more.end());
    return None();
  }
  if (mutable_list && name == "insert" && a.size() == 2 && Is(a[0], Kind::kInt)) {
    int64_t n = static_cast<int64_t>(items.size());
    int64_t i = std::clamp<int64_t>(a[0]->i < 0 ? a[0]->i + n : a[0]->i, 0, n);
    items.insert(items.begin() + i, a[1]);
    return None();
  }
  if (mutable_list && name == "pop") {
    if (items.empty()) return ev.Unknown(node, frame, "pop from empty list");
    int64_t n = static_cast<int64_t>(items.size());
    int64_t i = a.empty() || !Is(a[0], Kind::kInt) ? n - 1 : (a[0]->i < 0 ? a[0]->i + n : a[0]->i);
    if (i < 0 || i >= n) return ev.Unknown(node, frame, "pop index out of range");
    Val v = items[i];
    items.erase(items.begin() + i);
    return v;
  }
  if (mutable_list && (name == "remove" || name == "discard") && a.size() == 1) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (Equal(items[i], a[0]).value_or(false)) {
        items.erase(items.begin() + static_cast<long>(i));
        break;
      }
    }
    return None();
  }
  if (mutable_list && name == "clear") {
    items.clear();
    return None();
  }
  if (mutable_list && name == "reverse") {
    std::reverse(items.begin(), items.end());
    return None();
  }
  if (mutable_list && name == "sort") {
    CallArgs sorted_args = args;
    sorted_args.positional = {self};
    sorted_args.positional_nodes = {TSNode{}};
    Val sorted = CallBuiltin(ev, "sorted", sorted_args, node, frame);
    if (Is(sorted, Kind::kList)) items = sorted->items;
    return None();
  }
  if (name == "copy") return Is(self, Kind::kSet) ? Set(items) : List(items);
  if ((name == "index" || name == "count") && a.size() == 1) {
    int64_t count = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (Equal(items[i], a[0]).value_or(false)) {
        if (name == "index") return Int(static_cast<int64_t>(i));
        ++count;
      }
    }
    return name == "count" ? Int(count) : ev.Unknown(node, frame, "value not in list (ValueError)");
  }
  if (Is(self, Kind::kSet) && (name == "union" || name == "intersection" || name == "difference")) {
    std::vector<Val> other;
    if (a.size() != 1 || !ev.Iterate(a[0], other, node, frame))
      return ev.Unknown(node, frame, "set operation");
    std::vector<Val> out;
    if (name == "union") {
      out = items;
      out.insert(out.end(), other.begin(), other.end());
    } else {
      for (const Val& x : items) {
        bool in_other = false;
        for (const Val& y : other) in_other = in_other || Equal(x, y).value_or(false);
        if (in_other == (name == "intersection")) out.push_back(x);
      }
    }
    return Set(out);
  }
  return ev.Unknown(node, frame,
                    fmt::format("{}.{}() not evaluated statically", TypeName(self), name));
}

Val DictMethod(Evaluator& ev, const Val& self, const std::string& name, CallArgs& args, TSNode node,
               Frame& frame) {
  if (name == "update" || name == "setdefault" || name == "pop" || name == "clear" ||
      name == "popitem") {
    NoteMutation(ev, self);
  }
  const std::vector<Val>& a = args.positional;
  if (name == "get" && !a.empty()) {
    if (IsUnresolved(a[0])) return ev.Unknown(node, frame, a[0]->reason());
    if (Val* v = DictFind(self, a[0])) return *v;
    return a.size() > 1 ? a[1] : None();
  }
  if (name == "keys" || name == "values" || name == "items") {
    std::vector<Val> out;
    for (auto& [k, v] : self->entries) {
      if (name == "keys") out.push_back(k);
      if (name == "values") out.push_back(v);
      if (name == "items") out.push_back(Tuple({k, v}));
    }
    return List(std::move(out));
  }
  if (name == "update") {
    if (!a.empty()) {
      if (Is(a[0], Kind::kDict)) {
        for (auto& [k, v] : a[0]->entries) DictSet(self, k, v);
      } else {
        return ev.Unknown(node, frame, "update() with a value not statically known");
      }
    }
    for (auto& [k, v] : args.keywords) DictSet(self, Str(k), v);
    return None();
  }
  if (name == "copy") return Dict(self->entries);
  if (name == "setdefault" && !a.empty()) {
    if (Val* v = DictFind(self, a[0])) return *v;
    Val v = a.size() > 1 ? a[1] : None();
    DictSet(self, a[0], v);
    return v;
  }
  if (name == "pop" && !a.empty()) {
    auto& e = self->entries;
    for (size_t i = 0; i < e.size(); ++i) {
      if (Equal(e[i].first, a[0]).value_or(false)) {
        Val v = e[i].second;
        e.erase(e.begin() + static_cast<long>(i));
        return v;
      }
    }
    return a.size() > 1 ? a[1] : ev.Unknown(node, frame, "key not in dict (KeyError)");
  }
  if (name == "clear") {
    self->entries.clear();
    return None();
  }
  if (name == "iteritems" || name == "iterkeys" || name == "itervalues" || name == "has_key") {
    // Python 2 only: under Python 3 (Airflow 1.10.15 and 2) AttributeError.
    ev.Report("DP102", node, frame, fmt::format("dict.{}() is Python 2 only", name),
              "use items()/keys()/values() or `in`; Python 3 raises AttributeError");
    ev.RaiseIfCertain(node, frame,
                      fmt::format("AttributeError: 'dict' object has no attribute '{}'", name));
  }
  return ev.Unknown(node, frame, fmt::format("dict.{}() not evaluated statically", name));
}

}  // namespace

Val CallMethod(Evaluator& ev, Val receiver, const std::string& name, CallArgs& args, TSNode node,
               Frame& frame) {
  if (Val v = CallAirflowMethod(ev, receiver, name, args, node, frame)) return v;
  switch (receiver->kind) {
    case Kind::kStr: return StrMethod(ev, receiver, name, args, node, frame);
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSet: return ListMethod(ev, receiver, name, args, node, frame);
    case Kind::kDict: return DictMethod(ev, receiver, name, args, node, frame);
    case Kind::kModule: {
      // globals().update(mapping), globals().get(name[, default]), globals().setdefault(...)
      Scope* globals = receiver->module->globals;
      const std::vector<Val>& a = args.positional;
      if (name == "update") {
        if (!a.empty() && !Is(a[0], Kind::kDict)) globals->unknown_names = true;
        if (!a.empty() && Is(a[0], Kind::kDict)) {
          for (auto& [k, v] : a[0]->entries) {
            if (Is(k, Kind::kStr)) globals->Set(k->text, v);
          }
        }
        for (auto& [k, v] : args.keywords) globals->Set(k, v);
        return None();
      }
      if ((name == "get" || name == "setdefault") && !a.empty() && Is(a[0], Kind::kStr)) {
        if (Val* v = globals->Find(a[0]->text)) return *v;
        Val dflt = a.size() > 1 ? a[1] : None();
        if (name == "setdefault") globals->Set(a[0]->text, dflt);
        return dflt;
      }
      break;
    }
    case Kind::kTimedelta:
      if (name == "total_seconds") return Float(static_cast<double>(receiver->i) / 1e6);
      break;
    case Kind::kDatetime:
      if (name == "strftime" && !args.positional.empty() && Is(args.positional[0], Kind::kStr)) {
        if (auto s = ir::Strftime(receiver->datetime(), args.positional[0]->text)) return Str(*s);
      }
      if (name == "isoformat") {
        const std::string iso = receiver->datetime().Iso();
        return Str(IsDate(receiver) ? iso.substr(0, 10) : iso);
      }
      if (name == "date") return Date(receiver->datetime());
      break;
    default: break;
  }
  return ev.Unknown(node, frame,
                    fmt::format("{}.{}() not evaluated statically", TypeName(receiver), name));
}

}  // namespace dagport::parser
