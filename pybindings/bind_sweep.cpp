// bind_sweep.cpp: the grid sweep. The grid is expanded in C++ (study::expand,
// one fixed order), so the local thread pool and a Dask cluster run the same
// points in the same order; each run comes back as a plain dict (resolved
// config + study::flat_metrics rows) that pickles to any worker and back.
// ipistorm.sweep() (ipistorm/_sweep.py) turns those rows into the long
// DataFrame with the CLI sweep's columns. Covered by tests/test_sweep.py and
// tests/test_dask.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>

#include "errors.hpp"
#include "interrupt.hpp"
#include "py_json.hpp"
#include "run/config.hpp"
#include "run/world.hpp"
#include "study/sweep.hpp"

namespace ipistorm::py {

namespace {

using model::Config;
using model::Result;
using study::Grid;

// More points than this is a typo, not a sweep (and would exhaust memory
// before the first run).
constexpr std::uint64_t kMaxGridPoints = 1000000;

Grid grid_from_py(pyb::handle grid) {
  Grid g = study::grid_from_json(to_json(grid, "grid"), Config{});
  study::validate_grid(g);
  const std::uint64_t n = study::grid_size(g);
  if (n > kMaxGridPoints)
    throw InputError("grid has " + std::to_string(n) + " points, more than the " +
                     std::to_string(kMaxGridPoints) + " a sweep accepts");
  return g;
}

// One run as a plain dict: what a Dask worker sends back.
pyb::dict row_dict(const Result& r) {
  pyb::list metrics;
  // Metrics that differ run to run (wall_s) are left out, as sweep_csv does.
  for (const auto& [name, value] : study::flat_metrics(r))
    if (model::metric(name).deterministic) metrics.append(pyb::make_tuple(name, value));
  pyb::dict d;
  d["config"] = from_json(run::to_json(r.config));
  d["metrics"] = metrics;
  d["wall_s"] = r.wall_s;
  return d;
}

// Runs the points in order on `jobs` threads; Ctrl-C cancels (interrupt.hpp).
std::vector<Result> run_points(const std::vector<Config>& points, int jobs) {
  return call_interruptible(
      [&](const std::atomic<bool>* stop) { return study::run_sweep(points, jobs, stop); });
}

int check_jobs(int jobs) {
  if (jobs < 1) throw InputError("jobs must be >= 1, got " + std::to_string(jobs));
  return jobs;
}

}  // namespace

void bind_sweep(pyb::module_& m) {
  // tests/test_sweep.py: test_grid_points_order, test_bad_grid_is_value_error
  m.def(
      "_grid_points",
      [](pyb::object grid) {
        const Grid g = grid_from_py(grid);
        pyb::list points;
        for (const Config& c : study::expand(g)) points.append(from_json(run::to_json(c)));
        pyb::list swept;
        for (const auto& p : g.params) swept.append(p.first);
        pyb::dict d;
        d["points"] = points;
        d["swept"] = swept;
        return d;
      },
      pyb::arg("grid"), "Check a grid and expand it: {'points': [config], 'swept': [param]}.");

  // tests/test_sweep.py: test_grid_size
  m.def(
      "grid_size", [](pyb::object grid) { return study::grid_size(grid_from_py(grid)); },
      pyb::arg("grid"), "How many runs a grid expands to.");

  // tests/test_dask.py (what each worker calls), tests/test_sweep.py: test_run_point
  m.def(
      "_run_point",
      [](pyb::object config) {
        const Config c = config_from_py(config);
        return row_dict(
            call_interruptible([&](const std::atomic<bool>* stop) { return run::run(c, stop); }));
      },
      pyb::arg("config"), "Run one grid point; a plain, picklable dict.");

  // tests/test_sweep.py: test_sweep_matches_csv, test_jobs_do_not_change_result
  m.def(
      "_run_points",
      [](pyb::list configs, int jobs) {
        std::vector<Config> points;
        for (auto c : configs) points.push_back(config_from_py(c));
        const std::vector<Result> results = run_points(points, check_jobs(jobs));
        pyb::list rows;
        for (const Result& r : results) rows.append(row_dict(r));
        return rows;
      },
      pyb::arg("configs"), pyb::arg("jobs"), "Run grid points on a thread pool, in order.");

  // tests/test_sweep.py: test_sweep_matches_csv
  m.def(
      "_sweep_csv",
      [](pyb::object grid, int jobs) {
        const Grid g = grid_from_py(grid);
        const std::vector<Result> results = run_points(study::expand(g), check_jobs(jobs));
        return study::sweep_csv(g, results);
      },
      pyb::arg("grid"), pyb::arg("jobs"),
      "The CLI sweep's CSV text for a grid (study::sweep_csv).");
}

}  // namespace ipistorm::py
