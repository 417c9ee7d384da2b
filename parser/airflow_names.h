#pragma once
/// Names of Airflow's own classes and modules the parser must recognise, from the project's
/// data table `parser/data/airflow_names.inc` (derived from Airflow's deprecation tables).

#include <string>
#include <string_view>

namespace dagport::parser {

/// airflow.DAG, airflow.models.DAG, airflow.models.dag.DAG.
bool IsAirflowDagPath(std::string_view path);
/// airflow.utils.task_group.TaskGroup.
bool IsTaskGroupPath(std::string_view path);
/// airflow.models.BaseOperator and its other spellings.
bool IsBaseOperatorPath(std::string_view path);
/// A path in one of Airflow's operator or sensor modules (airflow.operators.*, airflow.sensors.*,
/// airflow.contrib.operators.*, airflow.providers.*.operators.*, ...).
bool IsKnownOperatorModule(std::string_view path);
/// A 1.10 package-level name (`airflow.operators.BashOperator`) resolved to the class's real
/// module (`airflow.operators.bash_operator.BashOperator`); other paths unchanged.
std::string_view ResolveAirflowPath(std::string_view path);
/// True for the 1.10 package-level names of stock classes.
bool IsPackageLevelName(std::string_view path);
/// A module that exists in Airflow 2 but not in 1.10 (so importing it under 1.10 fails).
bool IsAirflow2OnlyModule(std::string_view module);

}  // namespace dagport::parser
