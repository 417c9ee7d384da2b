#include "parser/dag_folder.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <utility>

namespace dagport::parser {

namespace fs = std::filesystem;

namespace {

using Patterns = std::vector<std::shared_ptr<const std::regex>>;

struct DirectoryId {
  dev_t dev;
  ino_t ino;
  auto operator<=>(const DirectoryId&) const = default;
};

class Walker {
 public:
  explicit Walker(FolderListing& out) : out_(out) {}

  void Walk(const std::string& dir, Patterns patterns) {
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0) {
      Report("DP001", dir, fmt::format("cannot read folder: {}", std::strerror(errno)));
      return;
    }
    if (!visited_.insert({st.st_dev, st.st_ino}).second) {
      out_.diagnostics.push_back(ir::MakeDiagnostic(
          "DP003", dir, {}, "folder already walked (symbolic link loop or second link); skipped",
          "remove the link or add it to .airflowignore"));
      return;
    }
    ReadIgnoreFile(dir + "/.airflowignore", patterns);

    enum Kind { kFolder, kFile, kBrokenLink };
    std::vector<std::pair<std::string, Kind>> entries;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      Report("DP001", dir, fmt::format("cannot read folder: {}", ec.message()));
      return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const std::string name = it->path().filename().string();
      std::error_code type_ec;
      const bool is_dir = it->is_directory(type_ec);  // follows symbolic links
      const bool is_file = !is_dir && it->is_regular_file(type_ec);
      if (is_dir || is_file) {
        entries.emplace_back(name, is_dir ? kFolder : kFile);
      } else if (std::error_code link_ec; it->is_symlink(link_ec) && !it->exists(link_ec)) {
        entries.emplace_back(name, kBrokenLink);
      }
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& [name, kind] : entries) {
      const std::string path = Join(dir, name);
      if (Ignored(path, patterns)) continue;
      if (kind == kBrokenLink) {
        if (name.ends_with(".py")) ReportBrokenLink(path);  // what Airflow would have loaded
      } else if (kind == kFolder) {
        if (name == "__pycache__" || name == ".git") continue;
        Walk(path, patterns);
      } else if (name.size() > 3 && name.ends_with(".py")) {
        out_.files.push_back(path);
      }
    }
  }

 private:
  static std::string Join(const std::string& dir, const std::string& name) {
    return dir.ends_with('/') ? dir + name : dir + "/" + name;
  }

  static bool Ignored(const std::string& path, const Patterns& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const auto& p) { return std::regex_search(path, *p); });
  }

  void ReadIgnoreFile(const std::string& file, Patterns& patterns) {
    std::ifstream in(file);
    if (!in) return;
    std::string line;
    uint32_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.starts_with('#')) continue;
      try {
        patterns.push_back(std::make_shared<const std::regex>(line, std::regex::ECMAScript));
      } catch (const std::regex_error& e) {
        out_.diagnostics.push_back(ir::MakeDiagnostic(
            "DP002", file, {number, 1, number, static_cast<uint32_t>(line.size() + 1)},
            fmt::format("invalid regular expression '{}': {}", line, e.what()),
            "fix the pattern (Python regular expression syntax) or remove the line; it is "
            "ignored"));
      }
    }
  }

  void ReportBrokenLink(const fs::path& link) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(link, ec);
    out_.diagnostics.push_back(ir::MakeDiagnostic(
        "DP005", link.string(), {},
        fmt::format("broken symbolic link to {}: skipped", ec ? "?" : target.string()),
        "fix or remove the link"));
  }

  void Report(const char* code, const std::string& path, std::string message) {
    out_.diagnostics.push_back(ir::MakeDiagnostic(code, path, {}, std::move(message),
                                                  "check that it exists and is readable"));
  }

  FolderListing& out_;
  std::set<DirectoryId> visited_;
};

}  // namespace

FolderListing ListPythonFiles(const std::vector<std::string>& paths) {
  FolderListing out;
  Walker walker(out);
  std::set<std::string> seen;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      out.diagnostics.push_back(ir::MakeDiagnostic(
          "DP001", path, {},
          fmt::format("no such file or folder: {}", ec ? ec.message() : "not found"),
          "check the path"));
      continue;
    }
    if (fs::is_directory(status)) {
      walker.Walk(path, {});
    } else {
      out.files.push_back(path);
    }
  }
  // A file named twice (directly and through its folder) is analysed once. One path walked
  // lists each file once, so only several paths need the (syscall-heavy) canonical names.
  std::vector<std::string> unique;
  for (std::string& f : out.files) {
    std::error_code ec;
    std::string key = paths.size() > 1 ? fs::weakly_canonical(f, ec).string() : f;
    if (ec) key = f;
    if (seen.insert(key).second) unique.push_back(std::move(f));
  }
  out.files = std::move(unique);
  return out;
}

}  // namespace dagport::parser
