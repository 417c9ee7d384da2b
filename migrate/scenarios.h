#pragma once
/// The three scenarios `dagport migrate` simulates on one horizon with the same seeds, and the
/// sentences that say what changed between them and why.

#include <string>
#include <vector>

#include "converters/containers/container_plan.h"
#include "migrate/migration.h"
#include "simulator/durations.h"
#include "simulator/simulate_config.h"

namespace dagport::migrate {

/// Simulates the legacy DAGs on Kubernetes and on MWAA (Celery, `options.mwaa_class`), and the
/// converted DAGs on MWAA with their container tasks on ECS. Findings (DAGs not simulated,
/// pools without a size) go to `diagnostics`.
std::vector<Scenario> SimulateScenarios(const ir::Project& legacy, const ir::Project& converted,
                                        const converters::containers::ContainerPlan& plan,
                                        const simulator::SimulateConfig& config,
                                        const simulator::Durations& durations,
                                        const MigrateOptions& options,
                                        std::vector<ir::Diagnostic>& diagnostics,
                                        const ProgressFn& progress);

/// What changed from one scenario to the next, and why, as sentences for the report.
std::vector<std::string> DescribeChanges(const Migration& m);

/// "12.3 USD" (two decimals) or "n/a".
std::string Money(const std::optional<double>& amount, const std::string& currency);

}  // namespace dagport::migrate
