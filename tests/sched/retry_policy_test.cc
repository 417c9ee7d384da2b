#include "sched/retry_policy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace dagport::sched {
namespace {

TaskPlan WithRetries(int retries, Millis delay, bool backoff = false, Millis max_delay = 0) {
  TaskPlan t;
  t.task_id = "t";
  t.retries = retries;
  t.retry_delay = delay;
  t.retry_exponential_backoff = backoff;
  t.max_retry_delay = max_delay;
  return t;
}

/// Jitter values spread over 64 bits, as sha1-derived values are.
std::vector<uint64_t> Jitters() {
  std::vector<uint64_t> out = {
      0, 1, 2, 3, 7, 19, 999, 86399, 1'000'003, UINT64_MAX, UINT64_MAX - 1};
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 200; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out.push_back(x);
  }
  return out;
}

TEST(RetryPolicy, ShouldRetryUntilTheRetriesAreUsed) {
  TaskPlan none = WithRetries(0, 300 * kSecond);
  EXPECT_FALSE(ShouldRetry(none, 1));
  TaskPlan two = WithRetries(2, 300 * kSecond);
  EXPECT_TRUE(ShouldRetry(two, 1));   // try 1 failed: try 2 follows
  EXPECT_TRUE(ShouldRetry(two, 2));   // try 2 failed: try 3 follows
  EXPECT_FALSE(ShouldRetry(two, 3));  // the third and last try failed
  EXPECT_FALSE(ShouldRetry(two, 4));
}

TEST(RetryPolicy, FixedDelayIsRetryDelay) {
  TaskPlan t = WithRetries(3, 300 * kSecond);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    for (uint64_t j : {uint64_t{0}, uint64_t{12345}, UINT64_MAX})
      EXPECT_EQ(RetryDelay(t, attempt, j), 300 * kSecond);
  }
  EXPECT_EQ(RetryDelay(WithRetries(1, 1500), 1, 77), 1500);
  EXPECT_EQ(RetryDelay(WithRetries(1, 0), 1, 77), 0);
}

TEST(RetryPolicy, FixedDelayIsNotCappedByMaxRetryDelay) {
  // taskinstance.next_retry_datetime(): max_retry_delay and core.max_task_retry_delay only
  // bound the exponential backoff; a plain retry_delay is used as written.
  EXPECT_EQ(RetryDelay(WithRetries(1, 2 * kHour, false, kHour), 1, 0), 2 * kHour);
  EXPECT_EQ(RetryDelay(WithRetries(1, 2 * kDay), 1, 0), 2 * kDay);
}

TEST(RetryPolicy, ExponentialBackoffDoublesWithJitterBelowTwiceTheMinimum) {
  TaskPlan t = WithRetries(5, 10 * kSecond, true);
  for (int attempt = 1; attempt <= 5; ++attempt) {
    const Millis min_backoff = (10 << (attempt - 1)) * kSecond;
    for (uint64_t j : Jitters()) {
      const Millis d = RetryDelay(t, attempt, j);
      EXPECT_GE(d, min_backoff) << "try " << attempt << " jitter " << j;
      EXPECT_LT(d, 2 * min_backoff) << "try " << attempt << " jitter " << j;
      EXPECT_EQ(d % kSecond, 0) << "whole seconds";
    }
    // min_backoff + hash % min_backoff.
    EXPECT_EQ(RetryDelay(t, attempt, 0), min_backoff);
    EXPECT_EQ(RetryDelay(t, attempt, static_cast<uint64_t>(min_backoff / kSecond) - 1),
              2 * min_backoff - kSecond);
    EXPECT_EQ(RetryDelay(t, attempt, static_cast<uint64_t>(min_backoff / kSecond)), min_backoff);
  }
}

TEST(RetryPolicy, ExponentialBackoffIsDeterministicPerJitter) {
  TaskPlan t = WithRetries(5, 60 * kSecond, true);
  for (uint64_t j : Jitters()) EXPECT_EQ(RetryDelay(t, 2, j), RetryDelay(t, 2, j));
}

TEST(RetryPolicy, ExponentialBackoffRoundsUpToWholeSecondsAndAtLeastOne) {
  // math.ceil(seconds * 2 ** (try - 1)), with a floor of 1 s.
  TaskPlan zero = WithRetries(3, 0, true);
  for (uint64_t j : Jitters()) {
    EXPECT_EQ(RetryDelay(zero, 1, j), kSecond);  // min_backoff 1: 1 + j % 1
  }
  TaskPlan half = WithRetries(3, 500, true);
  EXPECT_EQ(RetryDelay(half, 1, 0), kSecond);
  EXPECT_EQ(RetryDelay(half, 2, 0), kSecond);
  EXPECT_EQ(RetryDelay(half, 3, 0), 2 * kSecond);
  TaskPlan odd = WithRetries(3, 1500, true);
  EXPECT_EQ(RetryDelay(odd, 1, 0), 2 * kSecond);
  EXPECT_EQ(RetryDelay(odd, 1, 1), 3 * kSecond);
  EXPECT_EQ(RetryDelay(odd, 2, 0), 3 * kSecond);
}

TEST(RetryPolicy, ExponentialBackoffCappedByMaxRetryDelay) {
  TaskPlan t = WithRetries(20, 60 * kSecond, true, 5 * kMinute);
  EXPECT_LT(RetryDelay(t, 1, 0), 5 * kMinute);
  for (uint64_t j : Jitters()) {
    EXPECT_LE(RetryDelay(t, 3, j), 5 * kMinute);
    EXPECT_EQ(RetryDelay(t, 10, j), 5 * kMinute);
  }
}

TEST(RetryPolicy, ExponentialBackoffCappedAtOneDayByDefault) {
  // core.max_task_retry_delay (24 h) bounds the backoff even without max_retry_delay...
  TaskPlan t = WithRetries(100, 300 * kSecond, true);
  EXPECT_EQ(RetryDelay(t, 30, 12345), kDay);
  // ...and even when max_retry_delay is longer: Airflow takes min(backoff, 24 h) first.
  TaskPlan longer = WithRetries(100, kHour, true, 2 * kDay);
  for (uint64_t j : Jitters()) EXPECT_EQ(RetryDelay(longer, 6, j), kDay);
}

TEST(RetryPolicy, HugeTryNumbersDoNotOverflow) {
  TaskPlan t = WithRetries(5000, kSecond, true);
  for (int attempt : {64, 65, 1000, 4000}) {
    const Millis d = RetryDelay(t, attempt, UINT64_MAX);
    EXPECT_EQ(d, kDay) << attempt;
  }
}

}  // namespace
}  // namespace dagport::sched
