// Executors without shared hosts, and the local one: `kubernetes` (one pod per task, created at
// most `pods_per_loop` per scheduler loop, then the pod start-up), `ecs` (one Fargate task per
// task: the launch token bucket, then a lognormal start-up that is billed), `local` (one host,
// N slots, FIFO).
#include <algorithm>
#include <cmath>
#include <deque>

#include "simulator/executor_model.h"

namespace dagport::simulator {

std::unique_ptr<ExecutorModel> MakeCeleryExecutor(const Settings& s, ExecutorSink& sink,
                                                  Random& random);

namespace {

sched::Millis Ms(double seconds) {
  return static_cast<sched::Millis>(std::llround(seconds * 1000.0));
}

class KubernetesExecutor : public ExecutorModel {
 public:
  KubernetesExecutor(const Settings& s, ExecutorSink& sink, Random& random)
      : s_(s), sink_(sink), random_(random) {}

  void Queue(uint32_t attempt, sched::Millis t) override {
    const sched::Millis loop = std::max<sched::Millis>(1, Ms(s_.pod_loop_s));
    sched::Millis create = std::max(t, last_create_);
    if (create / loop == last_create_ / loop && created_in_loop_ >= s_.pods_per_loop) {
      create = (create / loop + 1) * loop;
    }
    if (create / loop != last_create_ / loop) created_in_loop_ = 0;
    ++created_in_loop_;
    last_create_ = create;
    // Pod start: the SLO-bound scheduling and container start, with a little spread.
    const sched::Millis start = create + Ms(random_.LogNormal(s_.pod_start_s, s_.pod_start_sigma));
    sink_.Launch(attempt, kIsolatedHost, create, start);
  }
  void Finished(uint32_t, uint32_t, sched::Millis) override {}
  int Capacity() const override { return 0; }

 private:
  const Settings& s_;
  ExecutorSink& sink_;
  Random& random_;
  sched::Millis last_create_ = -1;
  int created_in_loop_ = 0;
};

class EcsExecutor : public ExecutorModel {
 public:
  EcsExecutor(const Settings& s, ExecutorSink& sink, Random& random)
      : s_(s), sink_(sink), random_(random), tokens_(s.ecs_launch_burst) {}

  void Queue(uint32_t attempt, sched::Millis t) override {
    // RunTask token bucket: burst `launch_burst`, refilled at `launch_per_second`.
    sched::Millis now = std::max(t, bucket_time_);
    tokens_ = std::min(s_.ecs_launch_burst, tokens_ + static_cast<double>(now - bucket_time_) /
                                                          1000.0 * s_.ecs_launch_per_s);
    if (tokens_ < 1.0) {
      now += Ms((1.0 - tokens_) / s_.ecs_launch_per_s);
      tokens_ = 1.0;
    }
    tokens_ -= 1.0;
    bucket_time_ = now;
    const double median = s_.ecs_startup_base_s + s_.ecs_image_mb / s_.ecs_pull_mb_per_s;
    const double startup = std::clamp(random_.LogNormal(median, s_.ecs_sigma), s_.ecs_startup_min_s,
                                      s_.ecs_startup_max_s);
    // Billing starts when the image pull does, after capacity and the network interface.
    const sched::Millis start = now + Ms(startup);
    sink_.Launch(attempt, kIsolatedHost, std::min(start, now + Ms(s_.ecs_startup_base_s)), start);
  }
  void Finished(uint32_t, uint32_t, sched::Millis) override {}
  int Capacity() const override { return 0; }

 private:
  const Settings& s_;
  ExecutorSink& sink_;
  Random& random_;
  double tokens_;
  sched::Millis bucket_time_ = 0;
};

class LocalExecutor : public ExecutorModel {
 public:
  LocalExecutor(const Settings& s, ExecutorSink& sink) : s_(s), sink_(sink) {}

  void Begin(sched::Millis) override { host_ = sink_.NewHost("local"); }
  void Queue(uint32_t attempt, sched::Millis t) override {
    waiting_.push_back(attempt);
    Dispatch(t);
  }
  void Finished(uint32_t, uint32_t, sched::Millis t) override {
    --busy_;
    Dispatch(t);
  }
  int Capacity() const override { return s_.local_slots; }

 private:
  void Dispatch(sched::Millis t) {
    while (!waiting_.empty() && busy_ < s_.local_slots) {
      ++busy_;
      const sched::Millis start = t + Ms(s_.local_queued_to_running_s);
      sink_.Launch(waiting_.front(), host_, start, start);
      waiting_.pop_front();
    }
  }

  const Settings& s_;
  ExecutorSink& sink_;
  uint32_t host_ = 0;
  int busy_ = 0;
  std::deque<uint32_t> waiting_;
};

}  // namespace

std::unique_ptr<ExecutorModel> MakeExecutor(const Settings& s, ExecutorSink& sink, Random& random) {
  switch (s.executor) {
    case ExecutorKind::kCelery: return MakeCeleryExecutor(s, sink, random);
    case ExecutorKind::kKubernetes: return std::make_unique<KubernetesExecutor>(s, sink, random);
    case ExecutorKind::kEcs: return std::make_unique<EcsExecutor>(s, sink, random);
    case ExecutorKind::kLocal: return std::make_unique<LocalExecutor>(s, sink);
  }
  return MakeCeleryExecutor(s, sink, random);
}

}  // namespace dagport::simulator
