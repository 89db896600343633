// sweep.hpp: a sweep is a grid (grid.hpp) run on the pool (pool.hpp) and
// written as rows (sweep_output.hpp). stream_sweep runs a grid without
// holding it: each point is made from its index when it starts, and each
// result is handed on, in grid order, and dropped.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "model/scenario.hpp"
#include "study/grid.hpp"
#include "study/pool.hpp"
#include "study/sweep_output.hpp"

namespace ipistorm::study {

// Results held at once per thread: the reorder window of a streamed sweep
// (a run that takes long holds the others back by at most this many).
constexpr std::size_t kSweepWindowPerJob = 4;

// Every point of `g` (grid_point order) on `jobs` threads; row(i, result) for
// each in index order, one call at a time, whatever `jobs` is. At most
// kSweepWindowPerJob * jobs results exist at once: memory does not grow with
// grid_size(g). Stops and errors as parallel_for_ordered.
void stream_sweep(const Grid& g, int jobs,
                  const std::function<void(std::uint64_t i, const model::Result& r)>& row,
                  const std::atomic<bool>* stop = nullptr, Progress progress = {});

}  // namespace ipistorm::study
