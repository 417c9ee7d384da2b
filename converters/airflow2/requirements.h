#pragma once
/// requirements.txt for MWAA: the provider packages the converted DAGs import, pinned to the
/// versions of Airflow's official constraints file for the target version (which MWAA installs
/// with), and that constraints file named on the first line as MWAA's documentation asks.

#include <set>
#include <string>

#include "converters/airflow2/api_data.h"

namespace dagport::converters::airflow2 {

std::string RequirementsTxt(const AirflowVersion& target, const std::set<std::string>& providers);

/// Requirements text `ours` merged into what the input's own requirements.txt holds: the lines
/// it lacks are added under a comment; nothing it has is changed.
std::string MergeRequirements(const std::string& existing, const std::string& ours,
                              const AirflowVersion& target);

}  // namespace dagport::converters::airflow2
