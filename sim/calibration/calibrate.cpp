// calibrate.cpp: which parameter is fitted to which observation.
//
// Honest calibration: each entry below is the whole rule. "t(X)" is the
// median over repetitions of benchmark X's real time per operation, "c(X,n)"
// the median of its counter n; all in microseconds. Parameters not named
// keep their defaults (ipistorm params), and the decompositions use those
// defaults where they need them (drain_empty_us, xen_wake_jitter_us,
// evtchn_upcall_us, idle_exit_us).
//
//   syscall_us         <- syscall/getppid: t.
//   queue_work_us      <- syscall/futex_wake_no_waiter: t. Queueing work on
//                         a worker is a futex wake; without a sleeper it
//                         needs no IPI, which is what queue_work_us excludes.
//   complete_us        <- syscall/futex_wake_no_waiter: t. complete() is the
//                         worker's same wake call to the flush waiter.
//   mlock_page_us      <- syscall/mlock_munlock/pages:1: c(mlock_ns) -
//                         syscall_us - drain_empty_us (a >= 4.15 mlock drains
//                         the local CPU, which the model charges apart).
//   munlock_page_us    <- syscall/mlock_munlock/pages:1: c(munlock_ns) -
//                         syscall_us.
//   mlock_next_page_us <- syscall/mlock_munlock/pages:16 and pages:1:
//                         (c16(mlock_ns) - c1(mlock_ns)) / 15, what each page
//                         after the first adds (the VMA work is paid once).
//   munlock_next_page_us <- the same with munlock_ns.
//   page_fault_us      <- syscall/mmap_locked_munmap/pages:16 and pages:1:
//                         (c16(mmap_ns) - c1(mmap_ns)) / 15 - mlock_next_page_us,
//                         each further page faulted in and locked by
//                         MAP_POPULATE (BufferOps::mmap_locked's formula).
//   mmap_us            <- syscall/mmap_locked_munmap/pages:1: c(mmap_ns) -
//                         syscall_us - page_fault_us - mlock_page_us.
//   munmap_us          <- syscall/mmap_locked_munmap/pages:1: c(munmap_ns) -
//                         syscall_us - munlock_page_us (no other CPU runs the
//                         benchmark's mm: no TLB shootdown).
//   copy_per_kib_us    <- strategy/no-lock/bytes:64 and bytes:4096, load idle:
//                         (t4096 - t64) / (2 x (4096 - 64) / 1024), the
//                         memcpy in and out of the buffer around the call
//                         (both cache-warm; bm_strategies.cpp). The two
//                         benchmarks are in the declared subset and are not
//                         scored by validate.
//   context_switch_us  <- wake/pingpong/same_cpu: t/2 - queue_work_us -
//                         syscall_us (each half: a wake call, the entry of a
//                         wait call, one switch; no IPI on one CPU).
//   ipi_<d>_us         <- fanout/membarrier/<d>/k:1: t - syscall_us, one IPI
//                         to a busy CPU at distance d with its handler and
//                         acknowledgement. Refused below 0.5 IPIs per call:
//                         then most calls sent no IPI and t is no round trip.
//   evtchn_send_us     <- wake/pingpong/<d>, every d: median over d of
//                         c(wake_call_ns) - queue_work_us, what a wake call
//                         adds when its target sleeps on an idle CPU (the
//                         try_to_wake_up and the IPI send).
//   xen_vcpu_wake_us   <- wake/pingpong/<d>, every d: mean over d of
//                         c(wake_latency_ns) - (queue_work + evtchn_send +
//                         ipi_<d> + xen_wake_jitter + evtchn_upcall +
//                         idle_exit + context_switch), i.e. the model's
//                         one-way wake of an idle vCPU (Sched::wake,
//                         Hypervisor::vcpu_wake_latency, Sched::on_wake_done)
//                         solved for the hypervisor's part.
//   max_cstate         <- set to 0, not fitted: a guest cannot see its host's
//                         idle states, and the measured wake already holds
//                         any idle exit, so none is added on top.
//
// The fit error reproduces each observation from the fitted values with the
// same formulas; it is not zero where one parameter serves several
// observations (several distance classes) or a rule was clamped at 0.
// fanout/membarrier at k > 1 is recorded but not used (the model has no
// membarrier). Only syscall/, wake/pingpong/, fanout/membarrier/ and the copy
// pair are read (calibration_input); everything else is left to `ipistorm
// validate`.
#include "calibration/calibrate.hpp"

#include <cmath>
#include <cstdio>

#include "errors.hpp"

namespace ipistorm::calibration {
namespace {

const char* const kDistances[] = {"same_core", "same_package", "other_package"};
// The copy speed's pair: the same call with a 64-byte and a 4096-byte argument.
const char* const kCopySmall = "strategy/no-lock/bytes:64/load:idle";
const char* const kCopyPage = "strategy/no-lock/bytes:4096/load:idle";
// Fewer IPIs per membarrier call than this and the observation is refused.
constexpr double kMinMembarrierIpis = 0.5;
std::string ipi_param(const std::string& d) { return "ipi_" + d + "_us"; }

class Fitter {
 public:
  explicit Fitter(const BenchResults& r) : r_(r) {}

  double get(const std::string& name) const { return values_.get(name); }

  void set(const std::string& name, double v, const std::string& rule,
           std::vector<std::string> obs) {
    FittedParam p;
    p.name = name;
    const model::ParamSpec* spec = model::find_param(name);
    p.default_value = spec ? spec->value : 0;
    p.unit = spec ? spec->unit : "";
    p.rule = rule;
    p.observations = std::move(obs);
    if (v < 0) {
      p.clamped = true;
      v = 0;
    }
    p.value = v;
    values_.set(name, v);
    out_.params.push_back(p);
  }
  void skip(const std::string& name, const std::string& why) {
    out_.not_fitted.emplace_back(name, why);
  }
  void observe(const BenchRecord& b, const std::string& quantity, double measured, double model) {
    out_.observations.push_back({b.name, quantity, measured, b.cv(), model});
  }
  // Why `name` is unusable: missing or skipped (with the benchmark's reason).
  std::string why_missing(const std::string& name) const {
    auto it = r_.records.find(name);
    if (it == r_.records.end()) return "no " + name + " in the run";
    if (it->second.skipped) return name + " was skipped: " + it->second.skip_reason;
    return name + " has no repetitions";
  }

  const BenchResults& r_;
  model::ParamValues values_;
  Calibration out_;
};

}  // namespace

model::ParamValues Calibration::values() const {
  model::ParamValues v;
  for (const auto& p : params) v.set(p.name, p.value);
  return v;
}

bool calibration_input(const std::string& benchmark) {
  for (const char* prefix : {"syscall/", "wake/pingpong/", "fanout/membarrier/"})
    if (benchmark.rfind(prefix, 0) == 0) return true;
  return benchmark == kCopySmall || benchmark == kCopyPage;
}

Calibration calibrate(const BenchResults& run) {
  // Only the declared subset: the rest of the run is validate's.
  BenchResults r;
  r.path = run.path;
  r.context = run.context;
  for (const auto& [name, rec] : run.records)
    if (calibration_input(name)) r.records.emplace(name, rec);
  Fitter f(r);
  const double us_per_ns = 1e-3;

  // syscall_us: everything else builds on it.
  const BenchRecord* getppid = r.find("syscall/getppid");
  if (!getppid)
    throw InputError("cannot calibrate from '" + r.path + "': " + f.why_missing("syscall/getppid"));
  f.set("syscall_us", getppid->median_us(), "t(syscall/getppid)", {getppid->name});

  // queue_work_us, complete_us: a futex wake that finds no sleeper.
  if (const BenchRecord* w = r.find("syscall/futex_wake_no_waiter")) {
    f.set("queue_work_us", w->median_us(), "t(syscall/futex_wake_no_waiter)", {w->name});
    f.set("complete_us", w->median_us(), "t(syscall/futex_wake_no_waiter)", {w->name});
  } else {
    f.skip("queue_work_us", f.why_missing("syscall/futex_wake_no_waiter"));
    f.skip("complete_us", f.why_missing("syscall/futex_wake_no_waiter"));
  }

  // mlock_page_us, munlock_page_us: one resident page.
  const BenchRecord* ml = r.find("syscall/mlock_munlock/pages:1");
  std::optional<double> mlock_us, munlock_us;
  if (ml) {
    if (auto v = ml->counter_median("mlock_ns")) mlock_us = *v * us_per_ns;
    if (auto v = ml->counter_median("munlock_ns")) munlock_us = *v * us_per_ns;
  }
  if (mlock_us && munlock_us) {
    f.set("mlock_page_us", *mlock_us - f.get("syscall_us") - f.get("drain_empty_us"),
          "c(mlock_ns) - syscall_us - drain_empty_us", {ml->name});
    f.set("munlock_page_us", *munlock_us - f.get("syscall_us"), "c(munlock_ns) - syscall_us",
          {ml->name});
  } else {
    const std::string why = ml ? "syscall/mlock_munlock/pages:1 has no mlock_ns/munlock_ns counters"
                               : f.why_missing("syscall/mlock_munlock/pages:1");
    f.skip("mlock_page_us", why);
    f.skip("munlock_page_us", why);
  }

  // mlock_next_page_us, munlock_next_page_us: a 16-page range against one page.
  const BenchRecord* ml16 = r.find("syscall/mlock_munlock/pages:16");
  std::optional<double> mlock16_us, munlock16_us;
  if (ml16) {
    if (auto v = ml16->counter_median("mlock_ns")) mlock16_us = *v * us_per_ns;
    if (auto v = ml16->counter_median("munlock_ns")) munlock16_us = *v * us_per_ns;
  }
  if (mlock_us && munlock_us && mlock16_us && munlock16_us) {
    f.set("mlock_next_page_us", (*mlock16_us - *mlock_us) / 15,
          "(c16(mlock_ns) - c1(mlock_ns)) / 15", {ml->name, ml16->name});
    f.set("munlock_next_page_us", (*munlock16_us - *munlock_us) / 15,
          "(c16(munlock_ns) - c1(munlock_ns)) / 15", {ml->name, ml16->name});
  } else {
    const std::string why =
        !ml16 ? f.why_missing("syscall/mlock_munlock/pages:16")
              : "syscall/mlock_munlock/pages:1 and pages:16 need both mlock_ns and munlock_ns";
    f.skip("mlock_next_page_us", why);
    f.skip("munlock_next_page_us", why);
  }

  // page_fault_us, mmap_us, munmap_us: a locked, populated mapping of 1 and 16 pages.
  const BenchRecord* mm1 = r.find("syscall/mmap_locked_munmap/pages:1");
  const BenchRecord* mm16 = r.find("syscall/mmap_locked_munmap/pages:16");
  auto counter_us = [&](const BenchRecord* b, const char* n) -> std::optional<double> {
    if (!b) return std::nullopt;
    if (auto v = b->counter_median(n)) return *v * us_per_ns;
    return std::nullopt;
  };
  const auto map1 = counter_us(mm1, "mmap_ns"), map16 = counter_us(mm16, "mmap_ns");
  const auto unmap1 = counter_us(mm1, "munmap_ns"), unmap16 = counter_us(mm16, "munmap_ns");
  if (map1 && map16 && unmap1) {
    f.set("page_fault_us", (*map16 - *map1) / 15 - f.get("mlock_next_page_us"),
          "(c16(mmap_ns) - c1(mmap_ns)) / 15 - mlock_next_page_us", {mm1->name, mm16->name});
    f.set("mmap_us", *map1 - f.get("syscall_us") - f.get("page_fault_us") - f.get("mlock_page_us"),
          "c1(mmap_ns) - syscall_us - page_fault_us - mlock_page_us", {mm1->name});
    f.set("munmap_us", *unmap1 - f.get("syscall_us") - f.get("munlock_page_us"),
          "c1(munmap_ns) - syscall_us - munlock_page_us", {mm1->name});
  } else {
    const std::string why =
        !mm1    ? f.why_missing("syscall/mmap_locked_munmap/pages:1")
        : !mm16 ? f.why_missing("syscall/mmap_locked_munmap/pages:16")
                : "syscall/mmap_locked_munmap/pages:1 and pages:16 need mmap_ns and munmap_ns";
    for (const char* p : {"page_fault_us", "mmap_us", "munmap_us"}) f.skip(p, why);
  }

  // copy_per_kib_us: the same call with a 64-byte and a 4096-byte argument.
  const BenchRecord* copy_small = r.find(kCopySmall);
  const BenchRecord* copy_page = r.find(kCopyPage);
  constexpr double kCopiedKib = 2 * (4096 - 64) / 1024.0;  // in and out
  if (copy_small && copy_page)
    f.set("copy_per_kib_us", (copy_page->median_us() - copy_small->median_us()) / kCopiedKib,
          "(t(no-lock/bytes:4096) - t(no-lock/bytes:64)) / (2 x 3.94 KiB)",
          {copy_small->name, copy_page->name});
  else
    f.skip("copy_per_kib_us", f.why_missing(copy_small ? kCopyPage : kCopySmall));

  // context_switch_us: ping-pong on one CPU.
  const BenchRecord* same = r.find("wake/pingpong/same_cpu");
  if (same)
    f.set("context_switch_us", same->median_us() / 2 - f.get("queue_work_us") - f.get("syscall_us"),
          "t(wake/pingpong/same_cpu)/2 - queue_work_us - syscall_us", {same->name});
  else
    f.skip("context_switch_us", f.why_missing("wake/pingpong/same_cpu"));

  // ipi_<d>_us: membarrier to one busy CPU at distance d.
  for (const char* d : kDistances) {
    const std::string name = std::string("fanout/membarrier/") + d + "/k:1";
    const BenchRecord* b = r.find(name);
    // membarrier IPIs only a CPU that runs one of our threads at that moment.
    // Far below one IPI per call, most calls sent none (the peer was not
    // running, or the kernel saw it so), and the time is no IPI round trip.
    const auto ipis = b ? b->counter_median("ipis_per_op") : std::nullopt;
    if (b && ipis && *ipis < kMinMembarrierIpis) {
      char why[160];
      std::snprintf(why, sizeof why,
                    "%s sent %.2f IPIs per call (< %.1f): most calls sent no IPI to its busy peer",
                    name.c_str(), *ipis, kMinMembarrierIpis);
      f.skip(ipi_param(d), why);
    } else if (b) {
      f.set(ipi_param(d), b->median_us() - f.get("syscall_us"), "t(" + name + ") - syscall_us",
            {name});
    } else {
      f.skip(ipi_param(d), f.why_missing(name));
    }
  }

  // evtchn_send_us and xen_vcpu_wake_us: one wake-up of a sleeper on an
  // idle CPU, per distance class.
  std::vector<const BenchRecord*> wakes;
  for (const char* d : kDistances) {
    const BenchRecord* b = r.find(std::string("wake/pingpong/") + d);
    if (b && b->counter_median("wake_call_ns") && b->counter_median("wake_latency_ns"))
      wakes.push_back(b);
  }
  std::vector<std::string> wake_names;
  for (const auto* b : wakes) wake_names.push_back(b->name);
  auto distance_of = [](const BenchRecord* b) { return b->name.substr(b->name.rfind('/') + 1); };
  // The model's one-way wake without xen_vcpu_wake_us (cstate exit is 0: max_cstate 0).
  auto wake_without_xen = [&](const std::string& d) {
    return f.get("queue_work_us") + f.get("evtchn_send_us") + f.get(ipi_param(d)) +
           f.get("xen_context_switch_us") + f.get("xen_wake_jitter_us") +
           f.get("evtchn_upcall_us") + f.get("idle_exit_us") + f.get("context_switch_us");
  };
  if (!wakes.empty()) {
    std::vector<double> sends;
    for (const auto* b : wakes)
      sends.push_back(*b->counter_median("wake_call_ns") * us_per_ns - f.get("queue_work_us"));
    f.set("evtchn_send_us", median(sends), "median over d of c(wake_call_ns) - queue_work_us",
          wake_names);
    f.set("max_cstate", 0, "set: the measured wake includes any idle exit of the host", wake_names);
    double sum = 0;
    for (const auto* b : wakes)
      sum += *b->counter_median("wake_latency_ns") * us_per_ns - wake_without_xen(distance_of(b));
    f.set("xen_vcpu_wake_us", sum / static_cast<double>(wakes.size()),
          "mean over d of c(wake_latency_ns) - (queue_work + evtchn_send + ipi_<d> + "
          "xen_wake_jitter + evtchn_upcall + idle_exit + context_switch)",
          wake_names);
  } else {
    f.skip("evtchn_send_us", "no wake/pingpong/<distance> with wake counters in the run");
    f.skip("xen_vcpu_wake_us", "no wake/pingpong/<distance> with wake counters in the run");
    f.skip("max_cstate", "kept: no wake observation to fold the idle exit into");
  }

  // Reproduce every observation from the fitted values.
  const auto& v = f.values_;
  f.observe(*getppid, "real_time", getppid->median_us(), v.get("syscall_us"));
  if (const BenchRecord* w = r.find("syscall/futex_wake_no_waiter"))
    f.observe(*w, "real_time", w->median_us(), v.get("queue_work_us"));
  if (mlock_us && munlock_us) {
    f.observe(*ml, "mlock_ns", *mlock_us,
              v.get("syscall_us") + v.get("drain_empty_us") + v.get("mlock_page_us"));
    f.observe(*ml, "munlock_ns", *munlock_us, v.get("syscall_us") + v.get("munlock_page_us"));
  }
  if (ml16 && mlock16_us && munlock16_us && mlock_us && munlock_us) {
    f.observe(*ml16, "mlock_ns", *mlock16_us,
              v.get("syscall_us") + v.get("drain_empty_us") + v.get("mlock_page_us") +
                  15 * v.get("mlock_next_page_us"));
    f.observe(*ml16, "munlock_ns", *munlock16_us,
              v.get("syscall_us") + v.get("munlock_page_us") + 15 * v.get("munlock_next_page_us"));
  }
  if (map1 && map16 && unmap1) {
    auto mapped = [&](int n) {
      return v.get("syscall_us") + v.get("mmap_us") + n * v.get("page_fault_us") +
             v.get("mlock_page_us") + (n - 1) * v.get("mlock_next_page_us");
    };
    auto unmapped = [&](int n) {
      return v.get("syscall_us") + v.get("munmap_us") + v.get("munlock_page_us") +
             (n - 1) * v.get("munlock_next_page_us");
    };
    f.observe(*mm1, "mmap_ns", *map1, mapped(1));
    f.observe(*mm16, "mmap_ns", *map16, mapped(16));
    f.observe(*mm1, "munmap_ns", *unmap1, unmapped(1));
    if (unmap16) f.observe(*mm16, "munmap_ns", *unmap16, unmapped(16));
  }
  if (copy_small && copy_page)
    f.observe(*copy_page, "real_time", copy_page->median_us(),
              copy_small->median_us() + kCopiedKib * v.get("copy_per_kib_us"));
  if (same)
    f.observe(*same, "real_time", same->median_us(),
              2 * (v.get("queue_work_us") + v.get("syscall_us") + v.get("context_switch_us")));
  for (const auto& p : f.out_.params)
    if (p.name.rfind("ipi_", 0) == 0)
      if (const BenchRecord* b = r.find(p.observations.front()))
        f.observe(*b, "real_time", b->median_us(), v.get("syscall_us") + p.value);
  for (const auto* b : wakes) {
    f.observe(*b, "wake_call_ns", *b->counter_median("wake_call_ns") * us_per_ns,
              v.get("queue_work_us") + v.get("evtchn_send_us"));
    f.observe(*b, "wake_latency_ns", *b->counter_median("wake_latency_ns") * us_per_ns,
              wake_without_xen(distance_of(b)) + v.get("xen_vcpu_wake_us"));
  }
  for (const auto* b : r.with_prefix("fanout/membarrier/"))
    if (!b->skipped && b->name.size() > 4 && b->name.compare(b->name.size() - 4, 4, "/k:1") != 0)
      f.out_.not_used.emplace_back(b->name, b->median_us());

  double ss = 0, mx = 0;
  for (const auto& o : f.out_.observations) {
    ss += o.rel_error() * o.rel_error();
    mx = std::max(mx, std::fabs(o.rel_error()));
  }
  if (!f.out_.observations.empty())
    f.out_.rms_rel_error = std::sqrt(ss / static_cast<double>(f.out_.observations.size()));
  f.out_.max_rel_error = mx;
  return f.out_;
}

nlohmann::json calibration_json(const Calibration& c, const nlohmann::json& provenance) {
  using nlohmann::json;
  json params = json::object(), fitted = json::object(), not_fitted = json::object();
  for (const auto& p : c.params) {
    params[p.name] = p.value;
    fitted[p.name] = {
        {"value", p.value}, {"default", p.default_value},     {"unit", p.unit},
        {"rule", p.rule},   {"observations", p.observations}, {"clamped_at_zero", p.clamped}};
  }
  for (const auto& [name, why] : c.not_fitted) not_fitted[name] = why;
  json obs = json::array();
  for (const auto& o : c.observations)
    obs.push_back({{"benchmark", o.benchmark},
                   {"quantity", o.quantity},
                   {"measured_us", o.measured_us},
                   {"repetition_cv", o.cv},
                   {"model_us", o.model_us},
                   {"rel_error", o.rel_error()}});
  json unused = json::array();
  for (const auto& [name, us] : c.not_used)
    unused.push_back({{"benchmark", name}, {"median_us", us}});
  return json{{"params", params},
              {"fit",
               {{"parameters", fitted},
                {"not_fitted", not_fitted},
                {"observations", obs},
                {"not_used", unused},
                {"error",
                 {{"rms_rel", c.rms_rel_error},
                  {"max_rel", c.max_rel_error},
                  {"observations", c.observations.size()}}}}},
              {"provenance", provenance}};
}

}  // namespace ipistorm::calibration
