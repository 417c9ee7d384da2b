#include "parser/command_footprint.h"

#include <algorithm>
#include <array>
#include <optional>

namespace dagport::parser {

namespace {

std::string_view Basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsOption(std::string_view word) {
  return word.starts_with("-");
}

/// The last word that is not an option (nor the value of one of `valued` options), from `from`.
std::optional<std::string> LastOperand(const std::vector<std::string>& words, size_t from,
                                       std::initializer_list<std::string_view> valued = {}) {
  std::optional<std::string> last;
  for (size_t i = from; i < words.size(); ++i) {
    if (IsOption(words[i])) {
      if (std::find(valued.begin(), valued.end(), words[i]) != valued.end()) ++i;
      continue;
    }
    last = words[i];
  }
  return last;
}

std::optional<std::string> OptionValue(const std::vector<std::string>& words, size_t from,
                                       std::initializer_list<std::string_view> names) {
  for (size_t i = from; i + 1 < words.size(); ++i) {
    if (std::find(names.begin(), names.end(), words[i]) != names.end()) return words[i + 1];
    for (std::string_view n : names) {
      if (n.starts_with("--") && words[i].starts_with(std::string(n) + "="))
        return words[i].substr(n.size() + 1);
    }
  }
  return std::nullopt;
}

/// `pip install ...` run by `pip_path` (a word such as `/tmp/venvs/x/bin/pip` or `pip`).
void PipCommand(std::string_view pip_path, const std::vector<std::string>& words, size_t from,
                FootprintSink& sink) {
  size_t i = from;
  while (i < words.size() && IsOption(words[i])) ++i;
  if (i >= words.size() || (words[i] != "install" && words[i] != "uninstall")) return;
  std::string target;
  if (auto t = OptionValue(words, i, {"-t", "--target", "--prefix", "--root"})) {
    target = *t;
  } else if (const size_t bin = pip_path.rfind("/bin/"); bin != std::string_view::npos) {
    target = std::string(pip_path.substr(0, bin));
  } else {
    // Into the worker's own Python: shared by every task on the worker.
    target = "python:site-packages";
  }
  sink.Add(target, "write", "packages", false, sink.unique);
}

bool IsPython(std::string_view word) {
  const std::string_view base = Basename(word);
  return base.starts_with("python");
}

}  // namespace

bool NamesFreshTemporary(std::string_view text) {
  for (std::string_view marker :
       {"mkdtemp", "mkstemp", "TemporaryDirectory", "NamedTemporaryFile", "uuid"}) {
    if (text.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

void FootprintSink::Add(std::string path, std::string_view mode, std::string_view resource,
                        bool possible, bool fresh) {
  if (path.empty() || path.starts_with("/dev/") || path.starts_with("/proc/")) return;
  possible = possible || path.find('<') != std::string::npos;
  fresh = fresh || NamesFreshTemporary(path);
  for (const ir::HostAccess& a : out_) {
    if (a.path == path && a.mode == mode && a.resource == resource) return;
  }
  out_.push_back(ir::HostAccess{std::move(path), std::string(mode), std::string(resource), possible,
                                fresh, file_, where_});
}

void AddCommandFootprint(std::vector<std::string> words, FootprintSink& sink) {
  // Leading wrappers: sudo, env VAR=x, exec, time, nohup.
  while (!words.empty()) {
    const std::string_view w = words.front();
    if (w == "sudo" || w == "exec" || w == "time" || w == "nohup" || w == "env" ||
        (w.find('=') != std::string_view::npos && !w.starts_with("-") && !w.starts_with("/"))) {
      words.erase(words.begin());
      continue;
    }
    break;
  }
  // Redirections write their target.
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (w == "<" && i + 1 < words.size()) {
      sink.Add(words[i + 1], "read", "file", false, sink.unique);
      words.erase(words.begin() + static_cast<std::ptrdiff_t>(i),
                  words.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      --i;
      continue;
    }
    for (std::string_view op : {"2>>", "&>", "2>", ">>", ">"}) {
      if (w == op && i + 1 < words.size()) {
        if (words[i + 1].starts_with("/") && words[i + 1] != "/dev/null")
          sink.Add(words[i + 1], "write", "file", false, sink.unique);
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(i),
                    words.begin() + static_cast<std::ptrdiff_t>(i) + 2);
        --i;
        break;
      }
      if (w.starts_with(op) && w.size() > op.size() && w[op.size()] == '/') {
        if (w.substr(op.size()) != "/dev/null")
          sink.Add(std::string(w.substr(op.size())), "write", "file", false, sink.unique);
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(i));
        --i;
        break;
      }
    }
  }
  if (words.empty()) return;
  const std::string& program = words[0];
  const std::string_view base = Basename(program);
  const bool u = sink.unique;
  if (base == "virtualenv") {
    if (auto p = LastOperand(words, 1, {"-p", "--python", "--prompt"}))
      sink.Add(*p, "create", "virtualenv", false, u);
    return;
  }
  if (IsPython(program)) {
    if (const size_t bin = program.rfind("/bin/"); bin != std::string::npos)
      sink.Add(program.substr(0, bin), "read", "virtualenv", false, u);
    for (size_t i = 1; i + 1 < words.size(); ++i) {
      if (words[i] != "-m") continue;
      const std::string& module = words[i + 1];
      if (module == "venv" || module == "virtualenv") {
        if (auto p = LastOperand(words, i + 2, {"-p", "--python", "--prompt"}))
          sink.Add(*p, "create", "virtualenv", false, u);
      } else if (module == "pip") {
        PipCommand(program.rfind("/bin/") != std::string::npos ? program : "", words, i + 2, sink);
      }
      return;
    }
  } else if (base.starts_with("pip")) {
    PipCommand(program, words, 1, sink);
    return;
  } else if (base == "conda" || base == "mamba" || base == "micromamba") {
    size_t i = 1;
    while (i < words.size() && IsOption(words[i])) ++i;
    if (i >= words.size()) return;
    std::string where;
    if (auto p = OptionValue(words, i, {"-p", "--prefix"})) where = *p;
    if (auto n = OptionValue(words, i, {"-n", "--name"})) where = "conda:" + *n;
    if (words[i] == "create" ||
        (words[i] == "env" && i + 1 < words.size() && words[i + 1] == "create")) {
      sink.Add(where.empty() ? "conda:?" : where, "create", "virtualenv", where.empty(), u);
    } else if (words[i] == "install") {
      sink.Add(where.empty() ? "conda:base" : where, "write", "packages", false, u);
    }
    return;
  } else if (base == "rm" || base == "rmdir") {
    const bool recursive = std::any_of(words.begin() + 1, words.end(), [](const std::string& w) {
      return w.starts_with("-") && !w.starts_with("--") &&
             w.find_first_of("rR") != std::string::npos;
    });
    for (size_t i = 1; i < words.size(); ++i) {
      if (!IsOption(words[i]))
        sink.Add(words[i], "delete", recursive || base == "rmdir" ? "directory" : "file", false, u);
    }
    return;
  } else if (base == "find") {
    // find ROOT ... -delete / -exec rm ...: deletes what it finds under ROOT.
    const bool deletes = std::any_of(words.begin(), words.end(), [](const std::string& w) {
      return w == "-delete" || w == "rm";
    });
    const std::optional<std::string> name = OptionValue(words, 1, {"-name", "-iname"});
    for (size_t i = 1; i < words.size() && !IsOption(words[i]); ++i) {
      if (name) {
        sink.Add(words[i] + (words[i].ends_with("/") ? "" : "/") + *name,
                 deletes ? "delete" : "read", "file", false, u);
      } else {
        sink.Add(words[i], deletes ? "delete" : "read", "directory", false, u);
      }
    }
    return;
  } else if (base == "mkdir") {
    for (size_t i = 1; i < words.size(); ++i) {
      if (!IsOption(words[i])) sink.Add(words[i], "create", "directory", false, u);
    }
    return;
  } else if (base == "touch") {
    for (size_t i = 1; i < words.size(); ++i) {
      if (!IsOption(words[i])) sink.Add(words[i], "write", "file", false, u);
    }
    return;
  } else if (base == "cp" || base == "mv" || base == "rsync" ||
             (base == "aws" && words.size() > 2 && words[1] == "s3" &&
              (words[2] == "cp" || words[2] == "mv" || words[2] == "sync"))) {
    std::vector<std::string> operands;
    for (size_t i = base == "aws" ? 3 : 1; i < words.size(); ++i) {
      if (!IsOption(words[i])) operands.push_back(words[i]);
    }
    if (operands.size() >= 2) {
      for (size_t i = 0; i + 1 < operands.size(); ++i) {
        if (operands[i].starts_with("/"))
          sink.Add(operands[i], base == "mv" ? "delete" : "read", "file", false, u);
      }
      if (operands.back().starts_with("/")) sink.Add(operands.back(), "write", "file", false, u);
    }
    return;
  } else if (base == "curl" || base == "wget") {
    if (auto out = OptionValue(words, 1, {"-o", "--output", "-O", "--output-document"});
        out && out->starts_with("/")) {
      sink.Add(*out, "write", "file", false, u);
    }
    return;
  }
  // Any other program: the fixed temporary paths it is given are read (or written: the
  // simulator treats a shared read of a path another task writes as a conflict too).
  // A path after an output option (--out /tmp/x, -o /tmp/x, --output=/tmp/x) is written.
  static constexpr std::array<std::string_view, 10> kOutputOptions = {
      "-o",        "--out",  "--output",      "--output-file", "--out-file",
      "--outfile", "--dest", "--destination", "--save",        "--target"};
  auto is_output = [](std::string_view option) {
    return std::find(kOutputOptions.begin(), kOutputOptions.end(), option) != kOutputOptions.end();
  };
  for (size_t i = 1; i < words.size(); ++i) {
    std::string_view w = words[i];
    bool output = is_output(words[i - 1]);
    if (const size_t eq = w.find('='); w.starts_with("--") && eq != std::string_view::npos) {
      output = is_output(w.substr(0, eq));
      w = w.substr(eq + 1);
    }
    if (w.starts_with("/tmp/") || w.starts_with("/var/tmp/") || w.starts_with("/dev/shm/"))
      sink.Add(std::string(w), output ? "write" : "read", "file", false, u);
  }
}

std::vector<std::vector<std::string>> ShellWords(std::string_view s) {
  std::vector<std::vector<std::string>> commands(1);
  std::string word;
  bool in_word = false;
  auto end_word = [&] {
    if (in_word) {
      std::vector<std::string>& words = commands.back();
      if (words.empty()) words.reserve(8);  // most commands have a few words: one allocation
      words.push_back(word);
    }
    word.clear();
    in_word = false;
  };
  auto end_command = [&] {
    end_word();
    if (!commands.back().empty()) commands.emplace_back();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (s.substr(i, 2) == "{{") {
      const size_t close = s.find("}}", i + 2);
      const size_t end = close == std::string_view::npos ? s.size() : close + 2;
      word.append(s.substr(i, end - i));
      in_word = true;
      i = end - 1;
    } else if (c == '\'' || c == '"') {
      const size_t close = s.find(c, i + 1);
      const size_t end = close == std::string_view::npos ? s.size() : close;
      word.append(s.substr(i + 1, end - i - 1));
      in_word = true;
      i = end;
    } else if (c == '\\' && i + 1 < s.size()) {
      if (s[i + 1] != '\n') {
        word.push_back(s[i + 1]);
        in_word = true;
      }
      ++i;
    } else if (c == ' ' || c == '\t') {
      end_word();
    } else if (c == '\n' || c == ';' || c == '|' || c == '(' || c == ')' ||
               (c == '&' && i + 1 < s.size() && s[i + 1] == '&')) {
      if ((c == '|' || c == '&') && i + 1 < s.size() && s[i + 1] == c) ++i;
      end_command();
    } else if (c == '#' && !in_word) {
      while (i < s.size() && s[i] != '\n') ++i;
      end_command();
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  end_command();
  if (commands.back().empty()) commands.pop_back();
  return commands;
}

std::vector<ir::HostAccess> ShellCommandFootprint(std::string_view command, std::string_view file,
                                                  const ir::SourceRange& where) {
  std::vector<ir::HostAccess> out;
  FootprintSink sink(out, std::string(file), where);
  for (std::vector<std::string>& words : ShellWords(command))
    AddCommandFootprint(std::move(words), sink);
  return out;
}

}  // namespace dagport::parser
