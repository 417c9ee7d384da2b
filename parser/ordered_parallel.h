#pragma once
/// Runs `produce(i)` for i in [0, count) on `jobs` threads and hands each result to
/// `consume(i, result)` in index order, one call at a time, so output is stable whatever the
/// thread count. At most `window` results wait to be consumed, which bounds memory on large
/// folders (results are streamed, not collected).
///
/// The calling thread is one of the `jobs` threads, and there is no consumer thread: whichever
/// thread finishes the result that is next in order consumes it, and the run of results after
/// it that are ready. A thread that sleeps only for results is a context switch per item, which
/// on a virtual machine's two cores cost about a tenth of `dagport inspect -j 2`'s time
/// (docs/performance.md). A `consume` call may therefore run on any of the threads, never two at
/// once; each call happens after the previous one (the calls are ordered by a mutex).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace dagport::parser {

template <typename Produce, typename Consume>
void ForEachOrdered(size_t count, unsigned jobs, Produce produce, Consume consume,
                    size_t window = 256) {
  using Result = decltype(produce(size_t{0}));
  jobs = std::max(1u, jobs);
  if (jobs == 1 || count < 2) {
    for (size_t i = 0; i < count; ++i) consume(i, produce(i));
    return;
  }
  window = std::max<size_t>(window, 1);
  std::mutex mu;
  std::condition_variable room;   // the window moved on, or a failure
  std::map<size_t, Result> done;  // produced, waiting for their turn
  std::exception_ptr failure;
  size_t next_to_consume = 0;
  bool consuming = false;  // a thread is consuming: results that arrive meanwhile are its
  std::atomic<size_t> next_to_produce{0};

  auto fail = [&](std::unique_lock<std::mutex>& lock) {
    if (!lock.owns_lock()) lock.lock();
    if (!failure) failure = std::current_exception();
    room.notify_all();
  };

  auto work = [&] {
    for (;;) {
      const size_t i = next_to_produce.fetch_add(1);
      if (i >= count) return;
      std::unique_lock lock(mu);
      room.wait(lock, [&] { return i < next_to_consume + window || failure; });
      if (failure) return;
      lock.unlock();
      try {
        Result result = produce(i);
        lock.lock();
        if (failure) return;
        done.emplace(i, std::move(result));
      } catch (...) {
        fail(lock);
        return;
      }
      if (consuming) continue;
      // Consume what is ready in order, the lock released around each call.
      consuming = true;
      for (auto it = done.find(next_to_consume); it != done.end() && !failure;
           it = done.find(next_to_consume)) {
        std::optional<Result> next(std::move(it->second));
        done.erase(it);
        const size_t k = next_to_consume++;
        room.notify_all();
        lock.unlock();
        try {
          consume(k, std::move(*next));
          next.reset();
        } catch (...) {
          fail(lock);
          consuming = false;
          return;
        }
        lock.lock();
      }
      consuming = false;
    }
  };

  {
    std::vector<std::jthread> threads;
    for (unsigned t = 1; t < std::min<size_t>(jobs, count); ++t) threads.emplace_back(work);
    work();
  }  // joins
  if (failure) std::rethrow_exception(failure);
}

}  // namespace dagport::parser
