#pragma once
/// Runs `produce(i)` for i in [0, count) on `jobs` threads and hands each result to
/// `consume(i, result)` on the calling thread in index order, so output is stable whatever the
/// thread count. At most `window` results wait to be consumed, which bounds memory on large
/// folders (results are streamed, not collected).

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
  std::mutex mu;
  std::condition_variable ready;  // a result arrived, or room in the window opened
  std::map<size_t, Result> done;
  std::exception_ptr failure;
  size_t next_to_consume = 0;
  std::atomic<size_t> next_to_produce{0};

  auto worker = [&] {
    for (;;) {
      const size_t i = next_to_produce.fetch_add(1);
      if (i >= count) return;
      {
        std::unique_lock lock(mu);
        ready.wait(lock, [&] { return i < next_to_consume + window || failure; });
        if (failure) return;
      }
      std::optional<Result> result;
      try {
        result.emplace(produce(i));
      } catch (...) {
        std::lock_guard lock(mu);
        if (!failure) failure = std::current_exception();
        ready.notify_all();
        return;
      }
      std::lock_guard lock(mu);
      done.emplace(i, std::move(*result));
      ready.notify_all();
    }
  };

  std::vector<std::jthread> threads;
  for (unsigned t = 0; t < std::min<size_t>(jobs, count); ++t) threads.emplace_back(worker);
  while (next_to_consume < count) {
    std::unique_lock lock(mu);
    ready.wait(lock, [&] { return done.contains(next_to_consume) || failure; });
    if (failure) break;
    Result r = std::move(done.at(next_to_consume));
    done.erase(next_to_consume);
    const size_t i = next_to_consume++;
    ready.notify_all();
    lock.unlock();
    try {
      consume(i, std::move(r));
    } catch (...) {
      std::lock_guard relock(mu);
      failure = std::current_exception();
      break;
    }
  }
  if (failure) {
    {
      std::lock_guard lock(mu);
      ready.notify_all();
    }
    threads.clear();  // joins
    std::rethrow_exception(failure);
  }
}

}  // namespace dagport::parser
