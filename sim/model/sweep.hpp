// sweep.hpp: the cartesian product of lists of topologies, kernels,
// strategies, placements, vCPU counts, seeds and any parameter, run on a
// thread pool. Points are expanded in one fixed order and results come back
// in that order whatever the number of threads, so a sweep's output is a
// pure function of its grid.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::model {

struct Grid {
  Config base;  // everything not swept
  std::vector<std::string> topologies, kernels, strategies, placements;
  std::vector<int> dom0_vcpus;  // 0 = all CPUs of the topology
  std::vector<std::uint64_t> seeds;
  std::vector<std::pair<std::string, std::vector<double>>> params;  // swept parameters
};

// Build a grid from JSON: {"topology": [...], "kernel": [...], "strategy": [...],
// "placement": [...], "dom0_vcpus": [...], "seed": [...], "params": {name: [values]},
// "base": {config object}}. A scalar is a one-element list. Unknown keys, empty
// lists and unknown names are InputErrors.
Grid grid_from_json(const nlohmann::json& j, const Config& base);
// Fill empty lists from the base config (one value each).
void complete_grid(Grid& g);
// Check every name in the grid before anything runs (InputError).
void validate_grid(const Grid& g);
std::uint64_t grid_size(const Grid& g);
// Every point, in order: topology, kernel, strategy, placement, vCPUs,
// params (in the order given, first varies slowest), seed (fastest).
std::vector<Config> expand(const Grid& g);

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

// The metrics of one run as (name, value) pairs, in a stable order: the
// tidy long-format rows of sweep and compare output.
std::vector<std::pair<std::string, double>> flat_metrics(const Result& r);
// Long format: run, topology, kernel, strategy, placement, dom0_vcpus, seed,
// one column per swept parameter, metric, value.
// `extra`, when given, holds more (metric, value) rows per run (compare's
// boot_time_x_baseline), written after that run's metrics.
// With `samples` (sweep --uncertainty: the sample index of each run), a
// "sample" column after "run" (and a "sample" key per run in JSON).
std::string sweep_csv(
    const Grid& g, const std::vector<Result>& results,
    const std::vector<std::vector<std::pair<std::string, double>>>* extra = nullptr,
    const std::vector<std::size_t>& samples = {});
nlohmann::json sweep_json(const Grid& g, const std::vector<Result>& results,
                          const std::vector<std::size_t>& samples = {});

}  // namespace ipistorm::model
