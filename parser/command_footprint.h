#pragma once
/// What a command line does on the worker's disk, read word by word: virtualenvs it creates
/// (`virtualenv`, `python -m venv`, `conda create`), packages it installs (`pip install`,
/// `conda install`), files and folders it creates, writes, reads or deletes (`mkdir`, `rm`,
/// `cp`/`mv`, `aws s3 cp`, `curl -o`, `find -delete`, redirections, `/tmp/...` arguments).
/// Used for Bash commands and for the commands an operator's `execute()` runs (footprint.h).

#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace dagport::parser {

/// Collects accesses, each (path, mode, resource) once, in the order they happen.
class FootprintSink {
 public:
  FootprintSink(std::vector<ir::HostAccess>& out, std::string file, ir::SourceRange where)
      : out_(out), file_(std::move(file)), where_(where) {}

  /// Records an access at the current code location. Device paths are not recorded; a path
  /// with an `<expression>` is possible, one naming a fresh temporary path is unique.
  void Add(std::string path, std::string_view mode, std::string_view resource,
           bool possible = false, bool fresh = false);
  /// The code the next accesses come from.
  void At(std::string file, ir::SourceRange where) {
    file_ = std::move(file);
    where_ = where;
  }
  bool unique = false;  ///< the words being classified name a fresh temporary path

 private:
  std::vector<ir::HostAccess>& out_;
  std::string file_;
  ir::SourceRange where_;
};

/// True when `text` names a fresh temporary path (mkdtemp, TemporaryDirectory, uuid, ...).
bool NamesFreshTemporary(std::string_view text);

/// Records what one simple command, as a list of words (Jinja kept, unknown parts written
/// `<...>`), does to the disk.
void AddCommandFootprint(std::vector<std::string> words, FootprintSink& sink);

/// Splits a shell command line into simple commands and their words: quotes are removed,
/// `{{ ... }}` stays one word, `&&`, `||`, `;`, `|` and newlines end a command.
std::vector<std::vector<std::string>> ShellWords(std::string_view command);

/// What the shell command `command` (a Bash script line, Jinja kept) does to the disk.
/// `file` and `where` name the code for each access.
std::vector<ir::HostAccess> ShellCommandFootprint(std::string_view command, std::string_view file,
                                                  const ir::SourceRange& where);

}  // namespace dagport::parser
