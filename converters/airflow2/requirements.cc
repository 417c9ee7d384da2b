#include "converters/airflow2/requirements.h"

#include <fmt/format.h>

namespace dagport::converters::airflow2 {

std::string RequirementsTxt(const AirflowVersion& target, const std::set<std::string>& providers) {
  const Api& api = Api::Get();
  const std::map<std::string, std::string> pins = api.Constraints(target);
  // The data's 2.10 pins come from the constraints-2-10 branch, not from the tag of each 2.10
  // release: pinning them could contradict the constraints file, which pins them anyway.
  const bool exact = target < AirflowVersion{2, 10, 0};
  std::string out = fmt::format(
      "# Provider packages the converted DAGs import, for Airflow {} (Amazon MWAA).\n"
      "# Written by dagport convert. MWAA installs them with Airflow's constraints file:\n"
      "--constraint \"{}\"\n",
      target.ToString(), Api::ConstraintsUrl(target));
  if (providers.empty()) out += "# (the converted DAGs need no provider package)\n";
  for (const std::string& package : providers) {
    auto pin = pins.find(package);
    if (exact && pin != pins.end()) {
      out += fmt::format("{}=={}\n", package, pin->second);
    } else {
      out += package + "\n";
    }
  }
  return out;
}

std::string MergeRequirements(const std::string& existing, const std::string& ours,
                              const AirflowVersion& target) {
  if (existing.empty()) return ours;
  std::string out = existing;
  if (!out.empty() && out.back() != '\n') out += '\n';
  std::string added;
  size_t start = 0;
  while (start < ours.size()) {
    size_t end = ours.find('\n', start);
    if (end == std::string::npos) end = ours.size();
    const std::string line = ours.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const bool constraint = line.starts_with("--constraint");
    const std::string package = line.substr(0, line.find_first_of("=<> "));
    const bool present = constraint ? existing.find("--constraint") != std::string::npos
                                    : existing.find(package) != std::string::npos;
    if (!present) added += line + "\n";
  }
  if (!added.empty()) {
    out += fmt::format("# Added by dagport convert for Airflow {}:\n", target.ToString()) + added;
  }
  return out;
}

}  // namespace dagport::converters::airflow2
