// test_trace.cpp: the Trace Event Format timeline (simulate --trace), the
// ioport latency breakdown and the distributions of simulate --json.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "errors.hpp"
#include "model/scenario.hpp"
#include "run/report.hpp"
#include "run/trace_writer.hpp"
#include "run/traced_run.hpp"
#include "run/world.hpp"
#include "toy.hpp"

namespace ipistorm {
namespace {

using nlohmann::json;

// A short pvops boot on the 16-CPU Nehalem-EP: the storm in a few seconds of test.
model::Config short_pvops(int vcpus = 16) {
  model::Config c;
  c.kernel = "linux-2.6.31-pvops";
  c.dom0_vcpus = vcpus;
  c.seed = 3;
  c.params.set("boot_firmware_polls", 300);
  c.params.set("boot_firmware_sectors", 20);
  c.params.set("boot_firmware_cpu_s", 0.01);
  c.params.set("boot_probe_polls", 3000);
  c.params.set("boot_probe_cpu_s", 0.001);
  c.params.set("boot_init_polls", 100);
  c.params.set("boot_init_cpu_s", 0.01);
  return c;
}

struct Checked {
  std::map<std::string, int> slices;  // by name, over all tracks
  std::map<std::string, int> flows;   // by name (IPI, event channel, complete())
  std::map<std::string, int> instants;
  std::set<std::string> counters;
};

// Valid Trace Event Format: every event has ph, and ts/pid/tid unless it is
// metadata; B/E balance per track in file order with E not before its B;
// each flow start has exactly one end with its id, not before it.
Checked check_tef(const json& doc) {
  Checked out;
  EXPECT_TRUE(doc.contains("traceEvents") && doc["traceEvents"].is_array());
  std::map<std::pair<int, int>, std::vector<std::pair<double, std::string>>> open;
  std::map<long long, double> flow_start;
  std::map<long long, int> flow_ends;
  for (const json& e : doc["traceEvents"]) {
    EXPECT_TRUE(e.contains("ph")) << e.dump();
    const std::string ph = e["ph"];
    EXPECT_TRUE(e.contains("pid") && e.contains("tid")) << e.dump();
    if (ph == "M") continue;
    EXPECT_TRUE(e.contains("ts") && e["ts"].is_number()) << e.dump();
    const double ts = e["ts"];
    const auto track = std::make_pair(e["pid"].get<int>(), e["tid"].get<int>());
    if (ph == "B") {
      open[track].emplace_back(ts, e["name"].get<std::string>());
      ++out.slices[e["name"].get<std::string>()];
    } else if (ph == "E") {
      auto& st = open[track];
      EXPECT_FALSE(st.empty()) << "E without B on track " << track.first << "/" << track.second;
      if (st.empty()) continue;
      EXPECT_GE(ts, st.back().first) << st.back().second;
      st.pop_back();
    } else if (ph == "s") {
      EXPECT_FALSE(flow_start.count(e["id"])) << "flow id reused";
      flow_start[e["id"]] = ts;
      ++out.flows[e["name"].get<std::string>()];
    } else if (ph == "f") {
      ++flow_ends[e["id"]];
      EXPECT_TRUE(flow_start.count(e["id"])) << "flow end before its start";
      if (flow_start.count(e["id"])) {
        EXPECT_GE(ts, flow_start[e["id"]]);
      }
    } else if (ph == "i") {
      ++out.instants[e["name"].get<std::string>()];
    } else if (ph == "C") {
      out.counters.insert(e["name"].get<std::string>());
      EXPECT_TRUE(e["args"].contains("value"));
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
  for (const auto& [track, st] : open)
    EXPECT_TRUE(st.empty()) << "unbalanced B on track " << track.first << "/" << track.second;
  for (const auto& [id, ts] : flow_start) EXPECT_EQ(flow_ends[id], 1) << "flow " << id;
  EXPECT_EQ(flow_ends.size(), flow_start.size());
  return out;
}

TEST(Trace, ToyDrainHoldsTheHandCountedSlicesAndFlows) {
  // 4 vCPUs, every cost zero, one status poll: everything happens at t = 0.
  // qemu-dm on vCPU 0 is woken by the ioreq (Xen's event, no IPI), mlock()
  // queues the drain on vCPUs 0..3: three idle vCPUs get an IPI each, vCPU 0
  // runs events/0 only when qemu-dm sleeps in flush_work(CPU 0), whose
  // complete() wakes it on its own (running) vCPU; 1..3 are done by then.
  model::Config c = model::testing::zero_cost_toy("linux-2.6.31-pvops", "mlock-per-call");
  run::TraceRecorder rec(0, 1, std::size_t{64} << 20);
  const model::Result r = run::run(c, nullptr, &rec);
  ASSERT_EQ(r.metrics.ipis_total, 3u);
  const Checked k = check_tef(json::parse(rec.json(json::object())));
  EXPECT_EQ(rec.clipped_overlaps(), 0u);

  const std::map<std::string, int> expected_slices = {
      // pCPUs: one wake each (idle state, its exit, Xen), one run, idle at the end
      {"C0 (poll)", 8},
      {"C0 exit", 4},
      {"Xen wake (vcpu_unblock, schedule)", 4},
      {"dom0 vCPU 0", 1},
      {"dom0 vCPU 1", 1},
      {"dom0 vCPU 2", 1},
      {"dom0 vCPU 3", 1},
      // vCPUs: idle before the wake and after the last sleep
      {"idle", 8},
      {"evtchn upcall", 4},
      {"idle exit", 4},
      {"context switch", 6},  // 4 after wakes, qemu-dm -> events/0 -> qemu-dm
      {"idle entry", 4},
      {"SCHEDOP_block", 4},
      {"qemu-dm", 2},
      {"events/0", 1},
      {"events/1", 1},
      {"events/2", 1},
      {"events/3", 1},
      {"lru_add_drain (empty)", 4},
      {"emulate IDE", 1},
      {"queue_work", 4},
      {"EVTCHNOP_send (IPI)", 3},
      {"flush_work", 2},  // before the sleep on CPU 0; then 1..3 found done
      {"complete()", 1},
      {"hypercall", 1},
      {"xc_evtchn_notify (EVTCHNOP_send)", 1},
      // qemu-dm's task track
      {"ioreq: IDE status poll", 1},
      {"sys_mlock", 1},
      {"lru_add_drain_all (4 CPUs)", 1},
      {"flush_work wait (CPU 0)", 1},
      {"sys_munlock", 1},
      // the guest
      {"guest code", 2},
      {"IDE port access", 1},
      {"VM exit, ioreq dispatch", 1},
      {"ioreq done, VM entry", 1},
  };
  EXPECT_EQ(k.slices, expected_slices);
  const std::map<std::string, int> expected_flows = {
      {"IPI", 3}, {"event channel", 2}, {"complete()", 1}};
  EXPECT_EQ(k.flows, expected_flows);
  const std::map<std::string, int> expected_instants = {
      {"mlock", 1}, {"drain start", 1}, {"drain end", 1}};
  EXPECT_EQ(k.instants, expected_instants);
}

TEST(Trace, PvopsWindowIsValidAndItsIpiFlowsAreTheMetricsIpis) {
  // A trace window that is exactly one metrics window: the IPI flows that
  // start in it are the IPIs the metrics count in it.
  model::Config c = short_pvops();
  c.window_s = 0.004;
  const model::Result plain = run::run(c);
  const auto& ipis = plain.metrics.resched_ipis.values();
  std::size_t k = 1;
  for (std::size_t i = 1; i + 1 < ipis.size(); ++i)
    if (ipis[i] > ipis[k]) k = i;
  ASSERT_GT(ipis[k], 100.0);
  run::TraceRequest req;
  req.from_s = static_cast<double>(k) * 0.004;
  req.for_s = 0.004;
  const run::TracedRun tr = run::run_traced(c, req);
  const json doc = json::parse(tr.json);
  const Checked ck = check_tef(doc);
  EXPECT_EQ(tr.clipped_overlaps, 0u);
  EXPECT_EQ(static_cast<double>(ck.flows.at("IPI")), ipis[k]);
  EXPECT_EQ(static_cast<double>(tr.ipi_flows), ipis[k]);
  for (const char* s : {"idle", "events/5", "lru_lock held", "flush_work wait (CPU 0)", "C3",
                        "C3 exit", "EVTCHNOP_send (IPI)", "complete()", "qemu-dm"})
    EXPECT_GT(ck.slices.count(s), 0u) << s;
  for (const char* s : {"IPIs in the last 1 ms", "run queue vCPU 3"})
    EXPECT_TRUE(ck.counters.count(s)) << s;
  EXPECT_GT(ck.instants.at("mlock"), 10);
  // Tracks named as the issue asks, metadata with config, seed, provenance.
  bool named = false;
  for (const json& e : doc["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "thread_name" &&
        e["args"]["name"] == "vCPU 3 (pCPU 3, package 0)")
      named = true;
  EXPECT_TRUE(named);
  EXPECT_EQ(doc["otherData"]["seed"], 3);
  EXPECT_EQ(doc["otherData"]["config"]["kernel"], "linux-2.6.31-pvops");
  EXPECT_TRUE(doc["otherData"]["provenance"].contains("git_commit"));
  // Tracing changes nothing: the same metrics as the untraced run.
  json a = run::metrics_json(plain), b = run::metrics_json(tr.result);
  a.erase("wall_s");
  b.erase("wall_s");
  EXPECT_EQ(a, b);
  EXPECT_EQ(run::distributions_json(plain), run::distributions_json(tr.result));
}

TEST(Trace, DefaultWindowLiesInTheRun) {
  const run::TracedRun tr = run::run_traced(short_pvops(4), run::TraceRequest{});
  EXPECT_DOUBLE_EQ(tr.for_s, run::kDefaultTraceFor_s);
  EXPECT_GE(tr.from_s, 0.0);
  EXPECT_LE(tr.from_s + tr.for_s, model::metric_value("boot_time_s", tr.result));
  EXPECT_GT(tr.ipi_flows, 0u);
}

TEST(Trace, BadWindowsAndTheCapAreInputErrors) {
  const model::Config c = short_pvops(4);
  run::TraceRequest r;
  r.for_s = 0;
  EXPECT_THROW(run::run_traced(c, r), InputError);
  r.for_s = -1;
  EXPECT_THROW(run::run_traced(c, r), InputError);
  r = {};
  r.from_s = -0.5;
  EXPECT_THROW(run::run_traced(c, r), InputError);
  r = {};
  r.from_s = 1000;  // after the guest booted
  EXPECT_THROW(run::run_traced(c, r), InputError);
  r = {};
  r.for_s = 1000;  // longer than the run
  EXPECT_THROW(run::run_traced(c, r), InputError);
  r = {};
  r.max_mb = 1;
  r.from_s = 0;
  r.for_s = 0.05;  // a storm of 50 ms is more than 1 MiB
  try {
    run::run_traced(c, r);
    ADD_FAILURE() << "no cap error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cap"), std::string::npos) << e.what();
  }
}

TEST(Breakdown, PartsAddUpToTheMeanLatency) {
  for (const char* kernel :
       {"linux-2.6.18-xen", "linux-2.6.31-pvops", "linux-3.12", "linux-4.15"}) {
    for (const char* strategy : {"mlock-per-call", "hcall-buffer-cache"}) {
      model::Config c = short_pvops(16);
      c.kernel = kernel;
      c.strategy = strategy;
      c.params.set("other_drain_all_per_s", 200);  // other callers: mutex and lock waits too
      const model::Result r = run::run(c);
      const json b = run::metrics_json(r)["ioport_breakdown_us"];
      double sum = 0;
      for (const auto& [k, v] : b.items()) {
        EXPECT_GE(v.get<double>(), 0.0) << kernel << " " << strategy << " " << k;
        sum += v.get<double>();
      }
      const double mean = r.metrics.ioport_ns.mean() / 1e3;
      EXPECT_NEAR(sum, mean, 0.005 * mean) << kernel << " " << strategy;
      EXPECT_EQ(b.size(), static_cast<std::size_t>(model::kLatencyParts));
      for (int i = 0; i < model::kLatencyParts; ++i)  // the table's rows are the parts, in order
        EXPECT_DOUBLE_EQ(b.at(model::kLatencyPartNames[i]).get<double>(),
                         static_cast<double>(r.metrics.ioport_parts.ns[i]) /
                             static_cast<double>(r.metrics.ioport_ns.count()) / 1e3);
    }
  }
}

TEST(Breakdown, PvopsStormIsTheFanOut) {
  // On pvops with 16 vCPUs most of an access is the drain's fan-out: sending
  // 15 IPIs, then waiting for the targets and for the caller's own wake-up;
  // the 2.6.18 kernel, which never drains other CPUs, has none of it.
  const model::Result pv = run::run(short_pvops(16));
  const json b = run::metrics_json(pv)["ioport_breakdown_us"];
  const double fan = b["queue_work_ipi_send"].get<double>() + b["wake_cstate_exit"].get<double>() +
                     b["wake_xen_switch"].get<double>() + b["caller_wake"].get<double>();
  EXPECT_GT(fan, 0.5 * pv.metrics.ioport_ns.mean() / 1e3);
  EXPECT_GT(b["queue_work_ipi_send"].get<double>(), b["hypercall"].get<double>());
  model::Config old = short_pvops(16);
  old.kernel = "linux-2.6.18-xen";
  const json o = run::metrics_json(run::run(old))["ioport_breakdown_us"];
  EXPECT_EQ(o["queue_work_ipi_send"].get<double>(), 0.0);
  EXPECT_EQ(o["wake_cstate_exit"].get<double>(), 0.0);
  EXPECT_EQ(o["caller_wake"].get<double>(), 0.0);
  EXPECT_GT(o["hypercall"].get<double>(), 0.0);
}

TEST(Distributions, HistogramCountsEveryAccessAndWakesAddUp) {
  const model::Result r = run::run(short_pvops(4));
  const json d = run::distributions_json(r);
  const json& h = d["ioport_latency_histogram"];
  ASSERT_EQ(h["edges"].size(), h["counts"].size() + 1);
  std::uint64_t n = 0;
  for (const auto& v : h["counts"]) n += v.get<std::uint64_t>();
  EXPECT_EQ(n, r.metrics.ioport_accesses);
  for (std::size_t i = 1; i < h["edges"].size(); ++i)
    EXPECT_GT(h["edges"][i].get<double>(), h["edges"][i - 1].get<double>());
  EXPECT_LE(h["edges"].front().get<double>(), static_cast<double>(r.metrics.ioport_ns.min()) / 1e3);
  EXPECT_GT(h["edges"].back().get<double>(), static_cast<double>(r.metrics.ioport_ns.max()) / 1e3);
  std::uint64_t wakes = 0;
  for (const auto& [state, per] : d["vcpu_wakes_by_idle_state"].items()) {
    EXPECT_EQ(per.size(), 4u) << state;
    for (const auto& v : per) wakes += v.get<std::uint64_t>();
  }
  EXPECT_EQ(wakes, r.metrics.vcpu_wakes);
}

}  // namespace
}  // namespace ipistorm
