// study_runner.hpp: how the CLI runs a study (compare, sweep, the
// uncertainty commands): Ctrl-C, SIGTERM, SIGHUP, SIGXCPU and SIGPIPE stop
// it with nothing written (study::SweepInterrupted), and a progress bar with
// ETA shows on stderr when it is a terminal.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "model/scenario.hpp"
#include "study/pool.hpp"

namespace ipistorm::cli {

// A study of `total` progress steps with Ctrl-C handling and a progress bar
// (stderr, when a terminal): body(stop flag, progress callback). `unit` names
// the steps on the bar ("runs", "samples"), as the command's summary counts them.
void run_study(std::size_t total,
               const std::function<void(const std::atomic<bool>*, study::Progress)>& body,
               const char* unit = "runs");
// `points` on `jobs` threads (0: every core) under run_study, in order.
std::vector<model::Result> run_grid(const std::vector<model::Config>& points, int jobs);
// Runs per second of wall time: the progress bar's and the summary line's rate.
double runs_per_s(std::uint64_t runs, double wall_s);

}  // namespace ipistorm::cli
