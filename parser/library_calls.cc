// Calls into the standard library and the libraries DAG files compute their values with.
#include "parser/library_calls.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "parser/folder_calls.h"
#include "parser/module_loader.h"

namespace dagport::parser {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.ends_with(suffix);
}

/// Microseconds of timedelta(...) arguments; nullopt when one is not a number.
std::optional<int64_t> TimedeltaMicros(const CallArgs& args) {
  static constexpr std::array<std::pair<std::string_view, double>, 7> kUnits = {
      {{"days", 86'400e6},
       {"seconds", 1e6},
       {"microseconds", 1},
       {"milliseconds", 1e3},
       {"minutes", 60e6},
       {"hours", 3'600e6},
       {"weeks", 604'800e6}}};
  double total = 0;
  for (size_t i = 0; i < args.positional.size() && i < kUnits.size(); ++i) {
    if (!IsNumber(args.positional[i])) return std::nullopt;
    total += AsDouble(args.positional[i]) * kUnits[i].second;
  }
  for (const auto& [name, v] : args.keywords) {
    bool known = false;
    for (const auto& [unit, factor] : kUnits) {
      if (unit == name) {
        if (!IsNumber(v)) return std::nullopt;
        total += AsDouble(v) * factor;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  // Python's timedelta reaches 999,999,999 days; dagport's microseconds are 64 bits.
  if (!(std::fabs(total) < 9.2e18)) return std::nullopt;
  return static_cast<int64_t>(std::llround(total));
}

/// The timezone name of a tzinfo argument (a string from pendulum.timezone, or a known constant).
std::string TimezoneOf(const Val& v) {
  if (Is(v, Kind::kStr)) return v->text;
  if (Is(v, Kind::kExternal) && (EndsWith(v->text, "timezone.utc") || EndsWith(v->text, ".UTC") ||
                                 EndsWith(v->text, "pytz.utc"))) {
    return "UTC";
  }
  return "";
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<Val> MakeDatetime(const CallArgs& args, std::string default_timezone) {
  static constexpr std::array<std::string_view, 7> kFields = {
      "year", "month", "day", "hour", "minute", "second", "microsecond"};
  static constexpr int64_t kLow[7] = {1, 1, 1, 0, 0, 0, 0};
  static constexpr int64_t kHigh[7] = {9999, 12, 31, 23, 59, 59, 999'999};
  int64_t raw[7] = {0, 1, 1, 0, 0, 0, 0};
  int fields[7] = {0, 1, 1, 0, 0, 0, 0};
  bool given[7] = {};
  for (size_t i = 0; i < args.positional.size() && i < 7; ++i) {
    if (!Is(args.positional[i], Kind::kInt)) return std::nullopt;
    raw[i] = args.positional[i]->i;
    given[i] = true;
  }
  std::string tz = std::move(default_timezone);
  for (const auto& [name, v] : args.keywords) {
    if (name == "tzinfo" || name == "tz") {
      tz = TimezoneOf(v);
      if (tz.empty() && !Is(v, Kind::kNone)) return std::nullopt;
      continue;
    }
    bool known = false;
    for (size_t i = 0; i < kFields.size(); ++i) {
      if (kFields[i] == name) {
        if (!Is(v, Kind::kInt)) return std::nullopt;
        raw[i] = v->i;
        given[i] = known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  if (!given[0] || !given[1] || !given[2]) return std::nullopt;
  // What Python's datetime accepts (it raises ValueError otherwise): no field out of its range,
  // and no year whose microseconds since 1970 would overflow 64 bits.
  for (size_t i = 0; i < 7; ++i) {
    if (raw[i] < kLow[i] || raw[i] > kHigh[i]) return std::nullopt;
    fields[i] = static_cast<int>(raw[i]);
  }
  if (fields[2] > DaysInMonth(fields[0], fields[1])) return std::nullopt;
  if (args.positional.size() > 7) {
    tz = TimezoneOf(args.positional[7]);
  }
  return Datetime(ir::Datetime{fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
                               fields[6], tz});
}

/// re.sub(pattern, repl, string[, count]), re.split(pattern, string), re.escape(string), for
/// plain patterns (ECMAScript regular expressions agree with Python's on them) and bounded
/// inputs; nullptr otherwise.
Val CallRe(Evaluator& ev, std::string_view path, CallArgs& args) {
  (void)ev;
  const std::vector<Val>& a = args.positional;
  auto text = [&](size_t i) -> const std::string* {
    return i < a.size() && Is(a[i], Kind::kStr) ? &a[i]->text : nullptr;
  };
  if (path == "re.escape") {
    if (text(0) == nullptr) return nullptr;
    std::string out;
    for (char c : *text(0)) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' &&
          static_cast<unsigned char>(c) < 0x80)
        out += '\\';
      out += c;
    }
    return Str(out);
  }
  const std::string* pattern = text(0);
  if (pattern == nullptr || pattern->size() > 200 || !args.keywords.empty()) return nullptr;
  // Python-only syntax (named groups, inline flags, lookbehind) is not translated.
  if (pattern->find("(?") != std::string::npos) return nullptr;
  try {
    const std::regex re(*pattern, std::regex::ECMAScript);
    if (path == "re.sub") {
      const std::string* repl = text(1);
      const std::string* subject = text(2);
      if (repl == nullptr || subject == nullptr || subject->size() > 10'000) return nullptr;
      if (repl->find('\\') != std::string::npos || repl->find('$') != std::string::npos)
        return nullptr;
      int64_t count = a.size() > 3 && Is(a[3], Kind::kInt) ? a[3]->i : 0;
      if (count == 0) return Str(std::regex_replace(*subject, re, *repl));
      std::string out;
      auto begin = std::sregex_iterator(subject->begin(), subject->end(), re);
      size_t last = 0;
      for (auto it = begin; it != std::sregex_iterator() && count > 0; ++it, --count) {
        out.append(*subject, last, static_cast<size_t>(it->position()) - last);
        out += *repl;
        last = static_cast<size_t>(it->position() + it->length());
      }
      out.append(*subject, last, std::string::npos);
      return Str(out);
    }
    const std::string* subject = text(1);
    if (subject == nullptr || subject->size() > 10'000) return nullptr;
    std::vector<Val> parts;
    std::sregex_token_iterator it(subject->begin(), subject->end(), re, -1), end;
    for (; it != end; ++it) parts.push_back(Str(it->str()));
    return List(std::move(parts));
  } catch (const std::regex_error&) {
    return nullptr;
  }
}

/// copy.copy / copy.deepcopy of lists, tuples, sets and dicts (other values are shared).
Val CopyValue(const Val& v, bool deep) {
  auto copy_item = [&](const Val& item) { return deep ? CopyValue(item, true) : item; };
  if (Is(v, Kind::kList) || Is(v, Kind::kTuple) || Is(v, Kind::kSet)) {
    std::vector<Val> items;
    for (const Val& item : v->items) items.push_back(copy_item(item));
    if (Is(v, Kind::kList)) return List(std::move(items));
    return Is(v, Kind::kTuple) ? Tuple(std::move(items)) : Set(items);
  }
  if (Is(v, Kind::kDict)) {
    Val d = Dict();
    for (const auto& entry : v->entries)
      d->entries.emplace_back(entry.first, copy_item(entry.second));
    return d;
  }
  return v;
}

Val FromJson(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return None();
    case nlohmann::json::value_t::boolean: return Bool(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return Int(j.get<int64_t>());
    case nlohmann::json::value_t::number_float: return Float(j.get<double>());
    case nlohmann::json::value_t::string: return Str(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Val> items;
      for (const auto& x : j) items.push_back(FromJson(x));
      return List(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Val d = Dict();
      for (const auto& [k, x] : j.items()) d->entries.emplace_back(Str(k), FromJson(x));
      return d;
    }
    default: return None();
  }
}

/// json.load(open(path)) of a file inside the analysed folders, or json.loads(text).
Val ReadJsonConfig(Evaluator& ev, std::string_view path, CallArgs& args, TSNode node,
                   Frame& frame) {
  if (args.positional.empty()) return nullptr;
  const Val& arg = args.positional[0];
  std::string text;
  if (path == "json.loads" && Is(arg, Kind::kStr)) {
    text = arg->text;
  } else if (path == "json.load" && Is(arg, Kind::kExternal) && arg->text.starts_with("open:")) {
    std::error_code ec;
    const std::filesystem::path file = std::filesystem::weakly_canonical(arg->text.substr(5), ec);
    if (ec || !InsideAnalysedFolders(ev, file) ||
        std::filesystem::file_size(file, ec) > (1u << 20) || ec) {
      ev.Report("DP113", node, frame,
                fmt::format("'{}' is outside the analysed folders or too large: not read",
                            arg->text.substr(5)),
                "dagport reads JSON configuration only from the DAG and plugins folders");
      return nullptr;
    }
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    return nullptr;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return nullptr;
  return FromJson(j);
}

/// textwrap.dedent: lines of blanks and tabs only become empty, then the margin common to the
/// other lines' leading blanks and tabs is removed from every line that starts with it.
std::string Dedent(std::string_view text) {
  std::vector<std::string> lines;
  for (size_t start = 0;;) {
    const size_t end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (!line.empty() && line.find_first_not_of(" \t") == std::string::npos) line.clear();
    lines.push_back(std::move(line));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::optional<std::string> margin;
  for (const std::string& line : lines) {
    const size_t text_at = line.find_first_not_of(" \t");
    if (text_at == std::string::npos) continue;
    const std::string_view indent(line.data(), text_at);
    if (!margin) {
      margin = std::string(indent);
    } else {  // the common prefix of the two
      size_t i = 0;
      while (i < margin->size() && i < indent.size() && (*margin)[i] == indent[i]) ++i;
      margin->resize(i);
    }
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    std::string_view line = lines[i];
    if (margin && !margin->empty() && line.starts_with(*margin)) line.remove_prefix(margin->size());
    out += line;
  }
  return out;
}

/// itertools.product (with `repeat=`), chain and chain.from_iterable, as lists of what they
/// yield; null when an iterable is not statically known.
Val CallItertools(Evaluator& ev, std::string_view path, CallArgs& args, TSNode node, Frame& frame) {
  std::vector<std::vector<Val>> iterables(args.positional.size());
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (!ev.Iterate(args.positional[i], iterables[i], node, frame)) return nullptr;
  }
  if (path == "itertools.chain.from_iterable") {
    if (iterables.size() != 1) return nullptr;
    std::vector<std::vector<Val>> inner(iterables[0].size());
    for (size_t i = 0; i < inner.size(); ++i) {
      if (!ev.Iterate(iterables[0][i], inner[i], node, frame)) return nullptr;
    }
    iterables = std::move(inner);
  }
  std::vector<Val> out;
  if (path != "itertools.product") {
    if (!args.keywords.empty()) return nullptr;
    for (const std::vector<Val>& items : iterables)
      out.insert(out.end(), items.begin(), items.end());
    return List(std::move(out));
  }
  int64_t repeat = 1;
  for (const auto& [name, v] : args.keywords) {
    if (name != "repeat" || !Is(v, Kind::kInt) || v->i < 0 || v->i > 8) return nullptr;
    repeat = v->i;
  }
  std::vector<std::vector<Val>> pools;
  for (int64_t r = 0; r < repeat; ++r)
    pools.insert(pools.end(), iterables.begin(), iterables.end());
  std::vector<std::vector<Val>> rows(1);
  for (const std::vector<Val>& pool : pools) {
    if (rows.size() * pool.size() > 100'000) return nullptr;  // not a DAG file's loop
    std::vector<std::vector<Val>> next;
    for (const std::vector<Val>& row : rows) {
      for (const Val& item : pool) {
        next.push_back(row);
        next.back().push_back(item);
      }
    }
    rows = std::move(next);
  }
  for (std::vector<Val>& row : rows) out.push_back(Tuple(std::move(row)));
  return List(std::move(out));
}

}  // namespace

Val CallLibrary(Evaluator& ev, std::string_view path, CallArgs& args, TSNode node, Frame& frame) {
  if (Val result = CallFolder(ev, path, args, node, frame)) return result;
  if (path == "datetime.timedelta" || path == "pendulum.duration" ||
      path == "dateutil.relativedelta.relativedelta") {
    if (path != "dateutil.relativedelta.relativedelta") {
      if (std::optional<int64_t> us = TimedeltaMicros(args)) return Timedelta(*us);
    }
    return ev.Unknown(node, frame, "duration with arguments not statically known");
  }
  if (path == "datetime.datetime" || path == "airflow.utils.timezone.datetime" ||
      path == "pendulum.datetime" || path == "pendulum.DateTime" || path == "datetime.date") {
    const bool utc_default =
        path == "airflow.utils.timezone.datetime" || path == "pendulum.datetime";
    const bool date = path == "datetime.date";
    bool date_arguments = args.positional.size() <= 3;
    for (const auto& [name, v] : args.keywords)
      date_arguments = date_arguments && (name == "year" || name == "month" || name == "day");
    if (date && !date_arguments) return ev.Unknown(node, frame, "date() takes year, month, day");
    if (std::optional<Val> dt = MakeDatetime(args, utc_default ? "UTC" : ""))
      return date ? Date((*dt)->datetime()) : *dt;
    return ev.Unknown(node, frame, "datetime with arguments not statically known");
  }
  if (path == "pendulum.timezone" || path == "pendulum.tz.timezone" || path == "pytz.timezone") {
    if (!args.positional.empty() && Is(args.positional[0], Kind::kStr)) return args.positional[0];
  }
  if (path == "re.sub" || path == "re.split" || path == "re.escape") {
    if (Val result = CallRe(ev, path, args)) return result;
    return ev.Unknown(node, frame, fmt::format("{}() of values not statically known", path));
  }
  if (path == "functools.partial" && !args.positional.empty()) {
    // A callable that prepends the bound arguments: the callee in `receiver`, positional
    // arguments in `items`, keyword arguments in `entries`.
    Val partial = Builtin("functools.partial");
    partial->receiver = args.positional[0];
    partial->items.assign(args.positional.begin() + 1, args.positional.end());
    for (const auto& kw : args.keywords) partial->entries.emplace_back(Str(kw.first), kw.second);
    return partial;
  }
  if ((path == "copy.deepcopy" || path == "copy.copy") && args.positional.size() == 1) {
    return CopyValue(args.positional[0], path == "copy.deepcopy");
  }
  if ((path == "pathlib.Path" || path == "pathlib.PurePath" || path == "pathlib.PosixPath") &&
      !args.positional.empty()) {
    std::string joined;
    for (const Val& part : args.positional) {
      std::optional<std::string> text = PathText(part);
      if (!text) return ev.Unknown(node, frame, "path not statically known");
      joined =
          joined.empty() || (!text->empty() && (*text)[0] == '/') ? *text : joined + "/" + *text;
    }
    return External("path:" + joined);
  }
  if (path == "json.load" || path == "json.loads") {
    if (Val config = ReadJsonConfig(ev, path, args, node, frame)) return config;
    return ev.Unknown(node, frame, "JSON dagport cannot read statically");
  }
  if (path == "shlex.split" && args.positional.size() == 1 && Is(args.positional[0], Kind::kStr)) {
    // Words split on blanks, quotes removed (comments and escapes inside quotes as POSIX
    // mode treats them are rare in DAG code: a backslash escapes the next character).
    std::vector<Val> words;
    std::string word;
    bool in_word = false;
    const std::string& t = args.positional[0]->text;
    for (size_t i = 0; i < t.size(); ++i) {
      const char c = t[i];
      if (c == '\'' || c == '"') {
        const size_t close = t.find(c, i + 1);
        if (close == std::string::npos)
          return ev.Unknown(node, frame, "shlex.split: no closing quotation");
        word.append(t, i + 1, close - i - 1);
        in_word = true;
        i = close;
      } else if (c == '\\' && i + 1 < t.size()) {
        word.push_back(t[++i]);
        in_word = true;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (in_word) words.push_back(Str(word));
        word.clear();
        in_word = false;
      } else {
        word.push_back(c);
        in_word = true;
      }
    }
    if (in_word) words.push_back(Str(word));
    return List(std::move(words));
  }
  if (path == "shlex.quote" && args.positional.size() == 1 && Is(args.positional[0], Kind::kStr)) {
    const std::string& t = args.positional[0]->text;
    if (!t.empty() && t.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789@%+=:,./-_") == std::string::npos)
      return Str(t);
    std::string quoted = "'";
    for (const char c : t) quoted += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
    return Str(quoted + "'");
  }
  if (path == "os.path.join" || path == "posixpath.join") {
    std::string joined;
    for (const Val& part : args.positional) {
      if (!Is(part, Kind::kStr)) return ev.Unknown(node, frame, "path part not statically known");
      if (!part->text.empty() && part->text[0] == '/') {
        joined = part->text;
      } else if (joined.empty() || joined.back() == '/') {
        joined += part->text;
      } else {
        joined += "/" + part->text;
      }
    }
    return Str(joined);
  }
  if ((path == "os.path.basename" || path == "os.path.dirname" || path == "os.path.splitext") &&
      args.positional.size() == 1 && Is(args.positional[0], Kind::kStr)) {
    const std::string& p = args.positional[0]->text;
    const size_t slash = p.rfind('/');
    if (path == "os.path.basename")
      return Str(slash == std::string::npos ? p : p.substr(slash + 1));
    if (path == "os.path.dirname") return Str(slash == std::string::npos ? "" : p.substr(0, slash));
    const size_t dot = p.rfind('.');
    const bool has_ext =
        dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
    return Tuple({Str(has_ext ? p.substr(0, dot) : p), Str(has_ext ? p.substr(dot) : "")});
  }
  if (path == "itertools.product" || path == "itertools.chain" ||
      path == "itertools.chain.from_iterable") {
    if (Val result = CallItertools(ev, path, args, node, frame)) return result;
    return ev.Unknown(node, frame, fmt::format("{}() of values not statically known", path));
  }
  if (path == "textwrap.dedent" && args.positional.size() == 1 &&
      Is(args.positional[0], Kind::kStr)) {
    return Str(Dedent(args.positional[0]->text));
  }
  if (path.starts_with("os.environ") || path == "os.getenv") {
    return ev.Unknown(node, frame, "environment variable read when the file is parsed");
  }
  return nullptr;
}

}  // namespace dagport::parser
