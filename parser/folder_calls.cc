#include "parser/folder_calls.h"

#include <fmt/format.h>

#include "parser/module_loader.h"

#include <algorithm>
#include <optional>
#include <system_error>
#include <vector>

namespace dagport::parser {

namespace fs = std::filesystem;

namespace {

/// At most this many names from one listing or one glob: not a DAG file's folder beyond it.
constexpr size_t kMaxNames = 10'000;

/// fnmatch as glob uses it on one path component: `*`, `?`, `[abc]`, `[a-z]`, `[!abc]`.
bool Matches(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star_p = std::string_view::npos, star_n = 0;
  auto one = [&](size_t& pi, char c) -> std::optional<bool> {  // the class at pi, or a char
    if (pattern[pi] == '?') {
      ++pi;
      return true;
    }
    if (pattern[pi] == '[') {
      size_t close = pattern.find(']', pi + 2);
      if (close == std::string_view::npos) {  // no class: a plain '['
        ++pi;
        return c == '[';
      }
      std::string_view set = pattern.substr(pi + 1, close - pi - 1);
      pi = close + 1;
      const bool negate = !set.empty() && set[0] == '!';
      if (negate) set.remove_prefix(1);
      bool in = false;
      for (size_t i = 0; i < set.size(); ++i) {
        if (i + 2 < set.size() && set[i + 1] == '-') {
          in = in || (set[i] <= c && c <= set[i + 2]);
          i += 2;
        } else {
          in = in || set[i] == c;
        }
      }
      return in != negate;
    }
    return pattern[pi++] == c;
  };
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_n = n;
      continue;
    }
    if (p < pattern.size()) {
      size_t next = p;
      if (one(next, name[n]).value_or(false)) {
        p = next;
        ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool HasMagic(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

/// The entries of `dir` (names only), sorted; nullopt when it cannot be listed.
std::optional<std::vector<std::string>> ListFolder(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
    if (names.size() > kMaxNames) return std::nullopt;
  }
  if (ec) return std::nullopt;
  std::sort(names.begin(), names.end());
  return names;
}

/// glob.glob(pattern) (not recursive): each component with wildcards matched against the
/// listing of the folders so far; names starting with '.' only by a pattern that does too.
std::optional<std::vector<std::string>> Glob(const std::string& pattern) {
  const fs::path p(pattern);
  std::vector<std::string> found = {p.is_absolute() ? p.root_path().string() : std::string()};
  for (const fs::path& part : p.relative_path()) {
    const std::string component = part.string();
    if (component == "**") return std::nullopt;
    std::vector<std::string> next;
    for (const std::string& base : found) {
      const fs::path dir = base.empty() ? fs::path(".") : fs::path(base);
      auto join = [&](const std::string& name) {
        return base.empty() ? name : (fs::path(base) / name).string();
      };
      if (!HasMagic(component)) {
        std::error_code ec;
        if (fs::exists(dir / component, ec)) next.push_back(join(component));
        continue;
      }
      std::optional<std::vector<std::string>> names = ListFolder(dir);
      if (!names) continue;
      for (const std::string& name : *names) {
        if (name[0] == '.' && component[0] != '.') continue;
        if (Matches(component, name)) next.push_back(join(name));
      }
      if (next.size() > kMaxNames) return std::nullopt;
    }
    found = std::move(next);
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::optional<std::string> PathText(const Val& v) {
  if (Is(v, Kind::kStr)) return v->text;
  if (Is(v, Kind::kExternal) && v->text.starts_with("path:")) return v->text.substr(5);
  return std::nullopt;
}

bool InsideAnalysedFolders(Evaluator& ev, const fs::path& path) {
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(path, ec);
  if (ec) return false;
  for (const std::string& root : ev.loader().roots()) {
    const fs::path r = fs::weakly_canonical(root, ec);
    if (ec) continue;
    const std::string rel = file.lexically_relative(r).string();
    if (!rel.empty() && !rel.starts_with("..")) return true;
  }
  return false;
}

Val CallFolder(Evaluator& ev, std::string_view path, CallArgs& args, TSNode node, Frame& frame) {
  const bool normalize = path == "os.path.abspath" || path == "os.path.realpath" ||
                         path == "os.path.normpath" || path == "os.path.relpath";
  const bool test = path == "os.path.exists" || path == "os.path.isfile" || path == "os.path.isdir";
  const bool list = path == "os.listdir" || path == "glob.glob" || path == "glob.iglob";
  if (!normalize && !test && !list) return nullptr;
  const std::optional<std::string> arg = !args.positional.empty() ? PathText(args.positional[0])
                                         : path == "os.listdir"   ? std::optional<std::string>(".")
                                                                  : std::nullopt;
  if (!arg)
    return ev.Unknown(node, frame, fmt::format("{}() of a path not statically known", path));
  if (path == "os.path.relpath") {
    // Only with `start`: relative to the current folder depends on where Airflow runs.
    const Val* start = args.positional.size() > 1 ? &args.positional[1] : args.Keyword("start");
    const std::optional<std::string> base = start != nullptr ? PathText(*start) : std::nullopt;
    if (!base) return ev.Unknown(node, frame, "os.path.relpath() without a known start");
    std::error_code ec;
    const std::string s = fs::absolute(*arg, ec)
                              .lexically_normal()
                              .lexically_relative(fs::absolute(*base, ec).lexically_normal())
                              .string();
    if (ec) return ev.Unknown(node, frame, "path not statically known");
    return Str(s.empty() ? "." : s);
  }
  if (path == "os.path.normpath") {
    std::string s = fs::path(*arg).lexically_normal().string();
    if (s.size() > 1 && s.back() == '/') s.pop_back();
    return Str(s.empty() ? "." : s);
  }
  if (normalize) {
    // Relative to where dagport runs, as the module's __file__ is: the DAG file's folder
    // structure is what the result is used for.
    std::error_code ec;
    fs::path absolute = fs::absolute(*arg, ec);
    if (ec) return ev.Unknown(node, frame, "path not statically known");
    if (path == "os.path.realpath") absolute = fs::weakly_canonical(absolute, ec);
    std::string s = absolute.lexically_normal().string();
    if (s.size() > 1 && s.back() == '/') s.pop_back();
    return Str(s);
  }
  const fs::path target =
      list && path != "os.listdir" ? fs::path(*arg).parent_path() : fs::path(*arg);
  if (!InsideAnalysedFolders(ev, target.empty() ? fs::path(".") : target)) {
    return ev.Unknown(node, frame,
                      fmt::format("{}('{}'): outside the analysed folders, not read", path, *arg));
  }
  std::error_code ec;
  if (path == "os.path.exists") return Bool(fs::exists(*arg, ec));
  if (path == "os.path.isfile") return Bool(fs::is_regular_file(*arg, ec));
  if (path == "os.path.isdir") return Bool(fs::is_directory(*arg, ec));
  bool recursive = false;
  for (const auto& [name, v] : args.keywords)
    recursive = recursive || (name == "recursive" && Truth(v).value_or(true));
  std::optional<std::vector<std::string>> names =
      path == "os.listdir" ? ListFolder(*arg) : (recursive ? std::nullopt : Glob(*arg));
  if (!names) return ev.Unknown(node, frame, fmt::format("{}('{}') not read", path, *arg));
  std::vector<Val> items;
  for (const std::string& name : *names) {
    // A folder a wildcard went through may be a link to elsewhere: only what is inside counts.
    if (path == "os.listdir" || InsideAnalysedFolders(ev, name)) items.push_back(Str(name));
  }
  return List(std::move(items));
}

}  // namespace dagport::parser
