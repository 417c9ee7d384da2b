#pragma once
/// The Python environments of container tasks, built once into a content-addressed cache:
/// `<cache>/env-<id>/` is a virtualenv of the machine's `python<version>` (or `python3` when
/// that version is not installed) with the requirements installed by pip, under the user's pip
/// configuration (pip.conf, PIP_INDEX_URL, PIP_FIND_LINKS, ...). `<id>` names the Python
/// version used and the requirements, as the converter names images. An environment is built
/// under a lock (two dagport runs build it once), marked complete only when pip succeeded, and
/// rebuilt when a build was interrupted. Tasks see it read-only.

#include <iosfwd>
#include <map>
#include <string>

#include "runtime/container_task.h"

namespace dagport::runtime {

struct BuiltEnvironment {
  std::string id;          ///< env-<12 hex digits>
  std::string path;        ///< the virtualenv folder; empty when it could not be built
  std::string python;      ///< the version it was built with ("3.11")
  std::string note;        ///< e.g. "Python 3.7 is not installed: built with 3.11"
  std::string error;       ///< why it could not be built (names the requirement pip refused)
  std::string log;         ///< the build's log
  bool built_now = false;  ///< false: taken from the cache
  double seconds = 0;      ///< building took
};

class EnvironmentCache {
 public:
  explicit EnvironmentCache(std::string folder) : folder_(std::move(folder)) {}

  /// The environment, built now unless the cache has it. Blocks while it is built (or while
  /// another dagport builds it). Never throws: a failure is in `error`.
  BuiltEnvironment Ensure(const ContainerEnvironment& environment);

  const std::string& folder() const { return folder_; }

 private:
  /// The interpreter for `version` and the version it is ("3.11"); empty when there is none.
  std::pair<std::string, std::string> Interpreter(const std::string& version);

  std::string folder_;
  std::map<std::string, std::pair<std::string, std::string>> interpreters_;
};

/// What pip's log says it could not install ("pandas==1.1.5: no version found"); empty when
/// the log names no requirement. Exposed for tests.
std::string PipFailure(const std::string& log_text);

}  // namespace dagport::runtime
