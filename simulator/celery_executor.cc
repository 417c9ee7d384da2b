// The Celery executor as MWAA runs it: workers with `worker_concurrency` slots pull queued tasks
// from one broker queue in FIFO order; the worker that gets a task is whichever idle worker polls
// first (random among workers with a free slot; `pack` and `spread` bound it). Every task on a
// worker shares that worker's disk. MWAA autoscaling adds workers when running + queued tasks
// exceed the slots and removes idle ones after the scale-down window.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

#include "simulator/executor_model.h"

namespace dagport::simulator {

namespace {

class CeleryExecutor : public ExecutorModel {
 public:
  CeleryExecutor(const Settings& s, ExecutorSink& sink, Random& random)
      : s_(s), sink_(sink), random_(random) {}

  void Begin(sched::Millis t) override {
    for (int i = 0; i < std::max(1, s_.workers); ++i) AddWorker(t, t);
    next_check_ = t;
    ticking_ = s_.autoscaling;
    if (s_.autoscaling) sink_.WakeAt(t);
  }

  void Queue(uint32_t attempt, sched::Millis t) override {
    broker_.push_back(attempt);
    Dispatch(t);
    if (s_.autoscaling && !ticking_) {
      // The autoscaler went idle with no work in sight (a triggered run came later): re-arm it.
      ticking_ = true;
      next_check_ = t;
      sink_.WakeAt(t);
    }
  }

  void Finished(uint32_t /*attempt*/, uint32_t host, sched::Millis t) override {
    for (Worker& w : workers_) {
      if (w.host == host) {
        --w.busy;
        break;
      }
    }
    --busy_;
    Dispatch(t);
  }

  void Wake(sched::Millis t) override {
    // Workers whose start-up finished join.
    bool joined = false;
    for (Worker& w : workers_) {
      if (!w.alive && !w.gone && w.up_at <= t) {
        sink_.CapacityChanging(t);
        w.alive = true;
        joined = true;
      }
    }
    if (joined) Dispatch(t);
    if (!s_.autoscaling || t < next_check_) return;
    next_check_ = t + Period();
    Autoscale(t);
    UpdatePeak();
    ticking_ = sink_.WorkRemains() || Alive() > s_.workers;
    if (ticking_) sink_.WakeAt(next_check_);
  }

  void Close(sched::Millis t) override {
    for (const Worker& w : workers_) {
      const sched::Millis end = w.gone ? w.down_at : t;
      if (w.up_at < end) {
        const double seconds = static_cast<double>(end - w.up_at) / 1000.0;
        worker_seconds += seconds;
        if (w.index > 0) extra_worker_seconds += seconds;
      }
    }
  }

  int Capacity() const override { return Alive() * s_.worker_concurrency; }

 private:
  struct Worker {
    uint32_t host = 0;
    int index = 0;
    int busy = 0;
    bool alive = true;
    bool gone = false;
    sched::Millis up_at = 0;
    sched::Millis down_at = 0;
  };

  sched::Millis Period() const {
    return static_cast<sched::Millis>(s_.autoscaling_period_s * 1000);
  }

  int Alive() const {
    int n = 0;
    for (const Worker& w : workers_) n += w.alive;
    return n;
  }

  void UpdatePeak() { peak_workers = std::max(peak_workers, Alive()); }

  void AddWorker(sched::Millis requested, sched::Millis up_at) {
    Worker w;
    w.index = static_cast<int>(workers_.size());
    w.host = sink_.NewHost(fmt::format("worker-{}", w.index + 1));
    w.alive = up_at <= requested;
    w.up_at = up_at;
    workers_.push_back(w);
    UpdatePeak();
  }

  void Autoscale(sched::Millis t) {
    const int demand = busy_ + static_cast<int>(broker_.size());
    int required = (demand + s_.worker_concurrency - 1) / s_.worker_concurrency;
    required = std::clamp(required, std::max(1, s_.workers), std::max(s_.workers, s_.max_workers));
    int starting = 0;
    for (const Worker& w : workers_) starting += !w.alive && !w.gone;
    const int alive = Alive();
    if (required > alive + starting) {
      const sched::Millis up = t + static_cast<sched::Millis>(s_.scale_up_s * 1000);
      for (int i = alive + starting; i < required; ++i) AddWorker(t, up);
      sink_.WakeAt(up);
    }
    if (required < alive) {
      if (low_since_ < 0) low_since_ = t;
      if (t - low_since_ >= static_cast<sched::Millis>(s_.scale_down_s * 1000)) {
        // Remove idle workers, newest first; busy ones are protected until they finish.
        int surplus = alive - required;
        for (auto it = workers_.rbegin(); it != workers_.rend() && surplus > 0; ++it) {
          if (it->alive && it->busy == 0 && it->index > 0) {
            sink_.CapacityChanging(t);
            it->alive = false;
            it->gone = true;
            it->down_at = t;
            --surplus;
          }
        }
        low_since_ = -1;
      }
    } else {
      low_since_ = -1;
    }
  }

  Worker* Pick() {
    std::vector<Worker*> free;
    for (Worker& w : workers_) {
      if (w.alive && w.busy < s_.worker_concurrency) free.push_back(&w);
    }
    if (free.empty()) return nullptr;
    switch (s_.placement) {
      case Placement::kPack: return free.front();
      case Placement::kSpread: {
        for (size_t i = 0; i < workers_.size(); ++i) {
          Worker& w = workers_[(next_ + i) % workers_.size()];
          if (w.alive && w.busy < s_.worker_concurrency) {
            next_ = (next_ + i + 1) % workers_.size();
            return &w;
          }
        }
        return nullptr;
      }
      case Placement::kRandom: break;
    }
    return free[random_.Below(free.size())];
  }

  void Dispatch(sched::Millis t) {
    while (!broker_.empty()) {
      Worker* w = Pick();
      if (w == nullptr) return;
      const uint32_t attempt = broker_.front();
      broker_.pop_front();
      ++w->busy;
      ++busy_;
      const sched::Millis start = t + static_cast<sched::Millis>(s_.queued_to_running_s * 1000);
      sink_.Launch(attempt, w->host, start, start);
    }
  }

  const Settings& s_;
  ExecutorSink& sink_;
  Random& random_;
  std::vector<Worker> workers_;
  std::deque<uint32_t> broker_;
  int busy_ = 0;
  size_t next_ = 0;
  sched::Millis low_since_ = -1;
  sched::Millis next_check_ = 0;
  bool ticking_ = false;
};

}  // namespace

std::unique_ptr<ExecutorModel> MakeCeleryExecutor(const Settings& s, ExecutorSink& sink,
                                                  Random& random) {
  return std::make_unique<CeleryExecutor>(s, sink, random);
}

}  // namespace dagport::simulator
