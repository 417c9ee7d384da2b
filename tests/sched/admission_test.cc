#include "sched/admission.h"

#include <gtest/gtest.h>

#include <vector>

namespace dagport::sched {
namespace {

/// A candidate with the fields the tests vary; the rest default (one DAG, one pool, one slot).
Candidate C(uint32_t id, int64_t priority, Millis logical_date = 0) {
  Candidate c;
  c.id = id;
  c.priority = priority;
  c.logical_date = logical_date;
  c.task = id;  // a distinct task unless a test says otherwise
  return c;
}

Candidate InDag(Candidate c, uint32_t dag) {
  c.dag = dag;
  return c;
}

Candidate InPool(Candidate c, uint32_t pool, int slots = 1) {
  c.pool = pool;
  c.pool_slots = slots;
  return c;
}

AdmissionLimits Limits(int parallelism, std::vector<int> dag_max_active,
                       std::vector<int> pool_slots) {
  AdmissionLimits l;
  l.parallelism = parallelism;
  l.dag_max_active = std::move(dag_max_active);
  l.pool_slots = std::move(pool_slots);
  return l;
}

/// Admits up to `max_count` and returns the admitted ids in admission order.
std::vector<uint32_t> Admit(AdmissionQueue& q, size_t max_count = 1000) {
  std::vector<Candidate> admitted;
  const size_t n = q.Admit(max_count, admitted);
  EXPECT_EQ(n, admitted.size());
  std::vector<uint32_t> ids;
  for (const Candidate& c : admitted) ids.push_back(c.id);
  return ids;
}

using Ids = std::vector<uint32_t>;

TEST(AdmissionQueue, HighestPriorityFirst) {
  AdmissionQueue q(Limits(64, {16}, {128}));
  q.Add(C(1, 1));
  q.Add(C(2, 5));
  q.Add(C(3, 3));
  q.Add(C(4, -2));
  EXPECT_EQ(q.ready(), 4u);
  EXPECT_EQ(Admit(q), (Ids{2, 3, 1, 4}));
  EXPECT_EQ(q.ready(), 0u);
  EXPECT_EQ(q.occupied(), 4u);
}

TEST(AdmissionQueue, EqualPriorityByLogicalDateThenTie) {
  AdmissionQueue q(Limits(64, {16}, {128}));
  Candidate late = C(1, 5, 2 * kDay);
  Candidate early = C(2, 5, 1 * kDay);
  Candidate early_tie_2 = C(3, 5, 1 * kDay);
  early_tie_2.tie = 2;
  Candidate early_tie_1 = C(4, 5, 1 * kDay);
  early_tie_1.tie = 1;
  early.tie = 3;
  q.Add(late);
  q.Add(early);
  q.Add(early_tie_2);
  q.Add(early_tie_1);
  q.Add(C(5, 6, 9 * kDay));  // priority beats date
  EXPECT_EQ(Admit(q), (Ids{5, 4, 3, 2, 1}));
}

TEST(AdmissionQueue, OrderHoldsAcrossDagsAndPools) {
  AdmissionQueue q(Limits(64, {16, 16}, {8, 8}));
  q.Add(InPool(InDag(C(1, 5), 0), 0));
  q.Add(InPool(InDag(C(2, 7), 1), 1));
  q.Add(InPool(InDag(C(3, 6), 0), 1));
  q.Add(InPool(InDag(C(4, 4), 1), 0));
  EXPECT_EQ(Admit(q), (Ids{2, 3, 1, 4}));
}

TEST(AdmissionQueue, ParallelismCountsQueuedAndRunning) {
  AdmissionQueue q(Limits(2, {16}, {128}));
  for (uint32_t i = 1; i <= 5; ++i) q.Add(C(i, 10 - i));
  EXPECT_EQ(Admit(q), (Ids{1, 2}));
  EXPECT_EQ(q.occupied(), 2u);
  EXPECT_EQ(q.ready(), 3u);
  EXPECT_TRUE(Admit(q).empty());
  q.Release(C(1, 9));
  EXPECT_EQ(q.occupied(), 1u);
  EXPECT_EQ(Admit(q), Ids{3});
  EXPECT_TRUE(Admit(q).empty());
}

TEST(AdmissionQueue, ParallelismZeroIsUnlimited) {
  AdmissionQueue q(Limits(0, {1000}, {1000}));
  for (uint32_t i = 0; i < 300; ++i) q.Add(C(i, 1));
  EXPECT_EQ(Admit(q).size(), 300u);
}

TEST(AdmissionQueue, MaxCountBoundsOnePass) {
  AdmissionQueue q(Limits(64, {16}, {128}));
  for (uint32_t i = 1; i <= 5; ++i) q.Add(C(i, 10 - i));
  EXPECT_EQ(Admit(q, 2), (Ids{1, 2}));
  EXPECT_EQ(Admit(q, 2), (Ids{3, 4}));
  EXPECT_EQ(Admit(q, 2), Ids{5});
  EXPECT_TRUE(Admit(q, 2).empty());
  // A zero budget admits nothing.
  q.Add(C(6, 1));
  EXPECT_TRUE(Admit(q, 0).empty());
  EXPECT_EQ(q.ready(), 1u);
}

TEST(AdmissionQueue, AdmitAppendsToTheOutputVector) {
  AdmissionQueue q(Limits(64, {16}, {128}));
  q.Add(C(1, 1));
  std::vector<Candidate> admitted = {C(99, 0)};
  EXPECT_EQ(q.Admit(10, admitted), 1u);
  ASSERT_EQ(admitted.size(), 2u);
  EXPECT_EQ(admitted[1].id, 1u);
}

TEST(AdmissionQueue, DagMaxActiveTasksCountsAcrossRuns) {
  AdmissionQueue q(Limits(64, {2}, {128}));
  for (uint32_t run = 0; run < 3; ++run) {
    for (uint32_t t = 0; t < 2; ++t) {
      Candidate c = C(run * 10 + t, 1, run * kDay);
      c.run = run;
      c.task = t;
      q.Add(c);
    }
  }
  // Two task instances at most for the DAG, whichever run they belong to: the oldest run first.
  EXPECT_EQ(Admit(q), (Ids{0, 1}));
  EXPECT_TRUE(Admit(q).empty());
  Candidate done = C(0, 1);
  done.task = 0;
  q.Release(done);
  EXPECT_EQ(Admit(q), Ids{10});
}

TEST(AdmissionQueue, ADagAtItsLimitDoesNotBlockOtherDags) {
  AdmissionQueue q(Limits(64, {1, 16}, {128}));
  q.Add(InDag(C(1, 100), 0));
  q.Add(InDag(C(2, 90), 0));
  q.Add(InDag(C(3, 80), 0));
  q.Add(InDag(C(4, 1), 1));
  q.Add(InDag(C(5, 0), 1));
  EXPECT_EQ(Admit(q), (Ids{1, 4, 5}));
  EXPECT_EQ(q.ready(), 2u);
  // A later candidate of the full DAG waits too.
  q.Add(InDag(C(6, 1000), 0));
  q.Add(InDag(C(7, 0), 1));
  EXPECT_EQ(Admit(q), Ids{7});
  // Release re-opens the DAG: its best candidate goes first.
  q.Release(InDag(C(1, 100), 0));
  EXPECT_EQ(Admit(q), Ids{6});
  q.Release(InDag(C(6, 1000), 0));
  EXPECT_EQ(Admit(q), Ids{2});
}

TEST(AdmissionQueue, PoolSlotsLimitTheInstancesInAPool) {
  AdmissionQueue q(Limits(64, {16}, {3, 128}));
  for (uint32_t i = 1; i <= 5; ++i) q.Add(InPool(C(i, 10 - i), 0));
  q.Add(InPool(C(6, 0), 1));  // another pool is not blocked
  EXPECT_EQ(Admit(q), (Ids{1, 2, 3, 6}));
  EXPECT_TRUE(Admit(q).empty());
  q.Release(InPool(C(2, 8), 0));
  EXPECT_EQ(Admit(q), Ids{4});
}

TEST(AdmissionQueue, PoolSlotsWeighInstances) {
  // A pool of 4: A takes 3, B (2 slots) does not fit in the one left, C (1 slot) does, although
  // its priority is lower than B's (Airflow: "we can execute tasks with lower priority if
  // there's enough room").
  AdmissionQueue q(Limits(64, {16}, {4}));
  q.Add(InPool(C(1, 10), 0, 3));
  q.Add(InPool(C(2, 9), 0, 2));
  q.Add(InPool(C(3, 8), 0, 1));
  EXPECT_EQ(Admit(q), (Ids{1, 3}));
  EXPECT_EQ(q.ready(), 1u);
  EXPECT_TRUE(q.impossible().empty());
  // B stays ready and goes when A's slots free up.
  EXPECT_TRUE(Admit(q).empty());
  q.Release(InPool(C(1, 10), 0, 3));
  EXPECT_EQ(Admit(q), Ids{2});
}

TEST(AdmissionQueue, ABigInstanceWaitingKeepsItsPlaceInLine) {
  AdmissionQueue q(Limits(64, {16}, {3}));
  q.Add(InPool(C(1, 5), 0, 2));  // occupies 2 of 3
  EXPECT_EQ(Admit(q), Ids{1});
  q.Add(InPool(C(2, 10), 0, 2));  // does not fit in the one slot left
  q.Add(InPool(C(3, 1), 0, 1));   // does
  q.Add(InPool(C(4, 0), 0, 1));   // no room after 3
  EXPECT_EQ(Admit(q), Ids{3});
  q.Release(InPool(C(1, 5), 0, 2));
  // Two slots open: the high-priority two-slot instance first, not the one-slot one.
  EXPECT_EQ(Admit(q), Ids{2});
  EXPECT_EQ(q.ready(), 1u);
}

TEST(AdmissionQueue, MoreSlotsThanThePoolHasIsImpossible) {
  AdmissionQueue q(Limits(64, {16}, {2}));
  q.Add(InPool(C(1, 10), 0, 3));
  q.Add(InPool(C(2, 1), 0, 2));
  EXPECT_EQ(Admit(q), Ids{2});
  ASSERT_EQ(q.impossible().size(), 1u);
  EXPECT_EQ(q.impossible()[0].id, 1u);
  EXPECT_EQ(q.ready(), 0u);
  q.Release(InPool(C(2, 1), 0, 2));
  EXPECT_TRUE(Admit(q).empty());
  EXPECT_EQ(q.impossible().size(), 1u);
}

TEST(AdmissionQueue, PerTaskLimitAcrossRuns) {
  // max_active_tis_per_dag (task_concurrency) = 1 for task 7 over three runs.
  AdmissionQueue q(Limits(64, {16}, {128}));
  for (uint32_t run = 0; run < 3; ++run) {
    Candidate c = C(run + 1, 10, run * kDay);
    c.task = 7;
    c.task_limit = 1;
    c.run = run;
    q.Add(c);
  }
  q.Add(C(10, 1));
  EXPECT_EQ(Admit(q), (Ids{1, 10}));
  EXPECT_EQ(q.ready(), 2u);
  EXPECT_TRUE(Admit(q).empty());
  Candidate done = C(1, 10);
  done.task = 7;
  done.task_limit = 1;
  q.Release(done);
  EXPECT_EQ(Admit(q), Ids{2});  // the next run's instance, in logical-date order
}

TEST(AdmissionQueue, PerTaskLimitAboveOne) {
  AdmissionQueue q(Limits(64, {16}, {128}));
  for (uint32_t i = 1; i <= 4; ++i) {
    Candidate c = C(i, 10, i * kDay);
    c.task = 3;
    c.task_limit = 2;
    c.run = i;
    q.Add(c);
  }
  EXPECT_EQ(Admit(q), (Ids{1, 2}));
}

TEST(AdmissionQueue, PerRunTaskLimit) {
  // max_active_tis_per_dagrun = 1: one instance of the task per run; other runs are not held.
  AdmissionQueue q(Limits(64, {16}, {128}));
  auto make = [](uint32_t id, uint32_t run) {
    Candidate c = C(id, 10, run * kDay);
    c.task = 4;
    c.run = run;
    c.run_task_limit = 1;
    return c;
  };
  q.Add(make(1, 0));
  q.Add(make(2, 0));  // e.g. a second mapped instance in the same run
  q.Add(make(3, 1));
  EXPECT_EQ(Admit(q), (Ids{1, 3}));
  EXPECT_TRUE(Admit(q).empty());
  q.Release(make(1, 0));
  EXPECT_EQ(Admit(q), Ids{2});
}

TEST(AdmissionQueue, ReleaseReopensEveryLimit) {
  AdmissionQueue q(Limits(1, {1}, {1}));
  q.Add(C(1, 2));
  q.Add(C(2, 1));
  EXPECT_EQ(Admit(q), Ids{1});
  EXPECT_TRUE(Admit(q).empty());
  q.Release(C(1, 2));
  EXPECT_EQ(q.occupied(), 0u);
  EXPECT_EQ(Admit(q), Ids{2});
}

TEST(AdmissionQueue, ALaterBetterCandidateGoesFirst) {
  AdmissionQueue q(Limits(64, {16}, {128}));
  q.Add(C(1, 1));
  q.Add(C(2, 2));
  q.Add(C(3, 50));
  q.Add(C(4, 3));
  EXPECT_EQ(Admit(q, 1), Ids{3});
  q.Add(C(5, 100));
  EXPECT_EQ(Admit(q, 2), (Ids{5, 4}));
}

TEST(AdmissionQueue, ManyDagsAndPoolsTogether) {
  // Three DAGs (limits 2, 1, 16) share two pools (sizes 3 and 1); parallelism 5.
  AdmissionQueue q(Limits(5, {2, 1, 16}, {3, 1}));
  uint32_t id = 0;
  for (uint32_t dag = 0; dag < 3; ++dag) {
    for (uint32_t pool = 0; pool < 2; ++pool) {
      for (int k = 0; k < 3; ++k, ++id) q.Add(InPool(InDag(C(id, 100 - id), dag), pool));
    }
  }
  std::vector<Candidate> admitted;
  q.Admit(100, admitted);
  std::vector<int> per_dag(3, 0), per_pool(2, 0);
  for (const Candidate& c : admitted) {
    ++per_dag[c.dag];
    ++per_pool[c.pool];
  }
  EXPECT_LE(admitted.size(), 5u);
  EXPECT_LE(per_dag[0], 2);
  EXPECT_LE(per_dag[1], 1);
  EXPECT_LE(per_pool[0], 3);
  EXPECT_LE(per_pool[1], 1);
  // Everything that can go, goes: pools allow 4 in all.
  EXPECT_EQ(admitted.size(), 4u);
  EXPECT_EQ(q.ready(), 18u - 4u);
  // In order: dag0 takes its two best (pool 0), dag1 its best (pool 0), dag2 fills pool 1.
  ASSERT_EQ(admitted.size(), 4u);
  EXPECT_EQ(admitted[0].id, 0u);
  EXPECT_EQ(admitted[1].id, 1u);
  EXPECT_EQ(admitted[2].id, 6u);
  EXPECT_EQ(admitted[3].id, 15u);
}

}  // namespace
}  // namespace dagport::sched
