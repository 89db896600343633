// study_runner.cpp: how the CLI runs a study: Ctrl-C and friends stop it
// with nothing written, and a progress bar shows on a terminal.
#include "cli/study_runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "cli/common.hpp"

namespace ipistorm::cli {

namespace {

std::atomic<bool> g_interrupted{false};

void on_sigint(int) { g_interrupted.store(true); }

// Ctrl-C sets the flag; runs in flight notice it within a few thousand
// events and the sweep returns without writing anything. SIGTERM, SIGHUP
// (the terminal went away), SIGXCPU (ulimit -t) and SIGPIPE do the same.
struct SigintGuard {
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGXCPU, SIGPIPE};
  struct sigaction old[std::size(kSignals)] = {};
  SigintGuard() {
    g_interrupted = false;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &old[i]);
  }
  ~SigintGuard() {
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old[i], nullptr);
  }
};

// A progress bar with ETA on stderr when it is a terminal, nothing otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total, const char* unit = "runs")
      : enabled_(isatty(STDERR_FILENO) == 1 && total > 1),
        unit_(unit),
        start_(std::chrono::steady_clock::now()) {}
  void operator()(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    const double el =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta =
        done ? el / static_cast<double>(done) * static_cast<double>(total - done) : 0;
    const int width = 30;
    const int fill = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu %s  %.1f %s/s  ETA %dm%02ds ",
                 std::string(static_cast<std::size_t>(fill), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - fill), '.').c_str(), done, total,
                 unit_, runs_per_s(done, el), unit_, static_cast<int>(eta) / 60,
                 static_cast<int>(eta) % 60);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  const char* unit_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

void run_study(std::size_t total,
               const std::function<void(const std::atomic<bool>*, study::Progress)>& body,
               const char* unit) {
  SigintGuard guard;
  ProgressBar bar(total, unit);
  try {
    body(&g_interrupted, [&](std::size_t d, std::size_t t) { bar(d, t); });
  } catch (const study::SweepInterrupted&) {
    std::cerr << "\nipistorm: interrupted: nothing written\n";
    throw;
  }
}

double runs_per_s(std::uint64_t runs, double wall_s) {
  return wall_s > 0 ? static_cast<double>(runs) / wall_s : 0.0;
}

std::vector<model::Result> run_grid(const std::vector<model::Config>& points, int jobs) {
  std::vector<model::Result> out;
  run_study(points.size(), [&](const std::atomic<bool>* stop, study::Progress progress) {
    out = study::run_sweep(points, resolve_jobs(jobs), stop, std::move(progress));
  });
  return out;
}

}  // namespace ipistorm::cli
