#pragma once
/// The renderings of a simulation: a text summary, JSON (schema `dagport.simulation/1`,
/// docs/simulate.md), a per-attempt CSV of the first replay, a self-contained HTML report and a
/// WfCommons WfFormat 1.5 instance of the simulated horizon.

#include <nlohmann/json.hpp>
#include <string>

#include "simulator/report.h"

namespace dagport::simulator {

inline constexpr const char* kSimulationSchema = "dagport.simulation/1";

std::string RenderText(const SimulationReport& report);
nlohmann::ordered_json RenderJson(const SimulationReport& report);
std::string RenderCsv(const Workload& workload, const SimulationResult& result);
std::string RenderHtml(const SimulationReport& report, const Workload& workload,
                       const SimulationResult& result);
nlohmann::ordered_json RenderWfFormat(const Workload& workload, const SimulationResult& result);
/// One line per event of the first replay, in time order: "[time] dag.task@run running on host".
std::string RenderTrace(const Workload& workload, const SimulationResult& result);

/// Seconds with at most one decimal: "3.4", "120".
std::string Seconds(double s);
/// A duration for people: "42 s", "3.5 min", "2.1 h".
std::string HumanDuration(double s);

}  // namespace dagport::simulator
