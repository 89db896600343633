// pool.cpp: the thread pool that runs a sweep's points, and its in-order
// hand-over of finished points.
#include "study/pool.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>

#include "io/limits.hpp"
#include "run/world.hpp"

namespace ipistorm::study {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

void parallel_for_ordered(std::uint64_t n, int jobs, std::size_t window,
                          const std::function<void(std::uint64_t)>& task,
                          const std::function<void(std::uint64_t)>& in_order,
                          const std::atomic<bool>* stop, Progress progress) {
  const bool ordered = static_cast<bool>(in_order);
  window = std::max<std::size_t>(window, 1);
  std::mutex mutex;
  std::condition_variable advanced;  // `emitted` moved on, or the pool is ending
  std::uint64_t next = 0;            // the next index to start
  std::uint64_t emitted = 0;         // [0, emitted) handed to in_order
  std::uint64_t done = 0;
  bool emitting = false;  // a thread is inside the in_order loop
  bool quit = false;      // an error or a cancelled run: start nothing more
  bool cancelled_any = false;
  std::exception_ptr error;
  std::uint64_t error_index = std::numeric_limits<std::uint64_t>::max();
  // Finished but not yet handed over, by index modulo the window (ordered only).
  std::vector<char> finished(ordered ? window : 0, 0);

  auto fail = [&](std::uint64_t i, std::exception_ptr e) {  // under the mutex
    if (i < error_index) {
      error_index = i;
      error = std::move(e);
    }
    quit = true;
    advanced.notify_all();
  };
  auto stopped = [&] { return quit || (stop && stop->load()); };
  auto worker = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      // Start index `next` only within the window past the first not handed over.
      advanced.wait(lock,
                    [&] { return stopped() || next >= n || !ordered || next < emitted + window; });
      if (stopped() || next >= n) break;
      const std::uint64_t i = next++;
      lock.unlock();
      std::exception_ptr e;
      bool cancelled = false;
      try {
        task(i);
      } catch (const Cancelled&) {
        cancelled = true;
      } catch (...) {
        e = std::current_exception();
      }
      lock.lock();
      if (cancelled) {
        quit = cancelled_any = true;
        break;
      }
      if (e) {
        fail(i, e);
        break;
      }
      const std::uint64_t d = ++done;
      if (progress) progress(static_cast<std::size_t>(d), static_cast<std::size_t>(n));
      if (!ordered) continue;
      finished[i % window] = 1;
      // One thread at a time hands over the finished prefix, in index order;
      // the others go back to work.
      if (emitting) continue;
      emitting = true;
      while (!stopped() && emitted < n && finished[emitted % window]) {
        const std::uint64_t k = emitted;
        lock.unlock();
        std::exception_ptr oe;
        try {
          in_order(k);
        } catch (...) {
          oe = std::current_exception();
        }
        lock.lock();
        if (oe) {
          fail(k, oe);
          break;
        }
        finished[k % window] = 0;
        ++emitted;
        advanced.notify_all();
      }
      emitting = false;
      if (quit) break;
    }
    advanced.notify_all();
  };
  const auto threads_n = static_cast<int>(std::max<std::uint64_t>(
      1, std::min<std::uint64_t>(static_cast<std::uint64_t>(std::max(jobs, 1)), n)));
  std::vector<std::thread> threads;
  for (int t = 1; t < threads_n; ++t) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error& e) {
      // `ulimit -u` reached: the threads already started stop after their
      // point, and the run fails with one line (never std::terminate from
      // a joinable thread destroyed by the unwinding).
      std::lock_guard<std::mutex> lock(mutex);
      error = std::make_exception_ptr(thread_start_error(e.code().message()));
      error_index = 0;
      quit = true;
      advanced.notify_all();
      break;
    }
  }
  worker();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  if (cancelled_any || (stop && stop->load() && (ordered ? emitted : done) < n))
    throw SweepInterrupted();
}

void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task,
                  const std::atomic<bool>* stop, Progress progress) {
  parallel_for_ordered(
      n, jobs, 0, [&](std::uint64_t i) { task(static_cast<std::size_t>(i)); }, {}, stop,
      std::move(progress));
}

std::vector<Result> run_sweep(const std::vector<Config>& points, int jobs,
                              const std::atomic<bool>* stop, Progress progress) {
  std::vector<Result> results(points.size());
  parallel_for(
      points.size(), jobs, [&](std::size_t i) { results[i] = run::run(points[i], stop); }, stop,
      std::move(progress));
  return results;
}

int resolve_jobs(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace ipistorm::study
