#include "sched/dag_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dagport::sched {
namespace {

/// A DAG plan built by hand: tasks by id, with trigger rules, and edges.
class Graph {
 public:
  uint32_t Add(const std::string& id, TriggerRule rule = TriggerRule::kAllSuccess,
               TaskKind kind = TaskKind::kOther) {
    TaskPlan t;
    t.task_id = id;
    t.trigger_rule = rule;
    t.kind = kind;
    plan_.tasks.push_back(t);
    return static_cast<uint32_t>(plan_.tasks.size() - 1);
  }
  void Edge(uint32_t from, uint32_t to) {
    plan_.tasks[from].downstream.push_back(to);
    plan_.tasks[to].upstream.push_back(from);
  }
  const DagPlan& plan() const { return plan_; }

 private:
  DagPlan plan_;
};

/// Drives a DagRunState and keeps what each step reported.
class Runner {
 public:
  explicit Runner(const Graph& g) : plan_(g.plan()), state_(plan_) {}

  std::vector<std::string> Start() {
    Clear();
    state_.Start(runnable_, settled_);
    return Ids(runnable_);
  }
  std::vector<std::string> Finish(uint32_t task, TiState outcome) {
    Clear();
    state_.Finish(task, outcome, runnable_, settled_);
    return Ids(runnable_);
  }
  std::vector<std::string> Branch(uint32_t task, const std::vector<uint32_t>& follow) {
    Clear();
    state_.FinishBranch(task, follow, runnable_, settled_);
    return Ids(runnable_);
  }
  std::vector<std::string> ShortCircuit(uint32_t task) {
    Clear();
    state_.FinishShortCircuit(task, runnable_, settled_);
    return Ids(runnable_);
  }
  /// The tasks the last step settled without running, sorted.
  std::vector<std::string> settled() const {
    std::vector<std::string> ids = Ids(settled_);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  size_t settled_count() const { return settled_.size(); }
  std::string state(uint32_t task) const { return std::string(TiStateName(state_.state(task))); }
  DagRunState& raw() { return state_; }

 private:
  void Clear() {
    runnable_.clear();
    settled_.clear();
  }
  std::vector<std::string> Ids(const std::vector<uint32_t>& tasks) const {
    std::vector<std::string> ids;
    for (uint32_t t : tasks) ids.push_back(plan_.tasks[t].task_id);
    return ids;
  }

  const DagPlan& plan_;
  DagRunState state_;
  std::vector<uint32_t> runnable_, settled_;
};

using Ids = std::vector<std::string>;

TEST(DagRunState, StateNamesAndSettledStates) {
  EXPECT_EQ(TiStateName(TiState::kNone), "none");
  EXPECT_EQ(TiStateName(TiState::kUpForRetry), "up_for_retry");
  EXPECT_EQ(TiStateName(TiState::kUpstreamFailed), "upstream_failed");
  for (TiState s :
       {TiState::kSuccess, TiState::kFailed, TiState::kSkipped, TiState::kUpstreamFailed})
    EXPECT_TRUE(IsSettled(s)) << TiStateName(s);
  for (TiState s : {TiState::kNone, TiState::kScheduled, TiState::kQueued, TiState::kRunning,
                    TiState::kUpForRetry})
    EXPECT_FALSE(IsSettled(s)) << TiStateName(s);
}

TEST(DagRunState, AnEmptyDagIsDoneAtOnce) {
  Graph g;
  Runner run(g);
  EXPECT_TRUE(run.Start().empty());
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, LinearChainRunsInOrder) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), c = g.Add("c");
  g.Edge(a, b);
  g.Edge(b, c);
  Runner run(g);
  EXPECT_EQ(run.Start(), Ids{"a"});
  EXPECT_EQ(run.state(a), "scheduled");
  EXPECT_EQ(run.state(b), "none");
  EXPECT_FALSE(run.raw().done());
  run.raw().Set(a, TiState::kRunning);
  EXPECT_EQ(run.Finish(a, TiState::kSuccess), Ids{"b"});
  EXPECT_EQ(run.Finish(b, TiState::kSuccess), Ids{"c"});
  EXPECT_FALSE(run.raw().done());
  EXPECT_TRUE(run.Finish(c, TiState::kSuccess).empty());
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, EveryRootIsRunnableAtStart) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), j = g.Add("join");
  g.Edge(a, j);
  g.Edge(b, j);
  Runner run(g);
  EXPECT_EQ(run.Start(), (Ids{"a", "b"}));
  EXPECT_TRUE(run.Finish(a, TiState::kSuccess).empty());  // join waits for b
  EXPECT_EQ(run.Finish(b, TiState::kSuccess), Ids{"join"});
  EXPECT_EQ(run.state(j), "scheduled");
}

TEST(DagRunState, AnAlwaysTaskRunsAtOnceWhateverItsUpstreamTasksDo) {
  // trigger_rule="always": "no dependencies at all, run this task at any time" — it is
  // scheduled with the roots, not when its upstream task settles.
  Graph g;
  uint32_t a = g.Add("a"), cleanup = g.Add("cleanup", TriggerRule::kAlways);
  g.Edge(a, cleanup);
  Runner run(g);
  EXPECT_EQ(run.Start(), (Ids{"a", "cleanup"}));
  EXPECT_EQ(run.state(cleanup), "scheduled");
  // When a settles, cleanup is not scheduled a second time.
  EXPECT_TRUE(run.Finish(a, TiState::kFailed).empty());
  EXPECT_TRUE(run.settled().empty());
  EXPECT_TRUE(run.Finish(cleanup, TiState::kSuccess).empty());
  EXPECT_TRUE(run.raw().done());
}

TEST(DagRunState, DummyRuleBehavesAsAlways) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b", *ParseTriggerRule("dummy"));
  g.Edge(a, b);
  Runner run(g);
  EXPECT_EQ(run.Start(), (Ids{"a", "b"}));
}

TEST(DagRunState, SkipPropagatesDownAChain) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), c = g.Add("c"), d = g.Add("d");
  g.Edge(a, b);
  g.Edge(b, c);
  g.Edge(c, d);
  Runner run(g);
  run.Start();
  EXPECT_TRUE(run.Finish(a, TiState::kSkipped).empty());
  EXPECT_EQ(run.settled(), (Ids{"b", "c", "d"}));
  EXPECT_EQ(run.state(d), "skipped");
  EXPECT_TRUE(run.raw().done());
  // Skipped leaves make a successful run.
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, FailurePropagatesAsUpstreamFailed) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), c = g.Add("c");
  g.Edge(a, b);
  g.Edge(b, c);
  Runner run(g);
  run.Start();
  EXPECT_TRUE(run.Finish(a, TiState::kFailed).empty());
  EXPECT_EQ(run.settled(), (Ids{"b", "c"}));
  EXPECT_EQ(run.state(a), "failed");
  EXPECT_EQ(run.state(b), "upstream_failed");
  EXPECT_EQ(run.state(c), "upstream_failed");
  EXPECT_TRUE(run.raw().done());
  EXPECT_TRUE(run.raw().failed());
}

TEST(DagRunState, ALongChainSkipsWithoutRecursion) {
  constexpr uint32_t kTasks = 5000;
  Graph g;
  for (uint32_t i = 0; i < kTasks; ++i) {
    g.Add("t" + std::to_string(i));
    if (i > 0) g.Edge(i - 1, i);
  }
  Runner run(g);
  EXPECT_EQ(run.Start(), Ids{"t0"});
  EXPECT_TRUE(run.Finish(0, TiState::kSkipped).empty());
  EXPECT_EQ(run.settled_count(), kTasks - 1);
  EXPECT_EQ(run.state(kTasks - 1), "skipped");
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, AVeryLongChainFailsWithoutRecursion) {
  constexpr uint32_t kTasks = 200000;
  Graph g;
  for (uint32_t i = 0; i < kTasks; ++i) {
    g.Add("t" + std::to_string(i));
    if (i > 0) g.Edge(i - 1, i);
  }
  Runner run(g);
  run.Start();
  run.Finish(0, TiState::kFailed);
  EXPECT_EQ(run.settled_count(), kTasks - 1);
  EXPECT_EQ(run.state(kTasks - 1), "upstream_failed");
  EXPECT_TRUE(run.raw().done());
  EXPECT_TRUE(run.raw().failed());
}

TEST(DagRunState, AllDoneCleanupRunsAfterAFailureAndDecidesTheRun) {
  // Airflow 2 decides a run by its leaves: a successful all_done leaf makes it a success.
  Graph g;
  uint32_t a = g.Add("a"), cleanup = g.Add("cleanup", TriggerRule::kAllDone);
  g.Edge(a, cleanup);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Finish(a, TiState::kFailed), Ids{"cleanup"});
  EXPECT_FALSE(run.raw().done());
  run.Finish(cleanup, TiState::kSuccess);
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, AFailedLeafFailsTheRunEvenWhenOthersSucceed) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), c = g.Add("c");
  g.Edge(a, b);
  g.Edge(a, c);
  Runner run(g);
  run.Start();
  run.Finish(a, TiState::kSuccess);
  run.Finish(b, TiState::kSuccess);
  EXPECT_FALSE(run.raw().failed());
  run.Finish(c, TiState::kFailed);
  EXPECT_TRUE(run.raw().done());
  EXPECT_TRUE(run.raw().failed());
}

TEST(DagRunState, OneFailedAlertFiresAtTheFirstFailure) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), alert = g.Add("alert", TriggerRule::kOneFailed);
  g.Edge(a, alert);
  g.Edge(b, alert);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Finish(a, TiState::kFailed), Ids{"alert"});  // b still running
  EXPECT_TRUE(run.Finish(b, TiState::kSuccess).empty());
  EXPECT_EQ(run.state(alert), "scheduled");
}

TEST(DagRunState, OneFailedAlertIsSkippedWhenNothingFails) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), alert = g.Add("alert", TriggerRule::kOneFailed);
  g.Edge(a, alert);
  g.Edge(b, alert);
  Runner run(g);
  run.Start();
  run.Finish(a, TiState::kSuccess);
  EXPECT_TRUE(run.Finish(b, TiState::kSuccess).empty());
  EXPECT_EQ(run.settled(), Ids{"alert"});
  EXPECT_EQ(run.state(alert), "skipped");
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, AllSuccessJoinIsUpstreamFailedBeforeTheOthersFinish) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b"), j = g.Add("join");
  g.Edge(a, j);
  g.Edge(b, j);
  Runner run(g);
  run.Start();
  run.Finish(a, TiState::kFailed);
  EXPECT_EQ(run.state(j), "upstream_failed");
  EXPECT_FALSE(run.raw().done());  // b still runs
  run.Finish(b, TiState::kSuccess);
  EXPECT_EQ(run.state(j), "upstream_failed");
  EXPECT_TRUE(run.raw().done());
  EXPECT_TRUE(run.raw().failed());
}

TEST(DagRunState, NoneFailedRunsAfterSkips) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b", TriggerRule::kNoneFailed);
  g.Edge(a, b);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Finish(a, TiState::kSkipped), Ids{"b"});
}

TEST(DagRunState, SkipTravelsThroughRulesThatSkipAndStopsAtRulesThatRun) {
  // a (skipped) >> b (one_success: all skipped -> skipped) >> c (none_failed: runs).
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b", TriggerRule::kOneSuccess),
           c = g.Add("c", TriggerRule::kNoneFailed), d = g.Add("d");
  g.Edge(a, b);
  g.Edge(b, c);
  g.Edge(c, d);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Finish(a, TiState::kSkipped), Ids{"c"});
  EXPECT_EQ(run.settled(), Ids{"b"});
  EXPECT_EQ(run.state(d), "none");
}

TEST(DagRunState, BranchSkipsTheDirectTasksNotFollowed) {
  // branch >> x >> x2 >> join and branch >> y >> y2 >> join, join none_failed_min_one_success.
  Graph g;
  uint32_t br = g.Add("branch", TriggerRule::kAllSuccess, TaskKind::kBranch);
  uint32_t x = g.Add("x"), x2 = g.Add("x2"), y = g.Add("y"), y2 = g.Add("y2");
  uint32_t join = g.Add("join", TriggerRule::kNoneFailedMinOneSuccess);
  g.Edge(br, x);
  g.Edge(br, y);
  g.Edge(x, x2);
  g.Edge(y, y2);
  g.Edge(x2, join);
  g.Edge(y2, join);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Branch(br, {x}), Ids{"x"});
  EXPECT_EQ(run.settled(), (Ids{"y", "y2"}));
  EXPECT_EQ(run.state(br), "success");
  EXPECT_EQ(run.state(y), "skipped");
  EXPECT_EQ(run.state(y2), "skipped");
  EXPECT_EQ(run.state(join), "none");
  EXPECT_EQ(run.Finish(x, TiState::kSuccess), Ids{"x2"});
  EXPECT_EQ(run.Finish(x2, TiState::kSuccess), Ids{"join"});
  run.Finish(join, TiState::kSuccess);
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, BranchJoinWithAllSuccessIsSkipped) {
  Graph g;
  uint32_t br = g.Add("branch", TriggerRule::kAllSuccess, TaskKind::kBranch);
  uint32_t x = g.Add("x"), y = g.Add("y"), join = g.Add("join");
  g.Edge(br, x);
  g.Edge(br, y);
  g.Edge(x, join);
  g.Edge(y, join);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Branch(br, {x}), Ids{"x"});
  EXPECT_EQ(run.settled(), (Ids{"join", "y"}));
  EXPECT_EQ(run.state(join), "skipped");
}

TEST(DagRunState, BranchDoesNotSkipATaskDownstreamOfTheFollowedOne) {
  // branch >> task1 >> join and branch >> join: following task1 must not skip join, although
  // join is a direct downstream task of branch (SkipMixin.skip_all_except keeps the relatives
  // of the followed tasks).
  Graph g;
  uint32_t br = g.Add("branch", TriggerRule::kAllSuccess, TaskKind::kBranch);
  uint32_t task1 = g.Add("task1");
  uint32_t join = g.Add("join", TriggerRule::kNoneFailedMinOneSuccess);
  g.Edge(br, task1);
  g.Edge(br, join);
  g.Edge(task1, join);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Branch(br, {task1}), Ids{"task1"});
  EXPECT_TRUE(run.settled().empty());
  EXPECT_EQ(run.state(join), "none");
  EXPECT_EQ(run.Finish(task1, TiState::kSuccess), Ids{"join"});
}

TEST(DagRunState, BranchFollowingTheJoinSkipsTheOtherPath) {
  // The same shape, following join directly: task1 is skipped, join runs.
  Graph g;
  uint32_t br = g.Add("branch", TriggerRule::kAllSuccess, TaskKind::kBranch);
  uint32_t task1 = g.Add("task1");
  uint32_t join = g.Add("join", TriggerRule::kNoneFailedMinOneSuccess);
  g.Edge(br, task1);
  g.Edge(br, join);
  g.Edge(task1, join);
  Runner run(g);
  run.Start();
  EXPECT_EQ(run.Branch(br, {join}), Ids{"join"});
  EXPECT_EQ(run.settled(), Ids{"task1"});
}

TEST(DagRunState, BranchFollowingNothingSkipsEverything) {
  Graph g;
  uint32_t br = g.Add("branch", TriggerRule::kAllSuccess, TaskKind::kBranch);
  uint32_t x = g.Add("x"), y = g.Add("y"), z = g.Add("z");
  g.Edge(br, x);
  g.Edge(br, y);
  g.Edge(y, z);
  Runner run(g);
  run.Start();
  EXPECT_TRUE(run.Branch(br, {}).empty());
  EXPECT_EQ(run.settled(), (Ids{"x", "y", "z"}));
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, ShortCircuitSkipsEveryDescendantWhateverItsRule) {
  Graph g;
  uint32_t sc = g.Add("check", TriggerRule::kAllSuccess, TaskKind::kShortCircuit);
  uint32_t a = g.Add("a"), b = g.Add("b", TriggerRule::kAllDone),
           c = g.Add("c", TriggerRule::kNoneFailed), d = g.Add("d", TriggerRule::kOneSuccess);
  g.Edge(sc, a);
  g.Edge(a, b);
  g.Edge(a, c);
  g.Edge(b, d);
  g.Edge(c, d);
  Runner run(g);
  run.Start();
  EXPECT_TRUE(run.ShortCircuit(sc).empty());
  EXPECT_EQ(run.settled(), (Ids{"a", "b", "c", "d"}));
  for (uint32_t t : {a, b, c, d}) EXPECT_EQ(run.state(t), "skipped");
  EXPECT_EQ(run.state(sc), "success");
  EXPECT_TRUE(run.raw().done());
  EXPECT_FALSE(run.raw().failed());
}

TEST(DagRunState, ShortCircuitLeavesTasksOutsideItsDescendants) {
  // other >> join << check: join is skipped with the short circuit; other still runs.
  Graph g;
  uint32_t sc = g.Add("check", TriggerRule::kAllSuccess, TaskKind::kShortCircuit);
  uint32_t other = g.Add("other"), join = g.Add("join", TriggerRule::kAllDone);
  g.Edge(sc, join);
  g.Edge(other, join);
  Runner run(g);
  EXPECT_EQ(run.Start(), (Ids{"check", "other"}));
  run.ShortCircuit(sc);
  EXPECT_EQ(run.settled(), Ids{"join"});
  EXPECT_FALSE(run.raw().done());
  EXPECT_TRUE(run.Finish(other, TiState::kSuccess).empty());
  EXPECT_EQ(run.state(join), "skipped");
  EXPECT_TRUE(run.raw().done());
}

TEST(DagRunState, FinishingASettledTaskAgainChangesNothing) {
  Graph g;
  uint32_t a = g.Add("a"), b = g.Add("b");
  g.Edge(a, b);
  Runner run(g);
  run.Start();
  run.Finish(a, TiState::kSuccess);
  EXPECT_TRUE(run.Finish(a, TiState::kFailed).empty());
  EXPECT_EQ(run.state(a), "success");
  EXPECT_EQ(run.state(b), "scheduled");
  EXPECT_FALSE(run.raw().done());
}

}  // namespace
}  // namespace dagport::sched
