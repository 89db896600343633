// bind_compare.cpp: the compare study (study/compare.hpp), as `ipistorm
// compare --json` writes it (study::compare_json); ipistorm.compare()
// (ipistorm/_sweep.py) turns it into one row per run. Covered by
// tests/test_compare.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"
#include "interrupt.hpp"
#include "py_json.hpp"
#include "study/compare.hpp"
#include "study/pool.hpp"

namespace ipistorm::py {

void bind_compare(pyb::module_& m) {
  // tests/test_compare.py: test_compare_matches_cli, test_bad_baseline_is_value_error
  m.def(
      "_compare",
      [](pyb::object base, std::vector<std::string> kernels, std::vector<std::string> strategies,
         std::vector<std::uint64_t> seeds, const std::string& baseline, int jobs) {
        if (jobs < 1) throw InputError("jobs must be >= 1, got " + std::to_string(jobs));
        study::CompareSpec spec;
        spec.base = config_from_py(base);
        spec.baseline = study::parse_baseline(baseline);
        spec.kernels = std::move(kernels);
        spec.strategies = std::move(strategies);
        spec.seeds = std::move(seeds);
        const study::CompareResult c = call_interruptible(
            [&](const std::atomic<bool>* stop) { return study::run_compare(spec, jobs, stop); });
        return from_json(study::compare_json(c));
      },
      pyb::arg("base"), pyb::arg("kernels"), pyb::arg("strategies"), pyb::arg("seeds"),
      pyb::arg("baseline"), pyb::arg("jobs"),
      "The compare --json document: every (kernel, strategy) over the seeds against a baseline.");

  // The threads jobs=None means (every core): the CLI's -j 0, computed once
  // (study::resolve_jobs). tests/test_compare.py: test_default_jobs
  m.def(
      "_default_jobs", [] { return study::resolve_jobs(0); },
      "Threads a local run uses when jobs is None: every core.");
}

}  // namespace ipistorm::py
