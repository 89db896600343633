// pool.hpp: runs a sweep's points on a thread pool. Results come back in
// point order whatever the number of threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::study {

using Progress = std::function<void(std::size_t done, std::size_t total)>;
// The pool: task(i) for every i in [0, n) on `jobs` threads, each index once.
// Then, when in_order is given, in_order(i) for every i in index order, one
// call at a time, as soon as task(0..i) have finished: what task(i) leaves
// for in_order(i) (a result, rows) is handed over in order whatever `jobs`
// is. No index more than `window` past the first not yet handed over is
// started, so at most `window` such results exist at once and memory does
// not grow with n; a slot of the caller's is index % window.
// Stops starting new tasks once *stop is true, a task threw or one threw
// Cancelled, and then throws SweepInterrupted; rethrows the first error by
// index (of task or in_order) instead. Without in_order the window is not used.
void parallel_for_ordered(std::uint64_t n, int jobs, std::size_t window,
                          const std::function<void(std::uint64_t)>& task,
                          const std::function<void(std::uint64_t)>& in_order,
                          const std::atomic<bool>* stop = nullptr, Progress progress = {});
// parallel_for_ordered without the hand-over: results written by index do
// not depend on jobs.
void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task,
                  const std::atomic<bool>* stop = nullptr, Progress progress = {});
// Run `points` on `jobs` threads. Stops starting new runs once *stop is true
// and then throws SweepInterrupted. Rethrows the first error of any run.
std::vector<model::Result> run_sweep(const std::vector<model::Config>& points, int jobs,
                                     const std::atomic<bool>* stop = nullptr,
                                     Progress progress = {});

// The threads a jobs value asks for: itself, or every core for 0 or less.
// The one place the default is computed (the CLI's -j 0, Python's jobs=None).
int resolve_jobs(int jobs);

struct SweepInterrupted : std::runtime_error {
  SweepInterrupted() : std::runtime_error("sweep interrupted") {}
};
// Stops starting new runs and cancels those in flight once *stop is true.

}  // namespace ipistorm::study
