// sched::Scheduler with a fake host: a fake clock (a queue of wake-ups), no latency, and an
// executor that records what was queued and is told by the test when tasks end.
#include "sched/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <queue>
#include <string>
#include <vector>

namespace dagport::sched {
namespace {

class FakeHost : public SchedulerHost {
 public:
  void Wake(Millis t, SchedulerEvent e) override { wakes_.push({t, seq_++, e}); }
  Millis HopLatency() override { return hop; }
  uint64_t RetryJitter() override { return 0; }
  void TryReady(uint32_t ti, int try_number) override { tries[ti] = try_number; }
  void Queue(uint32_t ti) override { queued.push_back(ti); }

  /// Runs every wake-up due at or before `t`; returns the time reached.
  void RunUntil(Scheduler& s, Millis t) {
    while (!wakes_.empty() && wakes_.top().t <= t) {
      const Wakeup w = wakes_.top();
      wakes_.pop();
      now = w.t;
      s.Handle(w.event, now);
    }
    now = std::max(now, t);
  }

  Millis hop = 0;
  Millis now = 0;
  std::vector<uint32_t> queued;
  std::map<uint32_t, int> tries;

 private:
  struct Wakeup {
    Millis t;
    uint64_t seq;
    SchedulerEvent event;
    bool operator>(const Wakeup& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };
  std::priority_queue<Wakeup, std::vector<Wakeup>, std::greater<>> wakes_;
  uint64_t seq_ = 0;
};

DagPlan Chain(const std::string& dag_id, std::vector<std::string> ids) {
  DagPlan p;
  p.dag_id = dag_id;
  for (const std::string& id : ids) {
    TaskPlan t;
    t.task_id = id;
    p.tasks.push_back(t);
  }
  for (uint32_t i = 1; i < p.tasks.size(); ++i) {
    p.tasks[i - 1].downstream.push_back(i);
    p.tasks[i].upstream.push_back(i - 1);
  }
  ComputePriorities(p);
  return p;
}

SchedulerConfig ConfigFor(const std::vector<const DagPlan*>& dags, int parallelism = 64) {
  SchedulerConfig c;
  c.dags = dags;
  uint32_t global = 0;
  for (size_t d = 0; d < dags.size(); ++d) {
    auto& keys = c.keys.emplace_back();
    for (size_t t = 0; t < dags[d]->tasks.size(); ++t)
      keys.push_back({0, global++, (uint64_t{d} << 32) | t});
  }
  c.pool_slots = {128};
  c.parallelism = parallelism;
  c.tis_per_pass = 32;
  c.busy_loop = 500;
  c.stop_creating_runs = 100 * kDay;
  return c;
}

TEST(SchedScheduler, ChainRunsTaskByTaskAndFinishesTheRun) {
  const DagPlan p = Chain("d", {"a", "b"});
  FakeHost host;
  Scheduler s(ConfigFor({&p}), host);
  const uint32_t run = s.AddRun(0, {0, kHour}, false, kNone32);
  host.RunUntil(s, kHour);
  ASSERT_EQ(host.queued, (std::vector<uint32_t>{0}));
  s.Finished(0, TiState::kSuccess, kHour + 10);
  host.RunUntil(s, kHour + 10);
  ASSERT_EQ(host.queued, (std::vector<uint32_t>{0, 1}));
  s.Finished(1, TiState::kSuccess, kHour + 20);
  EXPECT_EQ(s.runs()[run].end, kHour + 20);
  EXPECT_FALSE(s.runs()[run].failed);
  EXPECT_EQ(s.unfinished_runs(), 0u);
}

TEST(SchedScheduler, MaxActiveRunsHoldsTheNextRun) {
  DagPlan p = Chain("d", {"a"});
  p.max_active_runs = 1;
  FakeHost host;
  Scheduler s(ConfigFor({&p}), host);
  const uint32_t r1 = s.AddRun(0, {0, kHour}, false, kNone32);
  const uint32_t r2 = s.AddRun(0, {kHour, 2 * kHour}, false, r1);
  host.RunUntil(s, 2 * kHour);
  EXPECT_EQ(host.queued.size(), 1u);
  EXPECT_LT(s.runs()[r2].start, 0);
  s.Finished(s.runs()[r1].first_ti, TiState::kSuccess, 3 * kHour);
  EXPECT_EQ(s.runs()[r2].start, 3 * kHour);
  host.RunUntil(s, 3 * kHour);
  EXPECT_EQ(host.queued.size(), 2u);
}

TEST(SchedScheduler, DependsOnPastWaitsForSuccessAndBlocksOnFailure) {
  DagPlan p = Chain("d", {"a"});
  p.tasks[0].depends_on_past = true;
  FakeHost host;
  Scheduler s(ConfigFor({&p}), host);
  const uint32_t r1 = s.AddRun(0, {0, kHour}, false, kNone32);
  const uint32_t r2 = s.AddRun(0, {kHour, 2 * kHour}, false, r1);
  const uint32_t r3 = s.AddRun(0, {2 * kHour, 3 * kHour}, false, r2);
  host.RunUntil(s, 3 * kHour);
  EXPECT_EQ(host.queued, (std::vector<uint32_t>{0}));  // r2, r3 wait for their past
  s.Finished(0, TiState::kSuccess, 3 * kHour + 1);
  host.RunUntil(s, 3 * kHour + 1);
  EXPECT_EQ(host.queued, (std::vector<uint32_t>{0, 1}));
  s.Finished(1, TiState::kFailed, 3 * kHour + 2);
  host.RunUntil(s, 4 * kHour);
  EXPECT_EQ(host.queued.size(), 2u);  // r3 never runs: its past failed
  EXPECT_TRUE(s.runs()[r2].failed);
  EXPECT_LT(s.runs()[r3].end, 0);
  EXPECT_EQ(s.unfinished_runs(), 1u);
}

TEST(SchedScheduler, RetryComesBackAfterItsDelay) {
  DagPlan p = Chain("d", {"a"});
  p.tasks[0].retries = 1;
  p.tasks[0].retry_delay = 30 * kSecond;
  FakeHost host;
  Scheduler s(ConfigFor({&p}), host);
  s.AddRun(0, {0, kHour}, false, kNone32);
  host.RunUntil(s, kHour);
  s.Finished(0, TiState::kFailed, kHour + 5);
  EXPECT_EQ(s.tis()[0].state, TiState::kUpForRetry);
  host.RunUntil(s, kHour + 5 + 29 * kSecond);
  EXPECT_EQ(host.queued.size(), 1u);
  host.RunUntil(s, kHour + 5 + 30 * kSecond);
  EXPECT_EQ(host.queued.size(), 2u);
  EXPECT_EQ(host.tries[0], 2);
  s.Finished(0, TiState::kFailed, kHour + kMinute);
  EXPECT_EQ(s.tis()[0].state, TiState::kFailed);  // no tries left
  EXPECT_TRUE(s.runs()[0].failed);
}

TEST(SchedScheduler, EmptyTasksNeverReachTheExecutor) {
  DagPlan p = Chain("d", {"start", "work"});
  p.tasks[0].kind = TaskKind::kEmpty;
  FakeHost host;
  Scheduler s(ConfigFor({&p}), host);
  s.AddRun(0, {0, kHour}, false, kNone32);
  host.RunUntil(s, kHour);
  EXPECT_EQ(host.queued, (std::vector<uint32_t>{1}));
  EXPECT_EQ(s.tis()[0].state, TiState::kSuccess);
  EXPECT_EQ(host.tries[0], 1);
}

TEST(SchedScheduler, QueuesInPriorityOrderWithinParallelism) {
  // Two DAGs due together; a chain of three (root weight 3) and a single task (weight 1).
  const DagPlan chain = Chain("chain", {"a", "b", "c"});
  const DagPlan single = Chain("single", {"x"});
  FakeHost host;
  Scheduler s(ConfigFor({&single, &chain}, /*parallelism=*/1), host);
  s.AddRun(0, {0, kHour}, false, kNone32);
  s.AddRun(1, {0, kHour}, false, kNone32);
  host.RunUntil(s, kHour);
  ASSERT_EQ(host.queued.size(), 1u);
  EXPECT_EQ(s.TaskOf(host.queued[0]).task_id, "a");
  s.Finished(host.queued[0], TiState::kSuccess, kHour + 1);
  host.RunUntil(s, kHour + 1);
  ASSERT_EQ(host.queued.size(), 2u);
  // b (weight 2) now competes with x (weight 1).
  EXPECT_EQ(s.TaskOf(host.queued[1]).task_id, "b");
}

TEST(SchedScheduler, PassesAreLimitedPerLoop) {
  DagPlan p;
  p.dag_id = "wide";
  p.max_active_tasks = 1000;
  for (int i = 0; i < 100; ++i) {
    TaskPlan t;
    t.task_id = "t" + std::to_string(i);
    p.tasks.push_back(t);
  }
  ComputePriorities(p);
  FakeHost host;
  SchedulerConfig c = ConfigFor({&p}, 1000);
  c.pool_slots = {1000};
  Scheduler s(c, host);
  s.AddRun(0, {0, kHour}, false, kNone32);
  host.RunUntil(s, kHour);
  EXPECT_EQ(host.queued.size(), 32u);  // one pass: max_tis_per_query x schedulers
  host.RunUntil(s, kHour + 500);
  EXPECT_EQ(host.queued.size(), 64u);  // the next pass, busy_loop later
  host.RunUntil(s, kHour + 1500);
  EXPECT_EQ(host.queued.size(), 100u);
}

TEST(SchedScheduler, TriggeredRunIsDueAtOnce) {
  const DagPlan p = Chain("d", {"a"});
  FakeHost host;
  Scheduler s(ConfigFor({&p}), host);
  s.Handle({SchedulerEvent::kTrigger, 0}, 5 * kMinute);
  ASSERT_EQ(s.runs().size(), 1u);
  EXPECT_TRUE(s.runs()[0].triggered);
  EXPECT_EQ(s.runs()[0].start, 5 * kMinute);
  host.RunUntil(s, 5 * kMinute);
  EXPECT_EQ(host.queued.size(), 1u);
}

TEST(SchedScheduler, HopLatencyDelaysWhatTheSchedulerSees) {
  const DagPlan p = Chain("d", {"a", "b"});
  FakeHost host;
  host.hop = 3 * kSecond;
  Scheduler s(ConfigFor({&p}), host);
  s.AddRun(0, {0, kHour}, false, kNone32);
  host.RunUntil(s, kHour + 2999);
  EXPECT_TRUE(host.queued.empty());
  host.RunUntil(s, kHour + 3000);
  EXPECT_EQ(host.queued.size(), 1u);
}

}  // namespace
}  // namespace dagport::sched
