// vlab.cpp: the virtual lab's layouts on the Linux 6.x model, and a vlab
// run scored against them (vlab.hpp).
#include "calibration/vlab.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "calibration/bench_results.hpp"
#include "engine/simulator.hpp"
#include "errors.hpp"
#include "io/cpu_list.hpp"
#include "io/number.hpp"
#include "model/linux6/kernel.hpp"
#include "model/linux6/kernels/linux_policy.hpp"
#include "run/storm.hpp"

namespace ipistorm::calibration {

namespace lx = model::linux6;
using engine::Action;
using engine::SimTime;
using nlohmann::json;

namespace {

constexpr const char* kRoleNames[] = {
    "probe",        "idle",          "busy-empty",           "busy-refill",
    "sleep-refill", "isolated-spin", "isolated-spin-refill", "busy-touch"};
constexpr int kNumRoles = sizeof kRoleNames / sizeof kRoleNames[0];

struct TriggerName {
  const char* name;
  VlabTrigger trigger;
  const char* blob_path;  // the storm's blob path of a fadvise trigger, else nullptr
};
constexpr TriggerName kTriggers[] = {
    {"collapse", VlabTrigger::kCollapse, nullptr},
    {"mbind", VlabTrigger::kMbind, nullptr},
    {"fadvise-written", VlabTrigger::kFadviseWritten, "written"},
    {"fadvise-read", VlabTrigger::kFadviseRead, "read"},
    {"fadvise-read-elsewhere", VlabTrigger::kFadviseReadElsewhere, "read-elsewhere"},
    {"fadvise-mapped", VlabTrigger::kFadviseMapped, "mmap"},
    {"fadvise-spliced", VlabTrigger::kFadviseSpliced, "sendfile"},
    {"memfd-seal", VlabTrigger::kMemfdSeal, nullptr}};

// The touched folio sits in a busy-touch CPU's batch like a refilled one.
bool refills(VlabRole r) {
  return r == VlabRole::kBusyRefill || r == VlabRole::kSleepRefill ||
         r == VlabRole::kIsolatedSpinRefill || r == VlabRole::kBusyTouch;
}
bool isolated(VlabRole r) {
  return r == VlabRole::kIsolatedSpin || r == VlabRole::kIsolatedSpinRefill;
}

// probe.c's main loop on CPU 0: refill, call, wait; `calls` measured calls
// after one unmeasured.
struct Probe {
  lx::Kernel* k = nullptr;
  lx::LinuxPolicy* policy = nullptr;
  lx::Task* task = nullptr;
  std::vector<int> refill;
  VlabTrigger trigger = VlabTrigger::kCollapse;
  bool drains = true;  // a fadvise or memfd call: does it reach lru_add_drain_all()?
  int warmup = 1, remaining = 0;
  std::vector<VlabCounts> start;  // totals when the measured calls began
  // Long past any call's last kworker (tens of us): each call finds every
  // CPU as its role leaves it, as the lab's lockstep does.
  static constexpr SimTime kGap = 1'000'000;

  void iteration(std::int64_t) {
    if (warmup == 0 && start.empty()) start = totals(*k);
    if (warmup == 0 && remaining == 0) return;  // done: the probe stops
    for (int c : refill) k->lru.folio_add_lru(c, 1);
    k->sched.compute(k->sched.costs().syscall, Action::bind<&Probe::call>(this));
  }
  void call(std::int64_t) {
    if (trigger == VlabTrigger::kCollapse)
      policy->lru_add_drain_all(*task, Action::bind<&Probe::returned>(this));
    else if (trigger == VlabTrigger::kMbind)
      policy->lru_cache_disable(*task, Action::bind<&Probe::migrated>(this));
    else  // generic_fadvise / memfd_tag_pins: lru_add_drain() of this CPU first
      k->lru.lru_add_drain_cpu(task->cpu, Action::bind<&Probe::locally_drained>(this));
  }
  void locally_drained(std::int64_t) {
    if (drains)
      policy->lru_add_drain_all(*task, Action::bind<&Probe::returned>(this));
    else
      returned(0);
  }
  void migrated(std::int64_t) {  // mbind's migration itself touches no batch
    policy->lru_cache_enable();
    returned(0);
  }
  void returned(std::int64_t) {
    if (warmup > 0)
      --warmup;
    else
      --remaining;
    k->sched.compute(kGap, Action::bind<&Probe::iteration>(this));
  }

  static std::vector<VlabCounts> totals(lx::Kernel& k) {
    std::vector<VlabCounts> t(static_cast<std::size_t>(k.sched.num_cpus()));
    for (int c = 0; c < k.sched.num_cpus(); ++c) {
      const lx::Cpu& x = k.sched.cpu(c);
      VlabCounts& v = t[static_cast<std::size_t>(c)];
      v.work_items = static_cast<double>(k.wq.queued(c));
      v.res = static_cast<double>(x.irqs[static_cast<int>(lx::Vector::kRES)]);
      v.cal = static_cast<double>(x.irqs[static_cast<int>(lx::Vector::kCAL)]);
      v.iwi = static_cast<double>(x.irqs[static_cast<int>(lx::Vector::kIWI)]);
    }
    return t;
  }
};

double count_of(const VlabCounts& c, int i) {
  switch (i) {
    case 0:
      return c.work_items;
    case 1:
      return c.res;
    case 2:
      return c.cal;
    case 3:
      return c.tlb;
    default:
      return c.iwi;
  }
}

// "5-7", "1,3-4", "" or "-" (none) -> CPU numbers; InputError naming `what`.
std::vector<int> parse_cpu_list(const std::string& text, int num_cpus, const std::string& what) {
  const auto cpus = io::parse_cpu_list(text == "-" ? "" : text, num_cpus);
  if (!cpus)
    throw InputError(what + " '" + text + "' is not a list of CPUs 0.." +
                     std::to_string(num_cpus - 1));
  return *cpus;
}

const json& member(const json& j, const char* key, const std::string& what) {
  if (!j.is_object() || !j.contains(key)) throw InputError(what + " has no \"" + key + "\"");
  return j.at(key);
}
std::string text_member(const json& j, const char* key, const std::string& what) {
  const json& v = member(j, key, what);
  if (!v.is_string()) throw InputError(what + " \"" + key + "\" is not a string");
  return v.get<std::string>();
}
double number_member(const json& j, const char* key, const std::string& what) {
  const json& v = member(j, key, what);
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    throw InputError(what + " \"" + key + "\" is not a finite number");
  return v.get<double>();
}

// "6.1.0-57-amd64" -> 60100, "6.12.118+deb12-amd64" -> 61200.
int kernel_version(const std::string& release, const std::string& what) {
  const std::size_t dot = release.find('.');
  const std::size_t end = dot == std::string::npos
                              ? std::string::npos
                              : release.find_first_not_of("0123456789", dot + 1);
  const auto major = io::parse_int(release.substr(0, dot));
  const auto minor = dot == std::string::npos
                         ? std::nullopt
                         : io::parse_int(release.substr(dot + 1, end - dot - 1));
  if (!major || !minor || *major < 2 || *major > 99 || *minor < 0 || *minor > 99)
    throw InputError(what + " kernel release '" + release + "' does not start with MAJOR.MINOR");
  return static_cast<int>(*major * 10000 + *minor * 100);
}

}  // namespace

VlabRole vlab_role(const std::string& name) {
  std::string accepted;
  for (int i = 0; i < kNumRoles; ++i) {
    if (name == kRoleNames[i]) return static_cast<VlabRole>(i);
    accepted += std::string(i ? ", " : "") + kRoleNames[i];
  }
  throw InputError("unknown vlab role '" + name + "' (accepted: " + accepted + ")");
}

const char* vlab_role_name(VlabRole r) { return kRoleNames[static_cast<int>(r)]; }

VlabTrigger vlab_trigger(const std::string& name) {
  std::string accepted;
  for (const TriggerName& t : kTriggers) {
    if (name == t.name) return t.trigger;
    accepted += std::string(accepted.empty() ? "" : ", ") + t.name;
  }
  throw InputError("the simulator has no vlab trigger '" + name + "' (it models: " + accepted +
                   ")");
}

std::vector<VlabCounts> simulate_vlab(const topo::Topology& topology, const VlabSetup& setup,
                                      const model::ParamValues& params) {
  const int n = topology.num_cpus();
  if (static_cast<int>(setup.roles.size()) != n)
    throw InputError("a vlab layout names " + std::to_string(setup.roles.size()) +
                     " CPUs for a topology of " + std::to_string(n));
  if (n < 2 || setup.roles[0] != VlabRole::kProbe)
    throw InputError("a vlab layout needs the probe on CPU 0 and at least one other CPU");
  if (setup.calls < 1 || setup.calls > 1000000)
    throw InputError("vlab calls must be 1..1000000, got " + std::to_string(setup.calls));
  const lx::LinuxPolicyEntry& entry = lx::find_linux_policy(setup.kernel);
  std::vector<bool> nohz_full(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c)
    nohz_full[static_cast<std::size_t>(c)] = isolated(setup.roles[static_cast<std::size_t>(c)]);

  const lx::LinuxCosts costs(params);
  engine::Simulator sim;
  lx::Kernel k(sim, costs, topology, nohz_full);
  const std::unique_ptr<lx::LinuxPolicy> policy = entry.make(k);

  Probe probe;
  probe.k = &k;
  probe.policy = policy.get();
  probe.trigger = setup.trigger;
  probe.remaining = setup.calls;
  const auto touchers = std::count(setup.roles.begin(), setup.roles.end(), VlabRole::kBusyTouch);
  if (touchers > 1)
    throw InputError("a vlab layout has " + std::to_string(touchers) +
                     " busy-touch CPUs; the simulator models one (several share one folio per "
                     "call, and which one holds it is a race)");
  const bool touched = touchers == 1;
  for (const TriggerName& t : kTriggers)
    if (t.trigger == setup.trigger && t.blob_path)
      probe.drains = run::blob_path_drain_fraction(t.blob_path) > 0 &&
                     (setup.trigger != VlabTrigger::kFadviseReadElsewhere || touched);
  if (setup.trigger == VlabTrigger::kMemfdSeal) probe.drains = touched;
  for (int c = 1; c < n; ++c) {
    const VlabRole r = setup.roles[static_cast<std::size_t>(c)];
    if (r == VlabRole::kProbe) throw InputError("a vlab layout has one probe, on CPU 0");
    if (refills(r)) probe.refill.push_back(c);
    if (r == VlabRole::kBusyEmpty || r == VlabRole::kBusyRefill || r == VlabRole::kBusyTouch ||
        isolated(r)) {
      lx::Task& spinner = k.sched.create_task(
          std::string(vlab_role_name(r)) + "/" + std::to_string(c), c, /*kthread=*/false);
      spinner.user_loop = true;
      k.sched.start(spinner);
    }
  }
  probe.task = &k.sched.create_task("probe", 0, /*kthread=*/false);
  probe.task->resume = Action::bind<&Probe::iteration>(&probe);
  k.sched.start(*probe.task);
  sim.run();
  if (probe.remaining > 0)
    throw InputError("the vlab scenario stopped after " +
                     std::to_string(setup.calls - probe.remaining) + " of " +
                     std::to_string(setup.calls) + " calls: a drain never completed");

  const std::vector<VlabCounts> end = Probe::totals(k);
  std::vector<VlabCounts> per_call(static_cast<std::size_t>(n));
  const double calls = setup.calls;
  for (std::size_t c = 0; c < per_call.size(); ++c) {
    per_call[c].work_items = (end[c].work_items - probe.start[c].work_items) / calls;
    per_call[c].res = (end[c].res - probe.start[c].res) / calls;
    per_call[c].cal = (end[c].cal - probe.start[c].cal) / calls;
    per_call[c].iwi = (end[c].iwi - probe.start[c].iwi) / calls;
  }
  return per_call;
}

bool is_vlab_run(const std::string& dir) {
  struct stat st {};
  const std::string meta = dir + "/metadata.json";
  if (::stat(meta.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  const json m =
      parse_json_text(read_input_file(meta, "run metadata"), "run metadata '" + meta + "'");
  return m.is_object() && m.value("tool", "") == "ipistorm bench/vlab";
}

VlabRun read_vlab_run(const std::string& dir, const topo::Topology& topology) {
  const std::string meta_path = dir + "/metadata.json", counts_path = dir + "/counts.json";
  const std::string mw = "vlab metadata '" + meta_path + "'",
                    cw = "vlab counts '" + counts_path + "'";
  const json meta = parse_json_text(read_input_file(meta_path, "vlab metadata"), mw);
  const json counts = parse_json_text(read_input_file(counts_path, "vlab counts"), cw);
  VlabRun run;
  run.dir = dir;
  run.kernel_release = text_member(member(meta, "kernel", mw), "uname_r", mw + " kernel");
  run.kernel_version = kernel_version(run.kernel_release, mw);
  run.trigger = text_member(meta, "trigger", mw);
  run.layout_name = text_member(member(meta, "layout", mw), "name", mw + " layout");
  const double calls = number_member(counts, "calls", cw);
  if (calls < 1 || calls > 1e6 || calls != std::floor(calls))
    throw InputError(cw + " \"calls\" must be a whole number 1..1000000");
  run.calls = static_cast<int>(calls);

  const int n = topology.num_cpus();
  const json& guest = member(member(meta, "topology", mw), "guest", mw + " topology");
  if (!guest.is_array() || static_cast<int>(guest.size()) != n)
    throw InputError(mw + " lists " + std::to_string(guest.is_array() ? guest.size() : 0) +
                     " guest CPUs, its topology.xml " + std::to_string(n));
  // Linux CPU number -> topology index (the guest's XML lists them in order).
  std::map<int, int> index_of;
  for (int i = 0; i < n; ++i) index_of[topology.cpu(i).os_index] = i;
  run.setup.roles.assign(static_cast<std::size_t>(n), VlabRole::kIdle);
  std::vector<bool> seen(static_cast<std::size_t>(n));
  for (const json& g : guest) {
    const auto cpu = io::parse_int(text_member(g, "cpu", mw + " guest CPU"));
    if (!cpu || !index_of.count(static_cast<int>(*cpu)))
      throw InputError(mw + " names a guest CPU its topology.xml does not have");
    const auto i = static_cast<std::size_t>(index_of[static_cast<int>(*cpu)]);
    if (seen[i]) throw InputError(mw + " lists guest CPU " + std::to_string(*cpu) + " twice");
    seen[i] = true;
    run.setup.roles[i] = vlab_role(text_member(g, "role", mw + " guest CPU"));
  }
  // The isolated set, as the guest booted it, must be the isolated roles'.
  const json& iso = member(member(meta, "topology", mw), "isolated", mw + " topology");
  const std::vector<int> isolated_cpus =
      parse_cpu_list(iso.is_string() ? iso.get<std::string>() : "", n, mw + " isolated");
  for (int c = 0; c < n; ++c) {
    const bool listed = std::find(isolated_cpus.begin(), isolated_cpus.end(),
                                  topology.cpu(c).os_index) != isolated_cpus.end();
    const bool role_isolated = isolated(run.setup.roles[static_cast<std::size_t>(c)]);
    if (role_isolated && !listed)
      throw InputError(mw + ": CPU " + std::to_string(topology.cpu(c).os_index) +
                       " has an isolated role but was not booted isolated");
    if (listed && !role_isolated && run.setup.roles[static_cast<std::size_t>(c)] != VlabRole::kIdle)
      throw InputError(mw + ": isolated CPU " + std::to_string(topology.cpu(c).os_index) +
                       " runs a role the simulator models on housekeeping CPUs only");
  }
  run.setup.trigger = vlab_trigger(run.trigger);
  run.setup.calls = run.calls;
  run.setup.kernel = model::linux6::linux_policy_for_version(run.kernel_version).name;

  const json& cpus = member(counts, "cpus", cw);
  if (!cpus.is_array() || static_cast<int>(cpus.size()) != n)
    throw InputError(cw + " does not list one entry per guest CPU");
  for (const json& x : cpus) {
    VlabRun::Cpu c;
    const double cpu = number_member(x, "cpu", cw + " CPU");
    if (cpu != std::floor(cpu) || !index_of.count(static_cast<int>(cpu)))
      throw InputError(cw + " names a CPU its topology.xml does not have");
    c.cpu = index_of[static_cast<int>(cpu)];
    c.role = text_member(x, "role", cw + " CPU");
    c.cls = text_member(x, "class", cw + " CPU");
    if (vlab_role(c.role) != run.setup.roles[static_cast<std::size_t>(c.cpu)])
      throw InputError(cw + ": CPU " + std::to_string(static_cast<int>(cpu)) +
                       "'s role differs from the metadata's");
    const std::string what = cw + " CPU " + std::to_string(static_cast<int>(cpu));
    c.measured.work_items = number_member(x, "drain_work_items_per_call", what);
    const json& irq = member(x, "interrupts", what);
    c.measured.res = number_member(member(irq, "RES", what), "net_per_call", what + " RES");
    c.measured.cal = number_member(member(irq, "CAL", what), "net_per_call", what + " CAL");
    c.measured.tlb = number_member(member(irq, "TLB", what), "net_per_call", what + " TLB");
    c.measured.iwi = irq.contains("IWI")
                         ? number_member(member(irq, "IWI", what), "net_per_call", what + " IWI")
                         : 0;
    run.cpus.push_back(c);
  }
  std::sort(run.cpus.begin(), run.cpus.end(),
            [](const VlabRun::Cpu& a, const VlabRun::Cpu& b) { return a.cpu < b.cpu; });
  return run;
}

// Which counts the kernel makes deterministic for a role: the work items
// always (cpu_needs_drain() decides them), the interrupts of a CPU that
// runs or has nothing to drain (no race decides how it is woken). A
// sleeping CPU's interrupt may be a RES instead of a CAL when it is still
// polling on its way to halt as the wake-up comes: timing.
static bool interrupts_exact(VlabRole r) { return r != VlabRole::kSleepRefill; }

VlabValidation validate_vlab(const VlabRun& run, const topo::Topology& topology,
                             const model::ParamValues& params) {
  VlabValidation v;
  v.kernel = run.setup.kernel;
  const std::vector<VlabCounts> predicted = simulate_vlab(topology, run.setup, params);
  std::vector<std::string> order;
  std::map<std::string, std::vector<const VlabRun::Cpu*>> by_class;
  for (const VlabRun::Cpu& c : run.cpus) {
    if (!by_class.count(c.cls)) order.push_back(c.cls);
    by_class[c.cls].push_back(&c);
  }
  v.met = true;
  for (const std::string& cls : order) {
    VlabClassResult r;
    r.cls = cls;
    const std::vector<const VlabRun::Cpu*>& cpus = by_class[cls];
    const VlabRole role = vlab_role(cpus.front()->role);
    r.must_be_exact = interrupts_exact(role);
    bool negative_only = true, any_off = false;
    for (int q = 0; q < 5; ++q) {
      r.measured_min[q] = r.predicted_min[q] = INFINITY;
      r.measured_max[q] = r.predicted_max[q] = -INFINITY;
    }
    for (const VlabRun::Cpu* c : cpus) {
      r.cpus.push_back(topology.cpu(c->cpu).os_index);
      for (int q = 0; q < 5; ++q) {
        const double m = count_of(c->measured, q);
        const double p = count_of(predicted[static_cast<std::size_t>(c->cpu)], q);
        r.measured_min[q] = std::min(r.measured_min[q], m);
        r.measured_max[q] = std::max(r.measured_max[q], m);
        r.predicted_min[q] = std::min(r.predicted_min[q], p);
        r.predicted_max[q] = std::max(r.predicted_max[q], p);
        const double d = std::fabs(m - p);
        r.worst = std::max(r.worst, d);
        // Work items always; RES and CAL where the role fixes them; TLB and
        // IWI (an irq_work's self-IPI, raised by whatever else the CPU does)
        // within the tolerance.
        const bool exact_here = q == 0 || (r.must_be_exact && (q == 1 || q == 2));
        const bool off = exact_here ? d > 1e-9 : d > kVlabTolerance + 1e-9;
        if (off) {
          any_off = true;
          if (!(m < p)) negative_only = false;
          if (!(m < 0)) negative_only = false;
        }
      }
    }
    if (role == VlabRole::kProbe) {
      r.verdict = "not scored";
      r.why = "the caller: its own wake-ups depend on timing";
    } else if (!any_off) {
      r.verdict = r.worst <= 1e-9 ? "exact" : "within 0.05";
    } else if (negative_only) {
      r.verdict = "background noise";
      r.why =
          "the measured net count is below 0: the background window took more of these "
          "interrupts than the calls window, which no call can cause";
    } else {
      r.verdict = "miss";
      r.why = r.must_be_exact ? "the kernel makes these counts exact" : "beyond 0.05 per call";
      v.met = false;
    }
    v.classes.push_back(r);
  }
  return v;
}

json vlab_validation_json(const VlabRun& run, const VlabValidation& v) {
  json classes = json::array();
  for (const VlabClassResult& r : v.classes) {
    json counts = json::object();
    for (int q = 0; q < 5; ++q)
      counts[kVlabCountNames[q]] = {{"measured", {r.measured_min[q], r.measured_max[q]}},
                                    {"predicted", {r.predicted_min[q], r.predicted_max[q]}}};
    classes.push_back({{"class", r.cls},
                       {"cpus", r.cpus},
                       {"per_call", counts},
                       {"interrupts_exact", r.must_be_exact},
                       {"worst_abs_error", r.worst},
                       {"verdict", r.verdict},
                       {"why", r.why}});
  }
  return {{"kind", "vlab"},
          {"kernel_release", run.kernel_release},
          {"kernel_preset", v.kernel},
          {"trigger", run.trigger},
          {"layout", run.layout_name},
          {"calls", run.calls},
          {"tolerance_per_call", kVlabTolerance},
          {"classes", classes},
          {"verdict", v.met ? "met" : "not met"}};
}

}  // namespace ipistorm::calibration
