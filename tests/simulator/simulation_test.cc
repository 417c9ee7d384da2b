// The simulator on small DAG sets with fixed seeds and deterministic latencies: each scheduling
// rule, executor model and conflict rule, checked against hand-computed times.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "simulator/report.h"
#include "simulator/report_render.h"
#include "simulator/simulation.h"
#include "tests/test_support.h"

namespace dagport::simulator {
namespace {

using sched::Millis;
using sched::TiState;

constexpr const char* kPrelude = R"PY(
from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator
from airflow.operators.dagrun_operator import TriggerDagRunOperator

START = datetime(2025, 1, 1)
)PY";

Millis At(const std::string& iso) {
  Millis t = 0;
  EXPECT_TRUE(sched::ParseIsoDate(iso, &t)) << iso;
  return t;
}

/// A DAG file analysed, and a workload built from it; the project outlives the workload.
struct Fixture {
  ir::Project project;
  Workload workload;
  std::vector<ir::Diagnostic> diagnostics;
};

/// Deterministic settings: hop latency exactly 1 s, horizon 2025-01-02, one Celery worker.
Settings Deterministic() {
  Settings s = DefaultSettings();
  s.start = At("2025-01-02");
  s.days = 1;
  s.hop_median_s = 1.0;
  s.hop_p95_s = 1.0;
  s.queued_to_running_s = 0.4;
  s.workers = 1;
  s.max_workers = 1;
  return s;
}

std::unique_ptr<Fixture> Build(const std::string& body, const Settings& settings,
                               const std::string& durations_json = "{}",
                               const std::vector<ExtraAccess>& extras = {}) {
  auto f = std::make_unique<Fixture>();
  parser::ModuleLoader loader({}, {});
  parser::EvaluationLimits limits;
  f->project.files.push_back(
      parser::AnalyzeSource("dags.py", std::string(kPrelude) + body, loader, limits).file);
  f->workload = BuildWorkload(f->project, settings, Durations::Parse(durations_json), {}, extras,
                              f->diagnostics);
  return f;
}

ExtraAccess Access(const std::string& task, const std::string& path, const std::string& mode,
                   bool global = false) {
  ExtraAccess e;
  e.task_key = task;
  e.access.path = path;
  e.access.mode = mode;
  e.access.resource = "file";
  e.global = global;
  return e;
}

/// The attempts of `dag.task`, in order.
std::vector<AttemptRecord> AttemptsOf(const Workload& w, const SimulationResult& r,
                                      const std::string& dag_task) {
  std::vector<AttemptRecord> out;
  for (const AttemptRecord& a : r.attempts) {
    const std::string name = InstanceName(w, r, a.ti);
    if (name.substr(0, name.find('@')) == dag_task) out.push_back(a);
  }
  return out;
}

constexpr const char* kChain = R"PY(
with DAG('chain', start_date=START, schedule_interval='@daily') as dag:
    a = BashOperator(task_id='a', bash_command='true')
    b = BashOperator(task_id='b', bash_command='true')
    a >> b
)PY";

TEST(Simulation, ChainTraceMatchesHandComputedTimes) {
  auto f =
      Build(kChain, Deterministic(), R"({"chain.a": {"median": 60}, "chain.b": {"median": 30}})");
  const SimulationResult r = Simulate(f->workload, 1);
  // Run due 00:00 (interval of 01-01); a: scheduled +1 s hop, queued in the same pass, running
  // after 0.4 s queued->running, 60 s; b: +1 s hop after a, +0.4 s, 30 s.
  testing::ExpectGolden("simulator/chain_celery.trace", RenderTrace(f->workload, r));
  const auto b = AttemptsOf(f->workload, r, "chain.b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].start, At("2025-01-02T00:01:02") + 800);
  EXPECT_EQ(b[0].end, At("2025-01-02T00:01:32") + 800);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].end, b[0].end);
  EXPECT_FALSE(r.runs[0].failed);
}

TEST(Simulation, RetryAndTriggerRulesOnKubernetesTrace) {
  // Pods: created one per 1 s loop, running 8 s later (no spread). `flaky` fails twice (retry
  // delay 30 s), `cleanup` runs whatever happens (all_done), `report` needs all successes.
  Settings s = Deterministic();
  s.executor = ExecutorKind::kKubernetes;
  s.pod_start_sigma = 0;
  auto f = Build(R"PY(
with DAG('k8s', start_date=START, schedule_interval='@daily') as dag:
    flaky = BashOperator(task_id='flaky', bash_command='x', retries=1,
                         retry_delay=timedelta(seconds=30))
    other = BashOperator(task_id='other', bash_command='x')
    cleanup = BashOperator(task_id='cleanup', bash_command='x', trigger_rule='all_done')
    report = BashOperator(task_id='report', bash_command='x')
    [flaky, other] >> cleanup
    [flaky, other] >> report
)PY",
                 s,
                 R"({"k8s.flaky": {"median": 10, "failure_rate": 1}, "k8s.other": {"median": 20},
                     "k8s.cleanup": {"median": 5}})");
  const SimulationResult r = Simulate(f->workload, 1);
  testing::ExpectGolden("simulator/retry_trigger_rules_kubernetes.trace",
                        RenderTrace(f->workload, r));
  EXPECT_TRUE(r.runs[0].failed);
}

TEST(Simulation, SameSeedSameResultBitForBit) {
  Settings s = DefaultSettings();
  s.start = At("2025-01-02");
  s.workers = 2;
  s.max_workers = 2;
  auto f = Build(R"PY(
with DAG('fan', start_date=START, schedule_interval='@hourly') as dag:
    root = BashOperator(task_id='root', bash_command='true')
    for i in range(8):
        root >> BashOperator(task_id='leaf_%d' % i, bash_command='true')
)PY",
                 s);
  const SimulationReport a = RunReplays(f->workload, 7, 4, 2, nullptr);
  const SimulationReport b = RunReplays(f->workload, 7, 4, 1, nullptr);
  EXPECT_EQ(RenderJson(a).dump(), RenderJson(b).dump());
  SimulationResult first_a, first_b;
  RunReplays(f->workload, 7, 1, 1, &first_a);
  RunReplays(f->workload, 8, 1, 1, &first_b);
  EXPECT_NE(RenderTrace(f->workload, first_a), RenderTrace(f->workload, first_b));
}

constexpr const char* kTwoWriters = R"PY(
with DAG('pair', start_date=START, schedule_interval='@daily') as dag:
    BashOperator(task_id='x', bash_command='true')
    BashOperator(task_id='y', bash_command='true')
)PY";

TEST(Simulation, ConcurrentWritersOnOneWorkerConflict) {
  auto f = Build(
      kTwoWriters, Deterministic(), R"({"pair.x": {"median": 100}, "pair.y": {"median": 100}})",
      {Access("pair.x", "/tmp/venv", "create"), Access("pair.y", "/tmp/venv/lib", "write")});
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].resource, "/tmp/venv/lib");  // below the created directory
  EXPECT_EQ(r.conflicts[0].pattern, "/tmp/venv/lib");
  EXPECT_GT(r.conflicts[0].to, r.conflicts[0].from);
}

TEST(Simulation, ReadersDoNotConflict) {
  auto f = Build(
      kTwoWriters, Deterministic(), R"({"pair.x": {"median": 100}, "pair.y": {"median": 100}})",
      {Access("pair.x", "/tmp/model.pkl", "read"), Access("pair.y", "/tmp/model.pkl", "read")});
  EXPECT_TRUE(Simulate(f->workload, 1).conflicts.empty());
}

TEST(Simulation, IsolatedExecutorsOnlyClashOnGlobalResources) {
  for (ExecutorKind kind : {ExecutorKind::kKubernetes, ExecutorKind::kEcs}) {
    Settings s = Deterministic();
    s.executor = kind;
    auto host_only =
        Build(kTwoWriters, s, R"({"pair.x": {"median": 600}, "pair.y": {"median": 600}})",
              {Access("pair.x", "/tmp/venv", "write"), Access("pair.y", "/tmp/venv", "write")});
    EXPECT_TRUE(Simulate(host_only->workload, 1).conflicts.empty()) << ExecutorName(kind);
    auto global = Build(kTwoWriters, s, R"({"pair.x": {"median": 600}, "pair.y": {"median": 600}})",
                        {Access("pair.x", "s3://bucket/out/{{ ds }}.csv", "write"),
                         Access("pair.y", "s3://bucket/out/{{ ds }}.csv", "write")});
    const SimulationResult r = Simulate(global->workload, 1);
    ASSERT_EQ(r.conflicts.size(), 1u) << ExecutorName(kind);
    EXPECT_EQ(r.conflicts[0].resource, "s3://bucket/out/2025-01-01.csv");
    EXPECT_EQ(r.hosts[r.conflicts[0].host], "shared");
  }
}

TEST(Simulation, TemplatedPathsClashOnlyForTheSameDate) {
  // Hourly runs of one task, each 3 hours long: consecutive runs overlap. With {{ ds }} they share
  // a date within a day; with {{ ts_nodash }} never.
  const std::string body = R"PY(
with DAG('hourly', start_date=START, schedule_interval='@hourly') as dag:
    BashOperator(task_id='t', bash_command='true')
)PY";
  auto by_day = Build(body, Deterministic(), R"({"hourly.t": {"median": 10800}})",
                      {Access("hourly.t", "/tmp/out_{{ ds }}.json", "write")});
  auto by_hour = Build(body, Deterministic(), R"({"hourly.t": {"median": 10800}})",
                       {Access("hourly.t", "/tmp/out_{{ ts_nodash }}.json", "write")});
  const SimulationResult day = Simulate(by_day->workload, 1);
  EXPECT_FALSE(day.conflicts.empty());
  for (const ConflictRecord& c : day.conflicts) EXPECT_EQ(c.pattern, "/tmp/out_{{ ds }}.json");
  EXPECT_TRUE(Simulate(by_hour->workload, 1).conflicts.empty());
}

TEST(Simulation, PlacementDecidesConflictProbability) {
  Settings s = Deterministic();
  s.workers = 2;
  s.max_workers = 2;
  s.worker_concurrency = 2;
  const std::string durations = R"({"pair.x": {"median": 100}, "pair.y": {"median": 100}})";
  const std::vector<ExtraAccess> extras = {Access("pair.x", "/tmp/venv", "write"),
                                           Access("pair.y", "/tmp/venv", "write")};
  auto probability = [&](Placement p) {
    s.placement = p;
    auto f = Build(kTwoWriters, s, durations, extras);
    const SimulationReport rep = RunReplays(f->workload, 1, 64, 2, nullptr);
    return rep.conflict_groups.empty() ? 0.0 : rep.conflict_groups[0].probability;
  };
  EXPECT_EQ(probability(Placement::kPack), 1.0);
  EXPECT_EQ(probability(Placement::kSpread), 0.0);
  const double random = probability(Placement::kRandom);  // 1/2 in expectation
  EXPECT_GT(random, 0.25);
  EXPECT_LT(random, 0.75);
}

TEST(Simulation, RetriesThenUpstreamFailed) {
  auto f = Build(R"PY(
with DAG('flaky', start_date=START, schedule_interval='@daily') as dag:
    a = BashOperator(task_id='a', bash_command='x', retries=2, retry_delay=timedelta(seconds=10))
    b = BashOperator(task_id='b', bash_command='x')
    a >> b
)PY",
                 Deterministic(), R"({"flaky.a": {"median": 5, "failure_rate": 1}})");
  const SimulationResult r = Simulate(f->workload, 1);
  const auto a = AttemptsOf(f->workload, r, "flaky.a");
  ASSERT_EQ(a.size(), 3u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].try_number, static_cast<int>(i) + 1);
    EXPECT_EQ(a[i].outcome, TiState::kFailed);
  }
  // The next try becomes scheduled retry_delay after the failure, plus the 1 s hop.
  EXPECT_EQ(a[1].ready, a[0].end + 10'000 + 1'000);
  EXPECT_EQ(r.tis[r.runs[0].first_ti + 1].state, TiState::kUpstreamFailed);
  EXPECT_TRUE(r.runs[0].failed);
}

TEST(Simulation, ExecutionTimeoutFailsTheTry) {
  auto f = Build(R"PY(
with DAG('slow', start_date=START, schedule_interval='@daily') as dag:
    BashOperator(task_id='t', bash_command='x', execution_timeout=timedelta(seconds=30))
)PY",
                 Deterministic(), R"({"slow.t": {"median": 100}})");
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.attempts.size(), 1u);
  EXPECT_TRUE(r.attempts[0].timed_out);
  EXPECT_EQ(r.attempts[0].outcome, TiState::kFailed);
  EXPECT_EQ(r.attempts[0].end - r.attempts[0].start, 30'000);
}

TEST(Simulation, MaxActiveRunsQueuesRuns) {
  auto f = Build(R"PY(
with DAG('long', start_date=START, schedule_interval='@hourly', max_active_runs=1) as dag:
    BashOperator(task_id='t', bash_command='x')
)PY",
                 Deterministic(), R"({"long.t": {"median": 5400}})");
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_GE(r.runs.size(), 3u);
  for (size_t i = 1; i < r.runs.size(); ++i) {
    // Each run starts when the previous one ends, never earlier.
    EXPECT_EQ(r.runs[i].start, r.runs[i - 1].end) << i;
    EXPECT_GT(r.runs[i].start, r.runs[i].run_after) << i;
  }
}

TEST(Simulation, DependsOnPastHoldsTheNextRun) {
  Settings s = Deterministic();
  auto f = Build(R"PY(
with DAG('past', start_date=START, schedule_interval='@hourly') as dag:
    BashOperator(task_id='t', bash_command='x', depends_on_past=True)
)PY",
                 s, R"({"past.t": {"median": 60, "failure_rate": 1}})");
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_GE(r.runs.size(), 2u);
  EXPECT_TRUE(r.runs[0].failed);
  EXPECT_EQ(r.tis[r.runs[1].first_ti].tries, 0);  // never scheduled: its past failed
  EXPECT_LT(r.runs[1].end, 0);
  EXPECT_EQ(r.unfinished_runs, r.runs.size() - 1);
}

TEST(Simulation, DependsOnPastWaitsForThePreviousSuccess) {
  // Hourly runs of a 90-minute task: each instance waits for the previous one to succeed.
  auto f = Build(R"PY(
with DAG('serial', start_date=START, schedule_interval='@hourly') as dag:
    BashOperator(task_id='t', bash_command='x', depends_on_past=True)
)PY",
                 Deterministic(), R"({"serial.t": {"median": 5400}})");
  const SimulationResult r = Simulate(f->workload, 1);
  const auto t = AttemptsOf(f->workload, r, "serial.t");
  ASSERT_EQ(t.size(), r.runs.size());
  for (size_t i = 1; i < t.size(); ++i) {
    EXPECT_EQ(t[i].ready, t[i - 1].end + 1000) << i;  // released by the success, plus the hop
  }
  EXPECT_EQ(r.unfinished_runs, 0u);
}

TEST(Simulation, EmptyOperatorNeedsNoExecutor) {
  auto f = Build(R"PY(
with DAG('dummy', start_date=START, schedule_interval='@daily') as dag:
    DummyOperator(task_id='start') >> BashOperator(task_id='work', bash_command='x')
)PY",
                 Deterministic(), R"({"dummy.work": {"median": 10}})");
  const SimulationResult r = Simulate(f->workload, 1);
  const auto start = AttemptsOf(f->workload, r, "dummy.start");
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0].start, start[0].end);
  EXPECT_EQ(start[0].host, kIsolatedHost);
  const auto work = AttemptsOf(f->workload, r, "dummy.work");
  ASSERT_EQ(work.size(), 1u);
  EXPECT_EQ(work[0].ready, start[0].end + 1000);
}

TEST(Simulation, HigherPriorityFirstOnOneSlot) {
  Settings s = Deterministic();
  s.executor = ExecutorKind::kLocal;
  s.local_slots = 1;
  auto f = Build(R"PY(
with DAG('small', start_date=START, schedule_interval='@daily') as dag:
    BashOperator(task_id='alone', bash_command='x')
with DAG('wide', start_date=START, schedule_interval='@daily') as dag2:
    root = BashOperator(task_id='root', bash_command='x')
    for i in range(3):
        root >> BashOperator(task_id='c%d' % i, bash_command='x')
)PY",
                 s, R"({"operators": {"BashOperator": {"median": 60}}})");
  const SimulationResult r = Simulate(f->workload, 1);
  const auto root = AttemptsOf(f->workload, r, "wide.root");
  const auto alone = AttemptsOf(f->workload, r, "small.alone");
  ASSERT_EQ(root.size(), 1u);
  ASSERT_EQ(alone.size(), 1u);
  // Both are ready at 00:00:01; root's weight is 4 (1 + 3 descendants), alone's 1.
  EXPECT_LT(root[0].start, alone[0].start);
}

TEST(Simulation, PoolSerialisesItsTasks) {
  Settings s = Deterministic();
  s.pools["db"] = 1;
  s.workers = 4;
  s.max_workers = 4;
  auto f = Build(R"PY(
with DAG('pooled', start_date=START, schedule_interval='@daily') as dag:
    for i in range(3):
        BashOperator(task_id='q%d' % i, bash_command='x', pool='db')
)PY",
                 s, R"({"operators": {"BashOperator": {"median": 60}}})");
  const SimulationResult r = Simulate(f->workload, 1);
  std::vector<std::pair<Millis, Millis>> spans;
  for (const AttemptRecord& a : r.attempts) spans.emplace_back(a.start, a.end);
  std::sort(spans.begin(), spans.end());
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_GE(spans[1].first, spans[0].second);
  EXPECT_GE(spans[2].first, spans[1].second);
}

TEST(Simulation, EcsLaunchBucketAndBilledStartUp) {
  Settings s = Deterministic();
  s.executor = ExecutorKind::kEcs;
  s.ecs_sigma = 0;  // start-up exactly 12 s + 400 MB / 40 MB/s = 22 s
  s.max_tis_per_query = 1000;
  s.parallelism = 1000;
  s.default_pool_slots = 1000;  // default_pool (128) would hold back the last 22
  auto f = Build(R"PY(
with DAG('burst', start_date=START, schedule_interval='@daily', concurrency=1000) as dag:
    for i in range(150):
        BashOperator(task_id='t%03d' % i, bash_command='x')
)PY",
                 s, R"({"operators": {"BashOperator": {"median": 30}}})");
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.attempts.size(), 150u);
  std::vector<Millis> launched;
  for (const AttemptRecord& a : r.attempts) {
    launched.push_back(a.launched);
    // Billed from the image pull: after the 12 s of capacity and network interface.
    EXPECT_EQ(a.start - a.launched, 10'000);
  }
  std::sort(launched.begin(), launched.end());
  // 100 at once, then 20 per second: the 150th launches 2.5 s after the first.
  EXPECT_EQ(launched[99], launched[0]);
  EXPECT_EQ(launched[149] - launched[0], 2'500);
  // Billed 10 s + 30 s = 40 s, raised to the one-minute minimum, 1 vCPU / 2 GB.
  const double expected = 60.0 / 3600.0 * (s.fargate_vcpu_hour + 2 * s.fargate_gb_hour);
  EXPECT_NEAR(r.attempts[0].cost, expected, 1e-12);
  EXPECT_NEAR(r.fargate_cost, 150 * expected, 1e-9);
}

TEST(Simulation, KubernetesCreatesOnePodPerLoop) {
  Settings s = Deterministic();
  s.executor = ExecutorKind::kKubernetes;
  auto f = Build(R"PY(
with DAG('pods', start_date=START, schedule_interval='@daily') as dag:
    for i in range(5):
        BashOperator(task_id='t%d' % i, bash_command='x')
)PY",
                 s);
  const SimulationResult r = Simulate(f->workload, 1);
  std::vector<Millis> created;
  for (const AttemptRecord& a : r.attempts) created.push_back(a.launched);
  std::sort(created.begin(), created.end());
  ASSERT_EQ(created.size(), 5u);
  for (size_t i = 1; i < created.size(); ++i) EXPECT_GE(created[i] - created[i - 1], 1) << i;
  EXPECT_GE(created[4] - created[0], 3'000);  // one pod per 1 s loop
}

TEST(Simulation, LocalExecutorRunsAtMostItsSlots) {
  Settings s = Deterministic();
  s.executor = ExecutorKind::kLocal;
  s.local_slots = 2;
  auto f = Build(R"PY(
with DAG('local', start_date=START, schedule_interval='@daily') as dag:
    for i in range(5):
        BashOperator(task_id='t%d' % i, bash_command='x')
)PY",
                 s, R"({"operators": {"BashOperator": {"median": 60}}})");
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.attempts.size(), 5u);
  int peak = 0;
  for (const AttemptRecord& a : r.attempts) {
    int running = 0;
    for (const AttemptRecord& b : r.attempts) running += b.start <= a.start && a.start < b.end;
    peak = std::max(peak, running);
    EXPECT_EQ(r.hosts[a.host], "local");
  }
  EXPECT_EQ(peak, 2);
  // Five one-minute tasks on two slots: three waves.
  Millis last = 0;
  for (const AttemptRecord& a : r.attempts) last = std::max(last, a.end);
  EXPECT_GE(last - r.attempts[0].start, 3 * 60'000);
}

TEST(Simulation, MwaaAutoscalingAddsWorkersAfterTheDelay) {
  Settings s = Deterministic();
  ApplyMwaaClass(s, *FindMwaaClass("mw1.small"));
  auto f = Build(R"PY(
with DAG('many', start_date=START, schedule_interval='@daily', concurrency=64) as dag:
    for i in range(30):
        BashOperator(task_id='t%02d' % i, bash_command='x')
)PY",
                 s, R"({"operators": {"BashOperator": {"median": 1800}}})");
  const SimulationResult r = Simulate(f->workload, 1);
  EXPECT_GT(r.peak_workers, 1);
  EXPECT_LE(r.peak_workers, 10);
  EXPECT_GT(r.extra_worker_seconds, 0);
  // No task runs on a new worker before the scale-up delay has passed.
  for (const AttemptRecord& a : r.attempts) {
    if (r.hosts[a.host] != "worker-1") {
      EXPECT_GE(a.start, At("2025-01-02T00:03:00")) << r.hosts[a.host];
    }
  }
}

TEST(Simulation, MwaaAutoscalingWakesUpForATriggeredRun) {
  Settings s = Deterministic();
  ApplyMwaaClass(s, *FindMwaaClass("mw1.small"));
  const std::string body = R"PY(
with DAG('manual', start_date=START, schedule_interval=None, concurrency=64) as dag:
    for i in range(50):
        BashOperator(task_id='t%02d' % i, bash_command='x')
)PY";
  auto f = std::make_unique<Fixture>();
  parser::ModuleLoader loader({}, {});
  f->project.files.push_back(
      parser::AnalyzeSource("dags.py", std::string(kPrelude) + body, loader, {}).file);
  f->workload = BuildWorkload(
      f->project, s, Durations::Parse(R"({"operators": {"BashOperator": {"median": 1800}}})"),
      {{"manual", At("2025-01-02T06:00")}}, {}, f->diagnostics);
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_GT(r.peak_workers, 5);  // 50 tasks at 5 per worker, within max_workers 10
}

TEST(Simulation, MwaaParallelismLetsEveryWorkerSlotBeUsed) {
  Settings s = DefaultSettings();
  ApplyMwaaClass(s, *FindMwaaClass("mw1.large"));
  EXPECT_GE(s.parallelism * s.schedulers, s.max_workers * s.worker_concurrency);
}

TEST(Simulation, BranchFollowsOneDownstreamAndSkipsTheOther) {
  auto f = Build(R"PY(
with DAG('branchy', start_date=START, schedule_interval='@daily') as dag:
    pick = BranchPythonOperator(task_id='pick', python_callable=lambda: 'left')
    left = BashOperator(task_id='left', bash_command='x')
    right = BashOperator(task_id='right', bash_command='x')
    join = BashOperator(task_id='join', bash_command='x', trigger_rule='none_failed_min_one_success')
    pick >> [left, right] >> join
)PY",
                 Deterministic());
  const SimulationResult r = Simulate(f->workload, 1);
  const uint32_t first = r.runs[0].first_ti;
  const TiState left = r.tis[first + 1].state, right = r.tis[first + 2].state;
  EXPECT_TRUE((left == TiState::kSuccess) != (right == TiState::kSuccess));
  EXPECT_TRUE(left == TiState::kSkipped || right == TiState::kSkipped);
  EXPECT_EQ(r.tis[first + 3].state, TiState::kSuccess);
}

TEST(Simulation, SubclassOfABranchOperatorBranches) {
  auto f = Build(R"PY(
class RegionSwitch(BranchPythonOperator):
    pass

with DAG('custom_branch', start_date=START, schedule_interval='@daily') as dag:
    pick = RegionSwitch(task_id='pick', python_callable=lambda: 'eu')
    pick >> [BashOperator(task_id='eu', bash_command='x'), BashOperator(task_id='us', bash_command='x')]
)PY",
                 Deterministic());
  ASSERT_EQ(f->workload.dags.size(), 1u);
  EXPECT_EQ(f->workload.dags[0].plan.tasks[0].kind, sched::TaskKind::kBranch);
  const SimulationResult r = Simulate(f->workload, 1);
  const uint32_t first = r.runs[0].first_ti;
  EXPECT_TRUE((r.tis[first + 1].state == TiState::kSkipped) !=
              (r.tis[first + 2].state == TiState::kSkipped));
}

TEST(Simulation, EcsOperatorUnderCeleryHoldsASlotAndBillsFargate) {
  auto f = Build(
      R"PY(
from airflow.contrib.operators.ecs_operator import ECSOperator
from airflow.models import BaseOperator

class ContainerTask(ECSOperator):
    pass

class Plain(BaseOperator):
    pass

with DAG('mixed', start_date=START, schedule_interval='@daily') as dag:
    ContainerTask(task_id='boxed', task_definition='t', cluster='c', overrides={}, launch_type='FARGATE') >> Plain(task_id='plain')
    ECSOperator(task_id='on_ec2', task_definition='t', cluster='c', overrides={})
)PY",
      Deterministic(),
      R"({"mixed.boxed": {"median": 300}, "mixed.plain": {"median": 300}, "mixed.on_ec2": {"median": 300}})");
  ASSERT_EQ(f->workload.dags.size(), 1u);
  EXPECT_EQ(f->workload.dags[0].plan.tasks[1].kind, sched::TaskKind::kOther);
  EXPECT_TRUE(f->workload.dags[0].tasks[0].on_fargate);
  EXPECT_FALSE(f->workload.dags[0].tasks[1].on_fargate);
  EXPECT_FALSE(f->workload.dags[0].tasks[2].on_fargate);  // the EC2 launch type, the default
  const SimulationResult r = Simulate(f->workload, 1);
  const auto boxed = AttemptsOf(f->workload, r, "mixed.boxed");
  const auto plain = AttemptsOf(f->workload, r, "mixed.plain");
  ASSERT_EQ(boxed.size(), 1u);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_NE(boxed[0].host, kIsolatedHost);  // the operator waits on a Celery worker
  EXPECT_GT(boxed[0].end - boxed[0].start, 60 * 1000);
  EXPECT_GT(boxed[0].cost, 0.0);
  EXPECT_EQ(plain[0].cost, 0.0);
  EXPECT_EQ(AttemptsOf(f->workload, r, "mixed.on_ec2")[0].cost, 0.0);
  EXPECT_NEAR(r.fargate_cost, boxed[0].cost, 1e-12);
}

TEST(Simulation, ContinuousDagWithoutTasksEnds) {
  Settings s = Deterministic();
  s.switched_on_at_start = true;
  auto f = Build(R"PY(
dag = DAG('forever', start_date=START, schedule_interval='@hourly')
)PY",
                 s);
  ASSERT_EQ(f->workload.dags.size(), 1u);
  f->workload.dags[0].plan.timetable.kind = sched::ScheduleKind::kContinuous;
  f->workload.dags[0].runs = {{f->workload.start, f->workload.start}};
  const SimulationResult r = Simulate(f->workload, 1);  // must not recurse for ever
  EXPECT_EQ(r.runs.size(), 1u);
}

TEST(Simulation, TriggerDagRunCreatesATriggeredRun) {
  auto f = Build(R"PY(
with DAG('parent', start_date=START, schedule_interval='@daily') as dag:
    TriggerDagRunOperator(task_id='go', trigger_dag_id='child')
with DAG('child', start_date=START, schedule_interval=None) as dag2:
    BashOperator(task_id='t', bash_command='x')
)PY",
                 Deterministic());
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.runs.size(), 2u);
  EXPECT_TRUE(r.runs[1].triggered);
  EXPECT_EQ(f->workload.dags[r.runs[1].dag].plan.dag_id, "child");
  EXPECT_EQ(RunId(r.runs[1]).rfind("manual__", 0), 0u);
}

TEST(Simulation, SlaMissIsReported) {
  auto f = Build(R"PY(
with DAG('sla', start_date=START, schedule_interval='@daily') as dag:
    BashOperator(task_id='t', bash_command='x', sla=timedelta(minutes=5))
)PY",
                 Deterministic(), R"({"sla.t": {"median": 600}})");
  const SimulationResult r = Simulate(f->workload, 1);
  ASSERT_EQ(r.sla_misses.size(), 1u);
  EXPECT_EQ(r.sla_misses[0].deadline, At("2025-01-02T00:05:00"));
}

TEST(Simulation, UtilisationCountsBusySlotSeconds) {
  Settings s = Deterministic();
  auto f = Build(kTwoWriters, s, R"({"pair.x": {"median": 100}, "pair.y": {"median": 100}})");
  const SimulationResult r = Simulate(f->workload, 1);
  double busy = 0, capacity = 0;
  for (const UtilisationBucket& u : r.utilisation) {
    busy += u.busy_slot_seconds;
    capacity += u.capacity_slot_seconds;
  }
  EXPECT_NEAR(busy, 200.0, 1e-6);
  EXPECT_GT(capacity, busy);
}

TEST(Simulation, FormatsAreWellFormed) {
  auto f =
      Build(kChain, Deterministic(), R"({"chain.a": {"median": 60}, "chain.b": {"median": 30}})");
  SimulationResult r;
  const SimulationReport rep = RunReplays(f->workload, 1, 2, 1, &r);
  const std::string csv = RenderCsv(f->workload, r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);  // header + 2 attempts
  EXPECT_NE(csv.find("chain,scheduled__2025-01-01T00:00:00+00:00,a,1,success,"), std::string::npos)
      << csv;
  const auto wf = RenderWfFormat(f->workload, r);
  EXPECT_EQ(wf["schemaVersion"], "1.5");
  ASSERT_EQ(wf["workflow"]["specification"]["tasks"].size(), 2u);
  EXPECT_EQ(wf["workflow"]["specification"]["tasks"][1]["parents"][0],
            wf["workflow"]["specification"]["tasks"][0]["id"]);
  EXPECT_EQ(wf["workflow"]["execution"]["tasks"][0]["machines"][0], "worker-1");
  const std::string html = RenderHtml(rep, f->workload, r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // nothing fetched
  EXPECT_EQ(html.find("<script"), std::string::npos);
  const auto json = RenderJson(rep);
  EXPECT_EQ(json["schema"], kSimulationSchema);
  EXPECT_EQ(json["runs"].size(), 1u);
}

}  // namespace
}  // namespace dagport::simulator
