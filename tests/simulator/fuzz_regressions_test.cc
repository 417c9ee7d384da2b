// Inputs the fuzzers (tests/fuzz/config_fuzzer.cc) found, or that review found while fuzzing,
// that the simulator's readers mishandled: each reader must reject bad input with
// std::runtime_error naming the place (the CLI turns that into exit code 2 with the file's
// name), never let a JSON library exception out or take a value it cannot hold.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "simulator/durations.h"
#include "simulator/settings.h"
#include "simulator/simulate_config.h"

namespace dagport::simulator {
namespace {

/// The message of the std::runtime_error `read` throws; fails the test when it throws nothing
/// or something else.
template <typename F>
std::string RuntimeError(F read) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a std::runtime_error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "accepted";
  return "";
}

// A number too large for a double is an out_of_range error, not a parse_error: it escaped
// every reader (found by config_fuzzer in a prices file).
TEST(SimulatorFuzzRegressions, NumberOutOfRangeIsInvalidJson) {
  const std::string prices = "{\n  \"as_of\": \"2026-06\",\n  \"sou_gb_hour\": 0.004E454\n}";
  Settings s = DefaultSettings();
  EXPECT_NE(RuntimeError([&] { ApplyPrices(s, prices); }).find("number overflow"),
            std::string::npos);
  EXPECT_EQ(RuntimeError([&] { (void)Durations::Parse("{\"a.b\": {\"mean\": 1e999}}"); }),
            "1:18: not valid JSON ([json.exception.out_of_range.406] number overflow parsing "
            "'1e999')");
  EXPECT_EQ(RuntimeError([&] { (void)ParseSimulateConfig("{\n \"simulate\": -1E400}"); }),
            "2:14: not valid JSON");
}

// "cpu": 1e300 was cast to int (UBSan: outside the range of representable values).
TEST(SimulatorFuzzRegressions, DurationsCpuAndMemoryFitAnInt) {
  EXPECT_EQ(
      RuntimeError([] { (void)Durations::Parse(R"({"dag.task": {"mean": 5, "cpu": 1e300}})"); }),
      "1:2: \"dag.task\".cpu: at most 2147483647");
  EXPECT_NE(RuntimeError([] {
              (void)Durations::Parse(R"({"operators": {"X": {"mean": 5, "memory": 3e9}}})");
            }).find("\"X\".memory: at most"),
            std::string::npos);
  sched::TaskPlan task;
  task.task_id = "task";
  const DurationModel m =
      Durations::Parse(R"({"dag.task": {"mean": 5, "cpu": 2048, "memory": 4096}})")
          .For("dag", task);
  EXPECT_EQ(m.cpu, 2048);
  EXPECT_EQ(m.memory_mib, 4096);
}

// A footprint's mode, resource or global of the wrong type threw nlohmann's type_error.
TEST(SimulatorFuzzRegressions, FootprintFieldsOfTheWrongType) {
  EXPECT_NE(RuntimeError([] {
              (void)ParseSimulateConfig(
                  R"({"simulate": {"footprints": {"a.b": [{"path": "/x", "mode": 5}]}}})");
            }).find("\"mode\" must be a string"),
            std::string::npos);
  EXPECT_NE(RuntimeError([] {
              (void)ParseSimulateConfig(
                  R"({"simulate": {"footprints": {"a.b": [{"path": "/x", "global": "yes"}]}}})");
            }).find("\"global\" must be true or false"),
            std::string::npos);
}

// Pool slots were read with get<int>: 4294967297 passed as 1 slot (found by review).
TEST(SimulatorFuzzRegressions, PoolSlotsBeyondAnInt) {
  EXPECT_NE(RuntimeError([] {
              (void)ParseSimulateConfig(R"({"simulate": {"pools": {"p": 4294967297}}})");
            }).find("non-negative integer"),
            std::string::npos);
  EXPECT_EQ(ParseSimulateConfig(R"({"simulate": {"pools": {"p": 2147483647}}})").pools.at("p"),
            2147483647);
}

// An MWAA price that is neither a number nor null threw nlohmann's type_error (found by review).
TEST(SimulatorFuzzRegressions, MwaaPriceOfTheWrongType) {
  Settings s = DefaultSettings();
  ApplyMwaaClass(s, *FindMwaaClass("mw1.small"));
  EXPECT_EQ(
      RuntimeError([&] { ApplyPrices(s, R"({"mwaa": {"mw1.small": {"worker_per_hour": "x"}}})"); }),
      "\"mwaa\".worker_per_hour: must be a number or null");
}

}  // namespace
}  // namespace dagport::simulator
