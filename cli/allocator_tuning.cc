#include "cli/allocator_tuning.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace dagport::cli {

namespace {

constexpr const char* kTunables = "GLIBC_TUNABLES";
constexpr const char* kTcache = "glibc.malloc.tcache_count=10000";
/// Set in the re-executed process: the variable's value before (or "-" when it was unset).
constexpr const char* kBefore = "DAGPORT_TUNABLES_BEFORE";

bool SanitizerBuild() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

void Restore(const char* before) {
  if (std::string(before) == "-") {
    unsetenv(kTunables);
  } else {
    setenv(kTunables, before, 1);
  }
}

}  // namespace

void TuneAllocator(char** argv) {
  if (const char* before = std::getenv(kBefore)) {
    // The tuned process: glibc has read the tunables; children get the user's environment.
    Restore(before);
    unsetenv(kBefore);
    return;
  }
  if (SanitizerBuild() || std::getenv("DAGPORT_NO_MALLOC_TUNING") != nullptr) return;
  // Under valgrind (its preload library) the allocator is valgrind's, and a re-executed
  // process would leave the tool.
  if (const char* preload = std::getenv("LD_PRELOAD");
      preload != nullptr && std::string(preload).find("vgpreload") != std::string::npos)
    return;
  const char* current = std::getenv(kTunables);
  const std::string before = current != nullptr ? current : "-";
  if (current != nullptr && std::string(current).find("tcache_count") != std::string::npos)
    return;  // the user's choice
  const std::string tuned =
      current != nullptr && *current != '\0' ? std::string(current) + ":" + kTcache : kTcache;
  if (setenv(kTunables, tuned.c_str(), 1) != 0 || setenv(kBefore, before.c_str(), 1) != 0) {
    Restore(before.c_str());
    unsetenv(kBefore);
    return;
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    execv(self, argv);
  }
  // Not re-executed (no /proc, a seccomp filter...): go on untuned.
  Restore(before.c_str());
  unsetenv(kBefore);
}

}  // namespace dagport::cli
