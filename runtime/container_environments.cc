#include "runtime/container_environments.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace dagport::runtime {

std::map<std::string, PreparedContainer> PrepareContainers(
    const sched::DagPlan& plan, const ContainerLayout& layout, const std::string& cache_dir,
    const std::map<std::string, std::string>& done, std::ostream* progress) {
  std::map<std::string, PreparedContainer> containers;
  EnvironmentCache cache(cache_dir);
  std::map<std::pair<std::string, std::vector<std::string>>, BuiltEnvironment> by_content;
  for (const sched::TaskPlan& task : plan.tasks) {
    if (done.count(task.task_id) || !IsContainerTask(*task.source, layout)) continue;
    PreparedContainer& prepared = containers[task.task_id];
    prepared.environment = ContainerEnvironmentOf(*task.source, layout, &prepared.why);
    if (!prepared.environment) continue;  // the try fails with `why`
    const ContainerEnvironment& environment = *prepared.environment;
    auto key = std::make_pair(environment.python_version, environment.requirements);
    std::sort(key.second.begin(), key.second.end());
    auto found = by_content.find(key);
    if (found == by_content.end()) {
      if (progress != nullptr) {
        *progress << fmt::format(
            "dagport run: environment for {} (Python {}, {} requirement{})...\n", task.task_id,
            environment.python_version, environment.requirements.size(),
            environment.requirements.size() == 1 ? "" : "s");
      }
      BuiltEnvironment built = cache.Ensure(environment);
      if (progress != nullptr) {
        *progress << fmt::format(
            "dagport run: {}: {}{}\n", built.id.empty() ? "environment" : built.id,
            !built.error.empty() ? "failed: " + built.error
            : built.built_now    ? fmt::format("built in {:.1f} s, {}", built.seconds, built.path)
                                 : "in the cache, " + built.path,
            built.note.empty() ? "" : " (" + built.note + ")");
      }
      found = by_content.emplace(key, std::move(built)).first;
    }
    prepared.built = found->second;
  }
  return containers;
}

}  // namespace dagport::runtime
