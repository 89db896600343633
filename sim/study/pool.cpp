// pool.cpp: the thread pool that runs a sweep's points.
#include "study/pool.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "run/world.hpp"

namespace ipistorm::model {

void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task,
                  const std::atomic<bool>* stop, Progress progress) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  auto worker = [&] {
    for (;;) {
      if ((stop && stop->load()) || failed.load()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        task(i);
      } catch (const Cancelled&) {
        return;
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
      const std::size_t d = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(d, n);
      }
    }
  };
  const int threads_n = std::max(1, std::min<int>(jobs, static_cast<int>(n)));
  std::vector<std::thread> threads;
  for (int t = 1; t < threads_n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  if (stop && stop->load() && done.load() < n) throw SweepInterrupted();
}

std::vector<Result> run_sweep(const std::vector<Config>& points, int jobs,
                              const std::atomic<bool>* stop, Progress progress) {
  std::vector<Result> results(points.size());
  parallel_for(
      points.size(), jobs, [&](std::size_t i) { results[i] = run(points[i], stop); }, stop,
      std::move(progress));
  return results;
}

}  // namespace ipistorm::model
