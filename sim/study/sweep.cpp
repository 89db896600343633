// sweep.cpp: a grid streamed through the pool.
#include "study/sweep.hpp"

#include <optional>
#include <vector>

#include "run/world.hpp"

namespace ipistorm::study {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

void stream_sweep(const Grid& g, int jobs,
                  const std::function<void(std::uint64_t i, const Result& r)>& row,
                  const std::atomic<bool>* stop, Progress progress) {
  const std::size_t window = kSweepWindowPerJob * static_cast<std::size_t>(jobs < 1 ? 1 : jobs);
  std::vector<std::optional<Result>> slots(window);  // index % window
  parallel_for_ordered(
      grid_size(g), jobs, window,
      [&](std::uint64_t i) { slots[i % window] = run::run(grid_point(g, i), stop); },
      [&](std::uint64_t i) {
        std::optional<Result>& r = slots[i % window];
        row(i, *r);
        r.reset();
      },
      stop, std::move(progress));
}

}  // namespace ipistorm::study
