// Inputs the fuzzers (tests/fuzz/template_fuzzer.cc) found that the scheduling core mishandled,
// with what it does with them now.
#include <gtest/gtest.h>

#include <string>

#include "sched/clock.h"
#include "sched/template_context.h"

namespace dagport::sched {
namespace {

TemplateContext Context() {
  TemplateContext c;
  c.dag_id = "d";
  c.task_id = "t";
  EXPECT_TRUE(ParseIsoDate("2021-03-01", &c.logical_date));
  c.interval_end = c.logical_date + kDay;
  return c;
}

// The simulator's path templates read ds_add's days with atoi: 8085256147 wrapped to
// -504678445 days, and the date's microseconds overflowed 64 bits (UBSan in ToDatetime).
// Days no date can be shifted by are now kept verbatim, as an expression the renderer does not
// know.
TEST(SchedFuzzRegressions, DsAddOfMoreDaysThanAnIntInAPathTemplate) {
  for (const char* days : {"00000000008085256147", "54001617051229586485704", "-3660001"}) {
    const std::string text = std::string("/tmp/{{ macros.ds_add(ds, ") + days + ") }}/x";
    const PathTemplate path(text);
    ASSERT_EQ(path.unknown().size(), 1u) << text;
    EXPECT_EQ(path.Render(Context()), text);
  }
  EXPECT_EQ(PathTemplate("/{{ macros.ds_add(ds, -1) }}/{{ macros.ds_add(ds, 2900000) }}")
                .Render(Context()),
            "/2021-02-28/9961-02-04");
}

}  // namespace
}  // namespace dagport::sched
