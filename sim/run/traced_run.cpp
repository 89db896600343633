// traced_run.cpp: pick the window, run with a TraceRecorder, check the window.
#include "run/traced_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "errors.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "run/trace_writer.hpp"
#include "run/world.hpp"

namespace ipistorm::run {

namespace {

std::string secs(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

// Start of the densest full metrics window (the last, partial one only if
// it is the only one): most IPIs, or the busiest dom0 when there are none.
double densest_window_start(const model::Result& r) {
  const auto& ipis = r.series.resched_ipis_per_s;
  const auto& util = r.series.dom0_util_pct;
  const double w = r.config.window_s;
  const double boot = model::metric_value("boot_time_s", r);
  std::size_t n = ipis.size();
  if (n > 1 && static_cast<double>(n) * w > boot) --n;  // drop the partial last window
  std::size_t best = 0;
  bool any_ipi = false;
  for (std::size_t i = 0; i < n; ++i) any_ipi = any_ipi || ipis[i] > 0;
  const auto& key = any_ipi ? ipis : util;
  for (std::size_t i = 1; i < n; ++i)
    if (key[i] > key[best]) best = i;
  return static_cast<double>(best) * w;
}

}  // namespace

void check_trace_request(const TraceRequest& req) {
  if (req.from_s && !(std::isfinite(*req.from_s) && *req.from_s >= 0))
    throw InputError("--trace-from must be a time >= 0 s inside the run, got " + secs(*req.from_s));
  // The longest window a run counts in (model::kMaxWindowS): the densest
  // window is found at the trace's length, and no run is longer.
  if (req.for_s &&
      !(std::isfinite(*req.for_s) && *req.for_s > 0 && *req.for_s <= model::kMaxWindowS))
    throw InputError("--trace-for must be a length in (0, " + secs(model::kMaxWindowS) + "], got " +
                     secs(*req.for_s));
  if (!(std::isfinite(req.max_mb) && req.max_mb >= 1 && req.max_mb <= 4096))
    throw InputError("--trace-max-mb must be within 1..4096, got " + std::to_string(req.max_mb));
}

TracedRun run_traced(const model::Config& config, const TraceRequest& req,
                     const std::atomic<bool>* cancel) {
  check_trace_request(req);
  TracedRun out;
  out.for_s = req.for_s.value_or(kDefaultTraceFor_s);
  if (req.from_s) {
    out.from_s = *req.from_s;
  } else {
    // The first run counts per window as long as the trace's: the densest
    // of those lies inside the densest second. The window width changes
    // only how the metrics are binned, never the run.
    model::Config probe = config;
    probe.window_s = std::max(out.for_s, model::kMinWindowS);  // a window_s the model takes
    const model::Result first = run::run(probe, cancel);
    const double boot = model::metric_value("boot_time_s", first);
    if (out.for_s > boot)
      throw InputError("--trace-for " + secs(out.for_s) + " is longer than the run (" + secs(boot) +
                       ")");
    out.from_s = std::max(0.0, std::min(densest_window_start(first), boot - out.for_s));
  }
  const auto from = static_cast<SimTime>(std::llround(out.from_s * 1e9));
  const auto to = from + std::max<SimTime>(1, static_cast<SimTime>(std::llround(out.for_s * 1e9)));
  TraceRecorder rec(from, to, static_cast<std::size_t>(req.max_mb * 1024 * 1024));
  out.result = run::run(config, cancel, &rec);
  const double boot = model::metric_value("boot_time_s", out.result);
  if (static_cast<double>(to) > static_cast<double>(out.result.metrics.boot_time_ns))
    throw InputError("the trace window " + secs(out.from_s) + " + " + secs(out.for_s) +
                     " ends after the run (the guest booted at " + secs(boot) + ")");
  nlohmann::json meta = {
      {"generator", "ipistorm simulate --trace"},
      {"config", run::to_json(out.result.config)},
      {"seed", out.result.config.seed},
      {"provenance", run::provenance_json()},
      {"window_s", {{"from", out.from_s}, {"for", out.for_s}}},
      {"boot_time_s", boot},
      {"ipi_flows", rec.ipi_flows()},
      {"note",
       "slices are clipped to the window; a flow that starts in it keeps its end. "
       "Open in ui.perfetto.dev or chrome://tracing."},
  };
  out.json = rec.json(meta);
  out.ipi_flows = rec.ipi_flows();
  out.clipped_overlaps = rec.clipped_overlaps();
  return out;
}

}  // namespace ipistorm::run
