// traced_run.hpp: one run with a Trace Event Format timeline of a window of
// it (simulate --trace, ipistorm.simulate(trace=...)). Without --trace-from
// the window is the densest stretch of its length (most reschedule IPIs, or
// the busiest dom0 when there are none), so it lies inside the densest
// second, found by a first run of the same config: same config + seed = the
// same run, so the second run, traced, is the first one again.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "model/scenario.hpp"

namespace ipistorm::run {

struct TraceRequest {
  std::optional<double> from_s;  // window start, s of simulated time
  std::optional<double> for_s;   // window length, s (default kDefaultTraceFor_s)
  double max_mb = 256;           // cap on the file
};

constexpr double kDefaultTraceFor_s = 0.005;

struct TracedRun {
  model::Result result;
  std::string json;  // the trace file's content
  double from_s = 0, for_s = 0;
  std::uint64_t ipi_flows = 0;  // IPI flows that start in the window
  std::uint64_t clipped_overlaps = 0;
};

// The checks that need no run (InputError, naming the flag).
void check_trace_request(const TraceRequest& req);
// Throws InputError when the window lies outside the run, or the trace would
// pass the cap (nothing is returned then).
TracedRun run_traced(const model::Config& config, const TraceRequest& req,
                     const std::atomic<bool>* cancel = nullptr);

}  // namespace ipistorm::run
