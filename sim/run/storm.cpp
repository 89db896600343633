// storm.cpp: one run of today's storm (storm.hpp).
#include "run/storm.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "engine/simulator.hpp"
#include "errors.hpp"
#include "io/cpu_list.hpp"
#include "io/number.hpp"
#include "model/linux6/kernel.hpp"
#include "model/linux6/workloads/fadvise_pool.hpp"
#include "model/linux6/workloads/periodic_caller.hpp"
#include "run/report.hpp"
#include "topology/topology.hpp"

namespace ipistorm::run {

namespace lx = model::linux6;
using engine::Action;
using engine::SimTime;
using nlohmann::json;

namespace {

constexpr double kMaxDurationS = 1e6;

std::vector<int> isolated_cpus(const std::string& text, int num_cpus) {
  const auto cpus = io::parse_cpu_list(text, num_cpus);
  if (!cpus)
    throw InputError("--isolated '" + text + "' is not a list of CPUs 0.." +
                     std::to_string(num_cpus - 1) + " (e.g. 4-7,12)");
  return *cpus;
}

lx::FadviseStrategy strategy_of(const std::string& s) {
  if (s == "per-blob") return lx::FadviseStrategy::kPerBlob;
  if (s == "every-n") return lx::FadviseStrategy::kEveryN;
  if (s == "none") return lx::FadviseStrategy::kNone;
  if (s == "background") return lx::FadviseStrategy::kBackgroundThread;
  throw InputError("--strategy '" + s + "' is not one of per-blob, every-n, none, background");
}

void check_rate(double v, const char* flag, double max) {
  if (!std::isfinite(v) || v < 0 || v > max)
    throw InputError(std::string(flag) + " " + io::format_number(v) + " is outside 0.." +
                     io::format_number(max));
}

// The end of the run: stops the clock there.
struct End {
  engine::Simulator* sim;
  void at(std::int64_t) { sim->stop(); }
};

}  // namespace

double blob_path_drain_fraction(const std::string& path) {
  // mm/fadvise.c generic_fadvise (6.1): folios under writeback or locked are
  // skipped without a failure (written); the local lru_add_drain() frees the
  // worker's own batch (read here); a folio in another CPU's batch, mapped,
  // or held by a pipe fails to invalidate and calls lru_add_drain_all().
  if (path == "written" || path == "read") return 0;
  if (path == "read-elsewhere" || path == "mmap" || path == "sendfile") return 1;
  throw InputError("--blob-path '" + path +
                   "' is not one of written, read, read-elsewhere, mmap, sendfile");
}

void check_storm_config(const StormConfig& c) {
  if (!c.blob_path.empty()) blob_path_drain_fraction(c.blob_path);
  lx::find_linux_policy(c.kernel);
  for (const auto& [name, v] : c.linux_costs) lx::check_linux_cost(name, v);
  if (c.host != "bare-metal" && c.host != "kvm")
    throw InputError("--host '" + c.host + "' is not one of bare-metal, kvm");
  strategy_of(c.strategy);
  if (c.workers < 1 || c.workers > topo::kMaxCpus)
    throw InputError("--workers " + std::to_string(c.workers) + " is outside 1.." +
                     std::to_string(topo::kMaxCpus));
  if (c.every < 1 || c.every > 1000000)
    throw InputError("--every " + std::to_string(c.every) + " is outside 1..1000000");
  if (c.busy_cpus < 0 || c.busy_cpus > topo::kMaxCpus)
    throw InputError("--busy-cpus " + std::to_string(c.busy_cpus) + " is outside 0.." +
                     std::to_string(topo::kMaxCpus));
  if (!std::isfinite(c.blob_cpu_us) || c.blob_cpu_us < 0.001 || c.blob_cpu_us > 1e7)
    throw InputError("--blob-cpu-us " + io::format_number(c.blob_cpu_us) +
                     " is outside 0.001..1e7");
  check_rate(c.folios_per_blob, "--folios-per-blob", 1e6);
  if (!std::isfinite(c.drain_fraction) || c.drain_fraction < 0 || c.drain_fraction > 1)
    throw InputError("--drain-fraction " + io::format_number(c.drain_fraction) +
                     " is outside 0..1");
  check_rate(c.busy_folio_adds_per_s, "--busy-folio-adds-per-s", 1e9);
  check_rate(c.isolated_folio_adds_per_s, "--isolated-folio-adds-per-s", 1e9);
  check_rate(c.idle_folio_adds_per_s, "--idle-folio-adds-per-s", 1e9);
  if (c.isolated_task != "spin" && c.isolated_task != "spin-refill" &&
      c.isolated_task != "fifo-spin" && c.isolated_task != "fifo-spin-refill")
    throw InputError("--isolated-task '" + c.isolated_task +
                     "' is not one of spin, spin-refill, fifo-spin, fifo-spin-refill");
  check_rate(c.mbind_per_s, "--mbind-per-s", 1e6);
  check_rate(c.memfd_seals_per_s, "--memfd-seals-per-s", 1e6);
  if (!std::isfinite(c.khugepaged_scan_ms) || c.khugepaged_scan_ms < 0 ||
      (c.khugepaged_scan_ms > 0 && c.khugepaged_scan_ms < 0.001) || c.khugepaged_scan_ms > 1e9)
    throw InputError("--khugepaged-scan-ms " + io::format_number(c.khugepaged_scan_ms) +
                     " is outside 0 (off) or 0.001..1e9");
  if (!std::isfinite(c.duration_s) || c.duration_s <= 0 || c.duration_s > kMaxDurationS)
    throw InputError("--duration " + io::format_number(c.duration_s) + " s is outside (0, " +
                     io::format_number(kMaxDurationS) + "]");
  if (!std::isfinite(c.hung_task_s) || c.hung_task_s <= 0 || c.hung_task_s > kMaxDurationS)
    throw InputError("--hung-task-s " + io::format_number(c.hung_task_s) + " is outside (0, " +
                     io::format_number(kMaxDurationS) + "]");
}

StormResult run_storm(const StormConfig& c) {
  check_storm_config(c);
  const topo::Topology topology = topo::Topology::load(c.topology);
  const int n = topology.num_cpus();
  const std::vector<int> isolated = isolated_cpus(c.isolated, n);
  std::vector<bool> nohz_full(static_cast<std::size_t>(n));
  for (int cpu : isolated) nohz_full[static_cast<std::size_t>(cpu)] = true;
  std::vector<int> housekeeping;
  for (int cpu = 0; cpu < n; ++cpu)
    if (!nohz_full[static_cast<std::size_t>(cpu)]) housekeeping.push_back(cpu);
  const bool background = c.strategy == "background";
  const int callers = (c.mbind_per_s > 0 ? 1 : 0) + (c.khugepaged_scan_ms > 0 ? 1 : 0) +
                      (c.memfd_seals_per_s > 0 ? 1 : 0);
  const int needed = c.workers + (background ? 1 : 0) + c.busy_cpus + callers;
  if (needed > static_cast<int>(housekeeping.size()))
    throw InputError(
        std::to_string(c.workers) + " workers" + (background ? " + 1 fadvise thread" : "") + " + " +
        std::to_string(c.busy_cpus) + " busy CPUs need " + std::to_string(needed) +
        " housekeeping CPUs; " + topology.spec() + " has " + std::to_string(housekeeping.size()) +
        " (" + std::to_string(n) + " CPUs, " + std::to_string(isolated.size()) + " isolated)");

  const lx::LinuxCosts costs(c.params, c.host == "kvm", c.linux_costs);
  engine::Simulator sim;
  lx::Kernel k(sim, costs, topology, nohz_full, c.seed);
  const std::unique_ptr<lx::LinuxPolicy> policy = lx::find_linux_policy(c.kernel).make(k);

  lx::FadvisePoolConfig pc;
  pc.worker_cpus.assign(housekeeping.begin(), housekeeping.begin() + c.workers);
  if (background) pc.background_cpu = housekeeping[static_cast<std::size_t>(c.workers)];
  pc.blob_cpu_us = c.blob_cpu_us;
  pc.folios_per_blob = c.folios_per_blob;
  pc.drain_fraction =
      c.blob_path.empty() ? c.drain_fraction : blob_path_drain_fraction(c.blob_path);
  pc.strategy = strategy_of(c.strategy);
  pc.every = c.every;
  lx::FadvisePool pool(k, *policy, pc, c.seed);

  std::vector<int> busy(housekeeping.begin() + c.workers + (background ? 1 : 0),
                        housekeeping.begin() + needed - callers);
  std::vector<int> caller_cpus(housekeeping.begin() + needed - callers,
                               housekeeping.begin() + needed);
  std::unique_ptr<lx::PeriodicCaller> mbind, khugepaged, memfd;
  std::size_t next_caller = 0;
  if (c.mbind_per_s > 0)
    mbind = std::make_unique<lx::PeriodicCaller>(k, *policy, lx::PeriodicCaller::Kind::kMbind,
                                                 caller_cpus[next_caller++], c.mbind_per_s, c.seed);
  if (c.khugepaged_scan_ms > 0)
    khugepaged = std::make_unique<lx::PeriodicCaller>(
        k, *policy, lx::PeriodicCaller::Kind::kKhugepaged, caller_cpus[next_caller++],
        1e3 / c.khugepaged_scan_ms, c.seed);
  if (c.memfd_seals_per_s > 0)
    memfd = std::make_unique<lx::PeriodicCaller>(k, *policy, lx::PeriodicCaller::Kind::kMemfdSeal,
                                                 caller_cpus[next_caller++], c.memfd_seals_per_s,
                                                 c.seed);
  for (int cpu : busy) {  // a compiler-like task: user space, filling its batch
    lx::Task& t = k.sched.create_task("busy/" + std::to_string(cpu), cpu, false);
    t.user_loop = true;
    k.sched.start(t);
    k.lru.set_add_rate(cpu, c.busy_folio_adds_per_s / 1e9);
  }
  // The other housekeeping CPUs: asleep, their batches filled in bursts.
  if (c.idle_folio_adds_per_s > 0)
    for (auto it = housekeeping.begin() + needed; it != housekeeping.end(); ++it)
      k.lru.set_add_rate(*it, c.idle_folio_adds_per_s / 1e9);
  const bool fifo = c.isolated_task.rfind("fifo", 0) == 0;
  const bool refill = c.isolated_task.find("refill") != std::string::npos;
  for (int cpu : isolated) {
    lx::Task& t = k.sched.create_task("isolated/" + std::to_string(cpu), cpu, false);
    t.user_loop = true;
    t.fifo = fifo;
    k.sched.start(t);
    if (refill) k.lru.set_add_rate(cpu, c.isolated_folio_adds_per_s / 1e9);
  }
  pool.start();
  if (mbind) mbind->start();
  if (khugepaged) khugepaged->start();
  if (memfd) memfd->start();
  const SimTime end = static_cast<SimTime>(c.duration_s * 1e9);
  End stop{&sim};
  sim.at(end, Action::bind<&End::at>(&stop));
  StormResult r;
  r.events = sim.run();
  r.simulated_s = static_cast<double>(sim.now()) / 1e9;
  const double T = r.simulated_s;

  r.blobs = pool.blobs();
  r.fadvise_calls = pool.fadvise_calls();
  r.fadvise_drained = pool.fadvise_drained();
  r.backlog = pool.backlog();
  r.fadvise_latency_ns = pool.fadvise_latency_ns();
  r.drain = policy->stats();
  if (mbind) {
    r.mbind_calls = mbind->calls();
    r.mbind_latency_ns = mbind->latency_ns();
  }
  if (khugepaged) r.khugepaged_scans = khugepaged->calls();
  if (memfd) r.memfd_seals = memfd->calls();
  if (r.drain.flush_wait_since >= 0) {
    r.oldest_flush_wait_s = static_cast<double>(sim.now() - r.drain.flush_wait_since) / 1e9;
    r.flush_wait_cpu = r.drain.flush_wait_cpu;
    r.stuck = r.oldest_flush_wait_s > c.hung_task_s;
  }

  // Per CPU class.
  std::vector<std::pair<std::string, std::vector<int>>> classes = {{"workers", pc.worker_cpus}};
  if (background) classes.push_back({"fadvise thread", {pc.background_cpu}});
  if (!busy.empty()) classes.push_back({"busy", busy});
  if (!caller_cpus.empty()) classes.push_back({"other callers", caller_cpus});
  if (!isolated.empty()) classes.push_back({"isolated", isolated});
  std::vector<int> idle(housekeeping.begin() + needed, housekeeping.end());
  if (!idle.empty()) classes.push_back({"idle", idle});
  double busy_all = 0;
  for (int cpu = 0; cpu < n; ++cpu) busy_all += static_cast<double>(k.sched.cpu_busy_ns(cpu));
  r.busy_cpu_pct = 100 * busy_all / (static_cast<double>(n) * static_cast<double>(sim.now()));
  // Drains of each CPU: by its kworker, or for it by a caller (QPW).
  for (const auto& [name, cpus] : classes) {
    StormCpuClass cl;
    cl.name = name;
    cl.cpus = cpus;
    const double per = 1.0 / (static_cast<double>(cpus.size()) * T);
    for (int cpu : cpus) {
      const lx::Cpu& x = k.sched.cpu(cpu);
      cl.drains_per_s += static_cast<double>(k.wq.queued(cpu)) * per;
      for (int v = 0; v < lx::kVectors; ++v)
        cl.irqs_per_s[static_cast<std::size_t>(v)] +=
            static_cast<double>(x.irqs[static_cast<std::size_t>(v)]) * per;
      SimTime noise = 0;
      for (int q = 0; q < lx::kCauses; ++q) {
        cl.by_cause_per_s[static_cast<std::size_t>(q)] +=
            static_cast<double>(x.irqs_by_cause[static_cast<std::size_t>(q)]) * per;
        noise += x.noise_ns[static_cast<std::size_t>(q)];
      }
      cl.noise_us_per_s += static_cast<double>(noise) / 1e3 * per;
      cl.max_single_noise_us =
          std::max(cl.max_single_noise_us, static_cast<double>(x.max_single_noise) / 1e3);
      cl.busy_pct += 100 * static_cast<double>(k.sched.cpu_busy_ns(cpu)) / 1e9 * per;
      cl.folios_left +=
          static_cast<double>(k.lru.batch_folios(cpu)) / static_cast<double>(cpus.size());
    }
    cl.cpu_available_pct = std::max(0.0, 100 - cl.noise_us_per_s / 1e4);
    r.classes.push_back(cl);
    if (name != "busy" && name != "isolated") continue;
    for (int cpu : cpus) {  // the per-CPU osnoise rows
      const lx::Cpu& x = k.sched.cpu(cpu);
      OsnoiseCpu o;
      o.cpu = cpu;
      o.cls = name;
      o.runtime_us = T * 1e6;
      SimTime noise = 0;
      for (SimTime v : x.noise_ns) noise += v;
      o.noise_us = static_cast<double>(noise) / 1e3;
      o.cpu_available_pct = std::max(0.0, 100 * (1 - o.noise_us / o.runtime_us));
      o.max_single_noise_us = static_cast<double>(x.max_single_noise) / 1e3;
      for (std::uint64_t v : x.irqs) o.irq += v;
      o.thread = x.thread_noise;
      const engine::Histogram& h = x.noise_episodes;
      o.episodes = h.count();
      o.avg_us = h.mean() / 1e3;
      o.min_us = static_cast<double>(h.min()) / 1e3;
      std::map<std::int64_t, std::uint64_t> by_us;
      for (std::size_t b = 0; b < h.buckets().size(); ++b)
        if (h.buckets()[b] > 0)
          by_us[static_cast<std::int64_t>(engine::Histogram::bucket_lo(b) / 1e3)] += h.buckets()[b];
      o.histogram_us.assign(by_us.begin(), by_us.end());
      r.osnoise.push_back(o);
    }
  }
  return r;
}

json storm_json(const StormConfig& c, const StormResult& r) {
  auto dist = [](const engine::Histogram& h) {
    json cdf = json::array();  // [fraction of calls, us at or below which they returned]
    if (h.count() > 0)
      for (double q : {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999})
        cdf.push_back({q, h.quantile(q) / 1e3});
    return json{{"count", h.count()},
                {"cdf", cdf},
                {"mean", h.mean() / 1e3},
                {"p50", h.quantile(0.5) / 1e3},
                {"p99", h.quantile(0.99) / 1e3},
                {"p99_9", h.quantile(0.999) / 1e3},
                {"max", static_cast<double>(h.max()) / 1e3}};
  };
  json classes = json::array();
  for (const StormCpuClass& cl : r.classes) {
    json irqs = json::object(), causes = json::object();
    for (int v = 0; v < lx::kVectors; ++v)
      irqs[lx::kVectorNames[v]] = cl.irqs_per_s[static_cast<std::size_t>(v)];
    for (int q = 0; q < lx::kCauses; ++q)
      causes[lx::kCauseNames[q]] = cl.by_cause_per_s[static_cast<std::size_t>(q)];
    classes.push_back({{"class", cl.name},
                       {"cpus", cl.cpus},
                       {"drains_per_s", cl.drains_per_s},
                       {"interrupts_per_s", irqs},
                       {"interrupts_per_s_by_cause", causes},
                       // rtla osnoise top's columns, per CPU of the class
                       {"osnoise",
                        {{"NOISE_us_per_s", cl.noise_us_per_s},
                         {"MAX_SINGLE_NOISE_us", cl.max_single_noise_us},
                         {"CPU_AVAILABLE_pct", cl.cpu_available_pct}}},
                       {"busy_pct", cl.busy_pct},
                       {"folios_left_per_cpu", cl.folios_left}});
  }
  // rtla osnoise top's columns, one row per CPU that ran a busy loop (the
  // whole run is one period), and cyclictest --json's "thread" object: per
  // loop, its noise episodes as a histogram of whole microseconds.
  json osnoise = {{"period_us", r.simulated_s * 1e6},
                  {"columns",
                   {"CPU", "RUNTIME_IN_US", "NOISE_IN_US", "%_OF_CPU_AVAILABLE",
                    "MAX_SINGLE_NOISE_IN_US", "HW", "NMI", "IRQ", "SIRQ", "THREAD"}},
                  {"cpus", json::array()}};
  json cyclictest = {{"num_threads", r.osnoise.size()},
                     {"resolution_in_ns", 1000},
                     {"what", "each busy loop's noise episodes (us), not timer latencies"},
                     {"thread", json::object()}};
  for (std::size_t i = 0; i < r.osnoise.size(); ++i) {
    const OsnoiseCpu& o = r.osnoise[i];
    osnoise["cpus"].push_back({{"CPU", o.cpu},
                               {"class", o.cls},
                               {"RUNTIME_IN_US", o.runtime_us},
                               {"NOISE_IN_US", o.noise_us},
                               {"%_OF_CPU_AVAILABLE", o.cpu_available_pct},
                               {"MAX_SINGLE_NOISE_IN_US", o.max_single_noise_us},
                               {"HW", 0},
                               {"NMI", 0},
                               {"IRQ", o.irq},
                               {"SIRQ", 0},
                               {"THREAD", o.thread}});
    json hist = json::object();
    for (const auto& [us, n] : o.histogram_us) hist[std::to_string(us)] = n;
    cyclictest["thread"][std::to_string(i)] = {
        {"cpu", o.cpu},    {"histogram", hist}, {"cycles", o.episodes},
        {"min", o.min_us}, {"avg", o.avg_us},   {"max", o.max_single_noise_us}};
  }
  const double T = r.simulated_s > 0 ? r.simulated_s : 1;
  json config = {{"topology", c.topology},
                 {"kernel", c.kernel},
                 {"host", c.host},
                 {"workers", c.workers},
                 {"strategy", c.strategy},
                 {"every", c.every},
                 {"blob_cpu_us", c.blob_cpu_us},
                 {"folios_per_blob", c.folios_per_blob},
                 {"drain_fraction",
                  c.blob_path.empty() ? c.drain_fraction : blob_path_drain_fraction(c.blob_path)},
                 {"blob_path", c.blob_path},
                 {"busy_cpus", c.busy_cpus},
                 {"busy_folio_adds_per_s", c.busy_folio_adds_per_s},
                 {"idle_folio_adds_per_s", c.idle_folio_adds_per_s},
                 {"isolated", c.isolated},
                 {"isolated_task", c.isolated_task},
                 {"isolated_folio_adds_per_s", c.isolated_folio_adds_per_s},
                 {"mbind_per_s", c.mbind_per_s},
                 {"khugepaged_scan_ms", c.khugepaged_scan_ms},
                 {"memfd_seals_per_s", c.memfd_seals_per_s},
                 {"duration_s", c.duration_s},
                 {"hung_task_s", c.hung_task_s}};
  json params = json::object();
  for (const auto& s : model::param_specs()) params[s.name] = c.params.get(s.name);
  for (const auto& row : lx::linux_cost_rows())
    params[row.name] = c.linux_costs.count(row.name) ? c.linux_costs.at(row.name) : row.value;
  config["params"] = params;
  return {{"config", config},
          {"seed", c.seed},
          {"result",
           {{"simulated_s", r.simulated_s},
            {"fadvise_calls_per_s", static_cast<double>(r.fadvise_calls) / T},
            {"blobs_per_s", static_cast<double>(r.blobs) / T},
            {"fadvise_drained", r.fadvise_drained},
            {"fadvise_latency_us", dist(r.fadvise_latency_ns)},
            {"drain_mutex_wait_us", dist(r.drain.mutex_wait_ns)},
            {"drain_mutex_hold_us", dist(r.drain.mutex_hold_ns)},
            {"drains", r.drain.drains},
            {"drains_shared", r.drain.shared},
            {"cpus_per_drain", r.drain.drains ? static_cast<double>(r.drain.cpus) /
                                                    static_cast<double>(r.drain.drains)
                                              : 0.0},
            {"remote_drains", r.drain.remote_drains},
            {"isolated_cpus_left_undrained", r.drain.skipped_isolated},
            {"background_backlog", r.backlog},
            {"mbind_calls", r.mbind_calls},
            {"mbind_latency_us", dist(r.mbind_latency_ns)},
            {"khugepaged_scans", r.khugepaged_scans},
            {"memfd_seals", r.memfd_seals},
            {"busy_cpu_pct", r.busy_cpu_pct},
            {"stuck", r.stuck},
            {"oldest_flush_wait_s", r.oldest_flush_wait_s},
            {"flush_wait_cpu", r.flush_wait_cpu},
            {"cpu_classes", classes},
            {"osnoise", osnoise},
            {"cyclictest", cyclictest},
            {"events", r.events}}},
          {"provenance", run::provenance_json()}};
}

}  // namespace ipistorm::run
