// Inputs the fuzzers (tests/fuzz/template_fuzzer.cc) found to crash, hang or overflow the local
// runtime's Jinja renderer, each kept as it was found (or reduced), with what it renders now.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "runtime/jinja_template.h"
#include "tests/runtime/jinja_test_support.h"

namespace dagport::runtime {
namespace {

TemplateEnvironment Env() {
  TemplateEnvironment env;
  env.context.dag_id = "fuzz_dag";
  env.context.task_id = "fuzz_task";
  sched::ParseIsoDate("2021-03-01", &env.context.logical_date);
  env.context.interval_end = env.context.logical_date + sched::kDay;
  env.params = {{"n", 3}};
  return env;
}

std::string Error(const std::string& text) {
  return RenderError(text, Env());
}
std::string Render(const std::string& text) {
  return RenderOk(text, Env());
}

// An expression that fails was read again in skipping mode at every level of nesting to find a
// following `if`: 2^100 readings for 100 unclosed parentheses (a hang). A syntax error is now
// final at once (and the template is parsed once, into a tree, before it is rendered).
TEST(JinjaFuzzRegressions, UnclosedParenthesesDoNotTakeExponentialTime) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Error("{{ " + std::string(98, '(') + "task.task_id }}"),
            "{{ " + std::string(98, '(') +
                "task.task_id }} cannot be rendered: unexpected '}', expected ')'");
  // A failing value inside parentheses fails once, at the level it is in.
  EXPECT_NE(Error("{{ " + std::string(60, '(') + "nope" + std::string(60, ')') + " }}")
                .find("'nope' is not in the template context"),
            std::string::npos);
  EXPECT_EQ(Render("{{ (nope if false else 'y') ~ ((('z'))) }}"), "yz");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// `not` and unary minus recursed without the nesting bound: a long run of them overflowed the
// stack (found by review while fuzzing: the fuzzer's inputs are at most 4 KiB).
TEST(JinjaFuzzRegressions, LongChainsOfNotAndMinusAreBounded) {
  std::string nots;
  for (int i = 0; i < 100'000; ++i) nots += "not ";
  EXPECT_NE(Error("{{ " + nots + "true }}").find("nested too deeply"), std::string::npos);
  EXPECT_NE(Error("{{ " + std::string(100'000, '-') + "1 }}").find("nested too deeply"),
            std::string::npos);
  EXPECT_EQ(Render("{{ not not true }} {{ - - 1 }}"), "True 1");
}

// macros.ds_add multiplied the days by 86,400,000 in 64 bits: signed overflow (UBSan).
TEST(JinjaFuzzRegressions, DsAddOfAHugeNumberOfDays) {
  EXPECT_NE(Error("{{ macros.ds_add(ds, 0000000000000000000000000000800000000000000000-------------"
                  "------7)}}")
                .find("outside the years 1 to 9999"),
            std::string::npos);
  EXPECT_NE(Error("{{ macros.ds_add(ds, 9223372036854775807) }}").find("outside the years"),
            std::string::npos);
  EXPECT_NE(Error("{{ macros.ds_add(ds, -800000) }}").find("outside the years"), std::string::npos);
  EXPECT_EQ(Render("{{ macros.ds_add(ds, -1) }} {{ macros.ds_add('9999-12-30', 1) }}"),
            "2021-02-28 9999-12-31");
}

// date.add(days=100000000000000000000000.0) cast a double out of int64's range (UBSan) and added
// without a check.
TEST(JinjaFuzzRegressions, DateArithmeticStaysInRange) {
  EXPECT_NE(
      Error("{{ logical_date.add(days=100000000000000000000000.0) }}").find("outside the years"),
      std::string::npos);
  EXPECT_NE(Error("{{ logical_date.subtract(weeks=99999999999999) }}").find("outside the years"),
            std::string::npos);
  EXPECT_NE(Error("{{ logical_date.add(days=3000000, days=3000000) }}").find("outside the years"),
            std::string::npos);
  EXPECT_EQ(Render("{{ logical_date.add(hours=1.5, minutes=-30).isoformat() }}"),
            "2021-03-01T01:00:00+00:00");
}

// '' * n looped n times (a hang for a large n), and size * n could wrap around 64 bits and pass
// the 1 MB check (found by review while fuzzing).
TEST(JinjaFuzzRegressions, RepeatingAStringIsBounded) {
  EXPECT_EQ(Render("[{{ '' * 9999999999999 }}]"), "[]");
  EXPECT_NE(Error("{{ 'abcd' * 4611686018427387904 }}").find("larger than 1 MB"),
            std::string::npos);
  EXPECT_NE(Error("{{ 'ab' * 9223372036854775807 }}").find("larger than 1 MB"), std::string::npos);
  EXPECT_EQ(Render("{{ 'ab' * 3 }}{{ 2 * 'c' }}{{ 'x' * -1 }}"), "abababcc");
}

}  // namespace
}  // namespace dagport::runtime
