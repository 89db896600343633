// storm.hpp: today's storm as one run: a Linux 6.x kernel (a released
// preset or a proposed fix) on bare metal or in a KVM guest, a pool of
// fadvise workers (model/linux6/workloads/fadvise_pool.hpp), other busy
// CPUs whose page-cache activity fills their batches (the 173 compiler
// actions beside nativelink's workers), and isolated (nohz_full) CPUs each
// running a busy loop, for a stated simulated time. The result: what the
// workload retires, what each fadvise waits, the drain mutex, and per CPU
// class what rtla osnoise would show.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/stats.hpp"
#include "model/linux6/kernels/linux_policy.hpp"
#include "model/params.hpp"

namespace ipistorm::run {

struct StormConfig {
  std::string topology = "pack:2 [numa] core:8 pu:2";
  std::string kernel = "linux-6.1";   // a Linux 6.x preset (linux_policies())
  std::string host = "bare-metal";    // or "kvm"
  int workers = 16;                   // fadvise worker threads, one per CPU
  std::string strategy = "per-blob";  // per-blob | every-n | none | background
  int every = 8;                      // every-n
  double blob_cpu_us = 500;           // mean CPU time per blob
  double folios_per_blob = 16;        // page-cache folios each blob's read adds
  double drain_fraction = 1;          // share of fadvise calls that drain (the blob path mix)
  // How each blob was written and read, which decides whether its fadvise
  // drains on 6.x: written or read on the worker's CPU, no; read by another
  // CPU, mapped or sent with sendfile/splice, yes. "" keeps drain_fraction.
  std::string blob_path;
  int busy_cpus = 0;                     // other busy CPUs with page-cache activity
  double busy_folio_adds_per_s = 20000;  // per busy CPU
  // The rest of the housekeeping CPUs run nothing, but their tasks (asleep
  // between bursts: build actions waiting for their inputs) leave folios
  // in their batches at this rate per CPU (0: their batches stay empty).
  double idle_folio_adds_per_s = 0;
  std::string isolated;                    // nohz_full CPUs (a cpulist; "" none)
  std::string isolated_task = "spin";      // spin | spin-refill | fifo-spin | fifo-spin-refill
  double isolated_folio_adds_per_s = 100;  // *-refill: the isolated task's own folio adds
  double mbind_per_s = 0;                  // an mbind(MPOL_MF_MOVE) caller's calls/s (0: none)
  double khugepaged_scan_ms = 0;           // khugepaged's scan period (0: THP unused, no scans)
  double memfd_seals_per_s = 0;            // a memfd F_SEAL_WRITE caller's calls/s (0: none)
  double duration_s = 1;                   // simulated
  double hung_task_s = 120;  // a drain waiting longer is reported stuck (hung_task_timeout_secs)
  std::uint64_t seed = 1;
  model::ParamValues params;
  model::linux6::LinuxCostValues linux_costs;  // the Linux 6.x model's own rows
};

// The checks every field gets, once; InputError naming the field.
void check_storm_config(const StormConfig& c);
// The share of fadvise calls that drain for a blob path (see blob_path).
double blob_path_drain_fraction(const std::string& path);

struct StormCpuClass {
  std::string name;  // workers | fadvise thread | busy | isolated | idle
  std::vector<int> cpus;
  double drains_per_s = 0;  // lru_add_drain_cpu() runs on them (or for them, QPW)
  std::array<double, model::linux6::kVectors> irqs_per_s{};  // per CPU
  std::array<double, model::linux6::kCauses> by_cause_per_s{};
  double noise_us_per_s = 0;  // per CPU: time taken from their tasks
  double max_single_noise_us = 0;
  double cpu_available_pct = 0;  // 100 - noise
  double busy_pct = 0;           // time not idle
  double folios_left = 0;        // batched folios at the end, per CPU
};

// rtla osnoise top's row for one CPU that ran a busy loop, over the whole
// run as one period, and its noise episodes as cyclictest --json would
// histogram a thread's latencies (us bucket -> count).
struct OsnoiseCpu {
  int cpu = 0;
  std::string cls;
  double runtime_us = 0, noise_us = 0, cpu_available_pct = 0, max_single_noise_us = 0;
  std::uint64_t irq = 0, thread = 0;  // interruptions: IPIs (RES, CAL, IWI), preemptions
  std::vector<std::pair<std::int64_t, std::uint64_t>> histogram_us;
  std::uint64_t episodes = 0;
  double avg_us = 0, min_us = 0;
};

struct StormResult {
  double simulated_s = 0;
  std::uint64_t blobs = 0, fadvise_calls = 0, fadvise_drained = 0, backlog = 0;
  engine::Histogram fadvise_latency_ns;
  model::linux6::DrainStats drain;
  double busy_cpu_pct = 0;  // over every CPU
  std::vector<StormCpuClass> classes;
  std::vector<OsnoiseCpu> osnoise;  // busy and isolated CPUs, by CPU
  bool stuck = false;               // a drain waited past hung_task_s
  double oldest_flush_wait_s = 0;
  int flush_wait_cpu = -1;
  std::uint64_t mbind_calls = 0, khugepaged_scans = 0, memfd_seals = 0;
  engine::Histogram mbind_latency_ns;
  std::uint64_t events = 0;
};

StormResult run_storm(const StormConfig& c);
// The config, the seed, the result and the provenance (tool, git commit, machine).
nlohmann::json storm_json(const StormConfig& c, const StormResult& r);

}  // namespace ipistorm::run
