#include "parser/airflow_names.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace dagport::parser {

namespace {
#include "parser/data/airflow_names.inc"
}  // namespace

bool IsAirflowDagPath(std::string_view path) {
  return path == "airflow.DAG" || path == "airflow.models.DAG" || path == "airflow.models.dag.DAG";
}

bool IsTaskGroupPath(std::string_view path) {
  return path == "airflow.utils.task_group.TaskGroup";
}

bool IsBaseOperatorPath(std::string_view path) {
  return path == "airflow.models.BaseOperator" ||
         path == "airflow.models.baseoperator.BaseOperator" ||
         path == "airflow.operators.BaseOperator" ||
         path == "airflow.sensors.base_sensor_operator.BaseSensorOperator" ||
         path == "airflow.sensors.base.BaseSensorOperator" ||
         path == "airflow.operators.sensors.BaseSensorOperator";
}

bool IsKnownOperatorModule(std::string_view path) {
  for (std::string_view prefix : {"airflow.operators.", "airflow.sensors.",
                                  "airflow.contrib.operators.", "airflow.contrib.sensors."}) {
    if (path.starts_with(prefix)) return true;
  }
  return path.starts_with("airflow.providers.") &&
         (path.find(".operators.") != std::string_view::npos ||
          path.find(".sensors.") != std::string_view::npos);
}

namespace {

/// The package-level names by name (asked for every call and import the evaluator resolves).
const std::unordered_map<std::string_view, std::string_view>& PackageLevelNames() {
  static const std::unordered_map<std::string_view, std::string_view> names(
      std::begin(kPackageLevelNames), std::end(kPackageLevelNames));
  return names;
}

}  // namespace

std::string_view ResolveAirflowPath(std::string_view path) {
  const auto& names = PackageLevelNames();
  const auto it = names.find(path);
  return it != names.end() ? std::string_view(it->second) : path;
}

bool IsPackageLevelName(std::string_view path) {
  return PackageLevelNames().contains(path);
}

bool IsAirflow2OnlyModule(std::string_view module) {
  if (module.starts_with("airflow.providers.") || module == "airflow.providers") return true;
  return std::any_of(
      std::begin(kAirflow2OnlyModules), std::end(kAirflow2OnlyModules), [&](std::string_view m) {
        return module == m ||
               (module.starts_with(m) && module.size() > m.size() && module[m.size()] == '.');
      });
}

}  // namespace dagport::parser
