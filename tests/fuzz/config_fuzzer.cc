// libFuzzer target: any bytes as each of dagport's JSON inputs: dagport.json's "containers"
// section (converters/containers) and its "simulate" section, a durations file and a prices
// file (simulator). Each reader must reject bad input the way its header says (diagnostics, or
// std::runtime_error naming the place), never crash or let another exception out; what it
// accepts must be usable.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "converters/containers/container_config.h"
#include "sched/dag_plan.h"
#include "simulator/durations.h"
#include "simulator/random.h"
#include "simulator/settings.h"
#include "simulator/simulate_config.h"

namespace {

using namespace dagport;

[[noreturn]] void Fail(const char* reader, const char* why) {
  std::fprintf(stderr, "config_fuzzer: %s: %s\n", reader, why);
  std::abort();
}

/// Runs `read`; std::runtime_error is how these readers reject input, anything else is a bug.
template <typename F>
void ExpectOnlyRuntimeError(const char* reader, F read) {
  try {
    read();
  } catch (const std::runtime_error&) {
  } catch (const std::exception& e) {
    Fail(reader,
         (std::string("threw something else than std::runtime_error: ") + e.what()).c_str());
  } catch (...) {
    Fail(reader, "threw a non-exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  try {
    std::vector<ir::Diagnostic> diagnostics;
    const std::optional<converters::containers::ContainerConfig> config =
        converters::containers::ParseContainerConfig(text, "dagport.json", diagnostics);
    if (!config && diagnostics.empty()) Fail("containers", "rejected without a diagnostic");
    if (config) (void)config->Placeholders();
  } catch (const std::exception& e) {
    Fail("containers", e.what());  // errors are diagnostics
  }

  ExpectOnlyRuntimeError("simulate", [&] { (void)simulator::ParseSimulateConfig(text); });

  ExpectOnlyRuntimeError("durations", [&] {
    const simulator::Durations durations = simulator::Durations::Parse(text);
    sched::TaskPlan task;
    task.task_id = "task";
    task.operator_class = "airflow.operators.bash_operator.BashOperator";
    task.operator_name = "BashOperator";
    simulator::Random random(1);
    for (const char* dag : {"dag", "fuzz"}) {
      const simulator::DurationModel model = durations.For(dag, task);
      const double seconds = model.Sample(random);
      if (!(seconds >= 0)) Fail("durations", "a model gave a negative or NaN duration");
    }
    (void)durations.UnusedKeys({"dag.task"});
  });

  ExpectOnlyRuntimeError("prices", [&] {
    static const simulator::Settings defaults = [] {
      simulator::Settings s = simulator::DefaultSettings();
      simulator::ApplyMwaaClass(s, *simulator::FindMwaaClass("mw1.small"));
      return s;
    }();
    simulator::Settings settings = defaults;
    simulator::ApplyPrices(settings, text);
    (void)simulator::RoundUpFargate(settings, 1024, 2048);
  });
  return 0;
}
