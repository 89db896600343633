// pool.hpp: runs a sweep's points on a thread pool. Results come back in
// point order whatever the number of threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::model {

using Progress = std::function<void(std::size_t done, std::size_t total)>;
// The pool: task(i) for every i in [0, n) on `jobs` threads, each index once.
// Stops starting new tasks once *stop is true (or a task threw) and then
// throws SweepInterrupted; rethrows the first error by index. A task that
// throws Cancelled just ends. Results written by index do not depend on jobs.
void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task,
                  const std::atomic<bool>* stop = nullptr, Progress progress = {});
// Run `points` on `jobs` threads. Stops starting new runs once *stop is true
// and then throws SweepInterrupted. Rethrows the first error of any run.
std::vector<Result> run_sweep(const std::vector<Config>& points, int jobs,
                              const std::atomic<bool>* stop = nullptr, Progress progress = {});

struct SweepInterrupted : std::runtime_error {
  SweepInterrupted() : std::runtime_error("sweep interrupted") {}
};
// Stops starting new runs and cancels those in flight once *stop is true.

}  // namespace ipistorm::model
