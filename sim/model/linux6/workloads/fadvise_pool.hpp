// fadvise_pool.hpp: today's caller (TraceMachina/nativelink issue 2607, July
// 2026): a build-cache server's pool of worker threads, each bound to a CPU,
// looping over blobs. Per blob: CPU time reading it (its folios added to
// the CPU's batch as it reads), then posix_fadvise(POSIX_FADV_DONTNEED):
// generic_fadvise() (mm/fadvise.c) starts writeback, drains the local
// batch (lru_add_drain), invalidates the file's folios and, when one failed
// to invalidate, calls lru_add_drain_all() and tries again.
//
// Whether a folio fails decides everything (docs/background.md's section 8 in the
// project's words, docs/): on 6.1 a file just written has its folios under
// writeback or locked, which the scan skips without counting a failure, so
// it does not drain; a clean folio with an extra reference does (mapped,
// held by a pipe after splice/sendfile, or in another CPU's batch after
// that CPU read it), and for a mapped or spliced folio the drain cannot
// help, so every such call drains. `drain_fraction` is the share of blobs
// whose fadvise drains (the blob path mix).
//
// How the application calls it is the user-side strategy: once per blob,
// once per N blobs, never, or from one background thread to which the
// workers hand their blobs.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/random.hpp"
#include "engine/stats.hpp"
#include "model/linux6/kernels/linux_policy.hpp"

namespace ipistorm::model::linux6 {

enum class FadviseStrategy { kPerBlob, kEveryN, kNone, kBackgroundThread };

struct FadvisePoolConfig {
  std::vector<int> worker_cpus;  // one worker thread per entry
  int background_cpu = -1;       // kBackgroundThread: the fadvise thread's CPU
  double blob_cpu_us = 500;      // mean CPU time per blob (exponential)
  double folios_per_blob = 16;   // page-cache folios a blob's read adds
  double drain_fraction = 1;     // share of blobs whose fadvise drains
  FadviseStrategy strategy = FadviseStrategy::kPerBlob;
  int every = 8;  // kEveryN
};

class FadvisePool {
 public:
  FadvisePool(Kernel& k, LinuxPolicy& policy, const FadvisePoolConfig& cfg, std::uint64_t seed);
  // Start every worker now.
  void start();

  // Since start():
  std::uint64_t blobs() const { return blobs_; }
  std::uint64_t fadvise_calls() const { return calls_; }      // returned
  std::uint64_t fadvise_drained() const { return drained_; }  // of those, called the drain
  const engine::Histogram& fadvise_latency_ns() const { return latency_; }
  std::uint64_t backlog() const { return backlog_; }  // blobs waiting for the background thread

 private:
  struct Worker {
    FadvisePool* pool = nullptr;
    Task* task = nullptr;
    int blobs_since_fadvise = 0;
    SimTime called_at = 0;
    bool background = false;
    void read_blob(std::int64_t);
    void blob_read(std::int64_t);
    void fadvise(std::int64_t);
    void local_drained(std::int64_t);
    void fadvise_returned(std::int64_t);
    void next(std::int64_t);
  };
  bool drains();

  Kernel& k_;
  LinuxPolicy& policy_;
  FadvisePoolConfig cfg_;
  engine::RandomStream rng_;
  std::vector<Worker> workers_;
  Worker background_;
  std::uint64_t blobs_ = 0, calls_ = 0, drained_ = 0, backlog_ = 0;
  engine::Histogram latency_;
};

}  // namespace ipistorm::model::linux6
