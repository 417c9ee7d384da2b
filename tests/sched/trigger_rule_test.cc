#include "sched/trigger_rule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dagport::sched {
namespace {

using D = TriggerDecision;
using R = TriggerRule;

/// Counts of `total` direct upstream tasks: `s` success, `sk` skipped, `f` failed, `uf`
/// upstream_failed (the rest are not done yet).
UpstreamCounts Up(int total, int s, int sk, int f, int uf) {
  UpstreamCounts c;
  c.total = total;
  c.success = s;
  c.skipped = sk;
  c.failed = f;
  c.upstream_failed = uf;
  return c;
}

std::string Name(D d) {
  switch (d) {
    case D::kWait: return "wait";
    case D::kRun: return "run";
    case D::kSkip: return "skip";
    case D::kUpstreamFailed: return "upstream_failed";
  }
  return "?";
}

struct Case {
  UpstreamCounts up;
  D expected;
};

void ExpectCases(R rule, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(Name(Decide(rule, c.up)), Name(c.expected))
        << TriggerRuleName(rule) << " with total=" << c.up.total << " success=" << c.up.success
        << " skipped=" << c.up.skipped << " failed=" << c.up.failed
        << " upstream_failed=" << c.up.upstream_failed;
  }
}

const std::vector<R>& AllRules() {
  static const std::vector<R> rules = {
      R::kAllSuccess,  R::kAllFailed,  R::kAllDone,
      R::kAllSkipped,  R::kOneSuccess, R::kOneFailed,
      R::kOneDone,     R::kNoneFailed, R::kNoneFailedMinOneSuccess,
      R::kNoneSkipped, R::kAlways,
  };
  return rules;
}

TEST(TriggerRuleParse, EveryAirflow2NameRoundTrips) {
  const std::vector<std::pair<std::string, R>> names = {
      {"all_success", R::kAllSuccess},
      {"all_failed", R::kAllFailed},
      {"all_done", R::kAllDone},
      {"all_skipped", R::kAllSkipped},
      {"one_success", R::kOneSuccess},
      {"one_failed", R::kOneFailed},
      {"one_done", R::kOneDone},
      {"none_failed", R::kNoneFailed},
      {"none_failed_min_one_success", R::kNoneFailedMinOneSuccess},
      {"none_skipped", R::kNoneSkipped},
      {"always", R::kAlways},
  };
  for (const auto& [name, rule] : names) {
    auto parsed = ParseTriggerRule(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, rule) << name;
    EXPECT_EQ(TriggerRuleName(rule), name);
  }
}

TEST(TriggerRuleParse, Airflow110SpellingsMapToTheirAirflow2Rules) {
  EXPECT_EQ(ParseTriggerRule("dummy"), R::kAlways);
  EXPECT_EQ(ParseTriggerRule("none_failed_or_skipped"), R::kNoneFailedMinOneSuccess);
  // The canonical (2.x) name is what is reported, not the legacy one.
  EXPECT_EQ(TriggerRuleName(*ParseTriggerRule("dummy")), "always");
  EXPECT_EQ(TriggerRuleName(*ParseTriggerRule("none_failed_or_skipped")),
            "none_failed_min_one_success");
}

TEST(TriggerRuleParse, UnknownNamesAreRejected) {
  EXPECT_FALSE(ParseTriggerRule("").has_value());
  EXPECT_FALSE(ParseTriggerRule("ALL_SUCCESS").has_value());
  EXPECT_FALSE(ParseTriggerRule("all_succeeded").has_value());
  EXPECT_FALSE(ParseTriggerRule("all_done_setup_success").has_value());
  EXPECT_FALSE(ParseTriggerRule("TriggerRule.ALL_DONE").has_value());
}

TEST(TriggerRuleDecide, ATaskWithoutUpstreamTasksAlwaysRuns) {
  for (R rule : AllRules()) {
    EXPECT_EQ(Decide(rule, Up(0, 0, 0, 0, 0)), D::kRun) << TriggerRuleName(rule);
  }
}

TEST(TriggerRuleDecide, NothingSettledYetMeansWaitForEveryRuleButAlways) {
  for (R rule : AllRules()) {
    const D expected = rule == R::kAlways ? D::kRun : D::kWait;
    EXPECT_EQ(Name(Decide(rule, Up(3, 0, 0, 0, 0))), Name(expected)) << TriggerRuleName(rule);
  }
}

TEST(TriggerRuleDecide, UpstreamCountsDone) {
  EXPECT_EQ(Up(9, 1, 2, 3, 1).done(), 7);
  EXPECT_EQ(Up(2, 0, 0, 0, 0).done(), 0);
}

TEST(TriggerRuleDecide, AllSuccess) {
  ExpectCases(R::kAllSuccess, {
                                  {Up(3, 2, 0, 0, 0), D::kWait},
                                  {Up(3, 3, 0, 0, 0), D::kRun},
                                  {Up(1, 1, 0, 0, 0), D::kRun},
                                  // A failure settles it at once, without waiting for the rest.
                                  {Up(3, 0, 0, 1, 0), D::kUpstreamFailed},
                                  {Up(3, 1, 0, 0, 1), D::kUpstreamFailed},
                                  {Up(3, 1, 1, 1, 0), D::kUpstreamFailed},
                                  // Failure wins over skip.
                                  {Up(2, 0, 1, 0, 1), D::kUpstreamFailed},
                                  {Up(3, 1, 1, 0, 0), D::kSkip},
                                  {Up(2, 0, 2, 0, 0), D::kSkip},
                                  {Up(2, 1, 1, 0, 0), D::kSkip},
                              });
}

TEST(TriggerRuleDecide, AllFailed) {
  ExpectCases(R::kAllFailed, {
                                 {Up(3, 0, 0, 2, 0), D::kWait},
                                 {Up(3, 0, 0, 3, 0), D::kRun},
                                 // upstream_failed counts as a failure.
                                 {Up(3, 0, 0, 1, 2), D::kRun},
                                 {Up(2, 0, 0, 0, 2), D::kRun},
                                 {Up(3, 1, 0, 0, 0), D::kSkip},
                                 {Up(3, 0, 1, 0, 0), D::kSkip},
                                 {Up(3, 1, 0, 2, 0), D::kSkip},
                             });
}

TEST(TriggerRuleDecide, AllDone) {
  ExpectCases(R::kAllDone, {
                               {Up(3, 1, 1, 0, 0), D::kWait},
                               {Up(3, 0, 0, 2, 0), D::kWait},
                               {Up(3, 1, 1, 1, 0), D::kRun},
                               {Up(2, 0, 0, 0, 2), D::kRun},
                               {Up(2, 0, 2, 0, 0), D::kRun},
                               {Up(2, 2, 0, 0, 0), D::kRun},
                           });
}

TEST(TriggerRuleDecide, AllSkipped) {
  ExpectCases(R::kAllSkipped, {
                                  {Up(3, 0, 2, 0, 0), D::kWait},
                                  {Up(3, 0, 3, 0, 0), D::kRun},
                                  {Up(3, 1, 0, 0, 0), D::kSkip},
                                  {Up(3, 0, 1, 1, 0), D::kSkip},
                                  {Up(3, 0, 1, 0, 1), D::kSkip},
                                  {Up(2, 0, 1, 1, 0), D::kSkip},
                              });
}

TEST(TriggerRuleDecide, OneSuccess) {
  ExpectCases(R::kOneSuccess, {
                                  // Fires at the first success, without waiting for the rest.
                                  {Up(3, 1, 0, 0, 0), D::kRun},
                                  {Up(3, 1, 1, 1, 0), D::kRun},
                                  {Up(3, 0, 1, 1, 0), D::kWait},
                                  {Up(3, 0, 0, 0, 2), D::kWait},
                                  // All done and all skipped: skipped.
                                  {Up(3, 0, 3, 0, 0), D::kSkip},
                                  // All done, no success: upstream_failed.
                                  {Up(3, 0, 1, 2, 0), D::kUpstreamFailed},
                                  {Up(2, 0, 0, 1, 1), D::kUpstreamFailed},
                                  {Up(2, 0, 1, 0, 1), D::kUpstreamFailed},
                              });
}

TEST(TriggerRuleDecide, OneFailed) {
  ExpectCases(R::kOneFailed, {
                                 // Fires early, at the first failure.
                                 {Up(3, 0, 0, 1, 0), D::kRun},
                                 {Up(3, 1, 0, 1, 0), D::kRun},
                                 {Up(3, 0, 0, 0, 1), D::kRun},
                                 {Up(3, 2, 0, 0, 0), D::kWait},
                                 {Up(3, 1, 1, 0, 0), D::kWait},
                                 // All done and none failed: skipped.
                                 {Up(3, 2, 1, 0, 0), D::kSkip},
                                 {Up(2, 2, 0, 0, 0), D::kSkip},
                                 {Up(2, 0, 2, 0, 0), D::kSkip},
                             });
}

TEST(TriggerRuleDecide, OneDone) {
  ExpectCases(R::kOneDone, {
                               {Up(3, 1, 0, 0, 0), D::kRun},
                               {Up(3, 0, 0, 1, 0), D::kRun},
                               {Up(3, 0, 1, 0, 0), D::kWait},
                               // upstream_failed is neither a success nor a failure of its own.
                               {Up(3, 0, 0, 0, 1), D::kWait},
                               {Up(3, 0, 2, 0, 1), D::kSkip},
                               {Up(2, 0, 2, 0, 0), D::kSkip},
                               {Up(2, 0, 0, 0, 2), D::kSkip},
                           });
}

TEST(TriggerRuleDecide, NoneFailed) {
  ExpectCases(R::kNoneFailed, {
                                  {Up(3, 1, 1, 0, 0), D::kWait},
                                  {Up(3, 2, 1, 0, 0), D::kRun},
                                  // All skipped still runs (unlike none_failed_min_one_success).
                                  {Up(3, 0, 3, 0, 0), D::kRun},
                                  {Up(3, 3, 0, 0, 0), D::kRun},
                                  {Up(3, 0, 0, 1, 0), D::kUpstreamFailed},
                                  {Up(3, 1, 0, 0, 1), D::kUpstreamFailed},
                                  {Up(3, 1, 1, 1, 0), D::kUpstreamFailed},
                              });
}

TEST(TriggerRuleDecide, NoneFailedMinOneSuccess) {
  for (R rule : {R::kNoneFailedMinOneSuccess, *ParseTriggerRule("none_failed_or_skipped")}) {
    ExpectCases(rule, {
                          {Up(3, 1, 1, 0, 0), D::kWait},
                          {Up(3, 0, 2, 0, 0), D::kWait},
                          {Up(3, 1, 2, 0, 0), D::kRun},
                          {Up(3, 3, 0, 0, 0), D::kRun},
                          {Up(3, 0, 3, 0, 0), D::kSkip},
                          {Up(1, 0, 1, 0, 0), D::kSkip},
                          {Up(3, 0, 0, 1, 0), D::kUpstreamFailed},
                          {Up(3, 1, 1, 0, 1), D::kUpstreamFailed},
                          // A failure wins even when the others are all skipped.
                          {Up(3, 0, 2, 1, 0), D::kUpstreamFailed},
                      });
  }
}

TEST(TriggerRuleDecide, NoneSkipped) {
  ExpectCases(R::kNoneSkipped, {
                                   {Up(3, 2, 0, 0, 0), D::kWait},
                                   {Up(3, 3, 0, 0, 0), D::kRun},
                                   // Failures do not stop it: it only minds skips.
                                   {Up(3, 1, 0, 1, 1), D::kRun},
                                   {Up(2, 0, 0, 2, 0), D::kRun},
                                   // A skip settles it at once.
                                   {Up(3, 0, 1, 0, 0), D::kSkip},
                                   {Up(3, 2, 1, 0, 0), D::kSkip},
                               });
}

TEST(TriggerRuleDecide, AlwaysRunsWhateverTheUpstreamStates) {
  for (R rule : {R::kAlways, *ParseTriggerRule("dummy")}) {
    ExpectCases(rule, {
                          {Up(3, 0, 0, 0, 0), D::kRun},
                          {Up(3, 1, 0, 0, 0), D::kRun},
                          {Up(3, 0, 3, 0, 0), D::kRun},
                          {Up(3, 0, 0, 3, 0), D::kRun},
                          {Up(3, 0, 0, 0, 3), D::kRun},
                          {Up(3, 1, 1, 1, 0), D::kRun},
                      });
  }
}

TEST(TriggerRuleDecide, EveryRuleSettlesOnceAllUpstreamTasksAreDone) {
  // With every upstream task settled, no rule may leave the task waiting forever.
  for (R rule : AllRules()) {
    for (int s = 0; s <= 2; ++s) {
      for (int sk = 0; sk + s <= 2; ++sk) {
        for (int f = 0; f + sk + s <= 2; ++f) {
          const int uf = 2 - s - sk - f;
          EXPECT_NE(Decide(rule, Up(2, s, sk, f, uf)), D::kWait)
              << TriggerRuleName(rule) << " s=" << s << " sk=" << sk << " f=" << f << " uf=" << uf;
        }
      }
    }
  }
}

}  // namespace
}  // namespace dagport::sched
