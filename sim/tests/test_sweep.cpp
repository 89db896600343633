// test_sweep.cpp: grid expansion order, sizes, grid errors, that a sweep's
// output does not depend on the number of threads, and that a streamed sweep
// holds a bounded number of results, not its grid.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "errors.hpp"
#include "report/rows.hpp"
#include "run/config.hpp"
#include "study/sweep.hpp"
#include "study/sweep_output.hpp"

namespace model = ipistorm::model;
namespace report = ipistorm::report;
namespace study = ipistorm::study;
using ipistorm::InputError;
using nlohmann::json;

namespace {

// A tiny boot so a grid runs in well under a second.
model::Config tiny() {
  model::Config c;
  c.params.set("boot_probe_polls", 300);
  c.params.set("boot_firmware_polls", 50);
  c.params.set("boot_firmware_sectors", 10);
  c.params.set("boot_init_polls", 5);
  c.params.set("boot_init_cpu_s", 0.01);
  c.params.set("boot_firmware_cpu_s", 0.01);
  return c;
}

TEST(Sweep, ExpandsInTheDocumentedOrder) {
  study::Grid g =
      study::grid_from_json(json::parse(R"({"kernel": ["linux-2.6.18-xen", "linux-2.6.31-pvops"],
                      "dom0_vcpus": [2, 4], "seed": [1, 2],
                      "params": {"evtchn_send_us": [1, 2]}})"),
                            tiny());
  EXPECT_EQ(study::grid_size(g), 16u);
  auto pts = study::expand(g);
  ASSERT_EQ(pts.size(), 16u);
  // kernel slowest, then vCPUs, then the parameter, seed fastest.
  EXPECT_EQ(pts[0].kernel, "linux-2.6.18-xen");
  EXPECT_EQ(pts[8].kernel, "linux-2.6.31-pvops");
  EXPECT_EQ(pts[0].dom0_vcpus, 2);
  EXPECT_EQ(pts[4].dom0_vcpus, 4);
  EXPECT_EQ(pts[0].params.get("evtchn_send_us"), 1);
  EXPECT_EQ(pts[2].params.get("evtchn_send_us"), 2);
  EXPECT_EQ(pts[0].seed, 1u);
  EXPECT_EQ(pts[1].seed, 2u);
  // Unswept values come from the base config.
  EXPECT_EQ(pts[5].topology, "nehalem-ep");
  EXPECT_EQ(pts[5].params.get("boot_probe_polls"), 300);
}

TEST(Sweep, GridSizeSaturatesInsteadOfWrapping) {
  study::Grid g;
  g.base = tiny();
  study::complete_grid(g);
  g.params.emplace_back("evtchn_send_us", std::vector<double>(100000, 1.0));
  g.params.emplace_back("queue_work_us", std::vector<double>(100000, 1.0));
  EXPECT_EQ(study::grid_size(g), 10000000000u);
}

TEST(Sweep, GridErrorsAreInputErrors) {
  const model::Config base = tiny();
  for (const char* bad : {
           R"([1, 2])",                              // not an object
           R"({"kernel": []})",                      // empty list
           R"({"colour": ["red"]})",                 // unknown key
           R"({"dom0_vcpus": ["four"]})",            // wrong type
           R"({"params": {"no_such": [1]}})",        // unknown parameter
           R"({"params": {"evtchn_send_us": []}})",  // empty list
           R"({"seed": [-1]})",                      // negative seed
       }) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(study::grid_from_json(json::parse(bad), base), InputError);
  }
  // Names are checked by validate_grid before anything runs.
  for (const char* bad :
       {R"({"kernel": ["linux-9"]})", R"({"strategy": ["pray"]})", R"({"placement": ["scatter"]})",
        R"({"dom0_vcpus": [99]})", R"({"topology": ["nowhere"]})",
        R"({"params": {"evtchn_send_us": [-1]}})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(study::validate_grid(study::grid_from_json(json::parse(bad), base)), InputError);
  }
}

TEST(Sweep, OutputIsTheSameForAnyThreadCount) {
  study::Grid g =
      study::grid_from_json(json::parse(R"({"kernel": ["linux-2.6.31-pvops", "linux-3.12"],
                      "strategy": ["mlock-per-call", "hcall-buffer-cache"],
                      "dom0_vcpus": [1, 4], "seed": [1, 2]})"),
                            tiny());
  const auto pts = study::expand(g);
  const std::string one = study::sweep_csv(g, study::run_sweep(pts, 1));
  const std::string two = study::sweep_csv(g, study::run_sweep(pts, 2));
  const std::string three = study::sweep_csv(g, study::run_sweep(pts, 3));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  EXPECT_NE(one.find("run,topology,kernel,strategy,placement,dom0_vcpus,seed,metric,value"),
            std::string::npos);
  EXPECT_EQ(one.find("wall_s"), std::string::npos);
}

TEST(Sweep, StopFlagInterruptsWithoutResults) {
  study::Grid g = study::grid_from_json(json::parse(R"({"seed": [1, 2, 3, 4]})"), tiny());
  std::atomic<bool> stop{true};
  EXPECT_THROW(study::run_sweep(study::expand(g), 2, &stop), study::SweepInterrupted);
}

TEST(Sweep, GridPointIsAMixedRadixNumberOverTheLists) {
  // 10^10 points: the point of any index without a list of them.
  study::Grid g;
  g.base = tiny();
  g.kernels = {"linux-2.6.18-xen", "linux-2.6.31-pvops"};
  study::complete_grid(g);
  std::vector<double> a(100000), b(100000);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = b[i] = static_cast<double>(i) / 1000;
  g.params.emplace_back("evtchn_send_us", a);
  g.params.emplace_back("queue_work_us", b);
  g.seeds = {7, 8};
  ASSERT_EQ(study::grid_size(g), 40000000000u);
  // index = ((kernel * 1e5 + evtchn) * 1e5 + queue_work) * 2 + seed
  const std::uint64_t i = ((1 * 100000ull + 12345) * 100000 + 678) * 2 + 1;
  const model::Config c = study::grid_point(g, i);
  EXPECT_EQ(c.kernel, "linux-2.6.31-pvops");
  EXPECT_EQ(c.params.get("evtchn_send_us"), a[12345]);
  EXPECT_EQ(c.params.get("queue_work_us"), b[678]);
  EXPECT_EQ(c.seed, 8u);
  const model::Config last = study::grid_point(g, study::grid_size(g) - 1);
  EXPECT_EQ(last.kernel, "linux-2.6.31-pvops");
  EXPECT_EQ(last.params.get("evtchn_send_us"), a.back());
  EXPECT_EQ(last.seed, 8u);
  // A parameter listed twice takes its later list, as the flags read.
  study::Grid twice;
  twice.base = tiny();
  study::complete_grid(twice);
  twice.params = {{"evtchn_send_us", {1, 2}}, {"evtchn_send_us", {3}}};
  EXPECT_EQ(study::grid_point(twice, 1).params.get("evtchn_send_us"), 3);
}

TEST(Sweep, OrderedPoolHandsOverInIndexOrderWithinTheWindow) {
  constexpr std::uint64_t n = 400;
  constexpr std::size_t window = 3;
  for (int jobs : {1, 2, 4}) {
    SCOPED_TRACE(jobs);
    std::mutex m;
    std::uint64_t emitted = 0, max_ahead = 0;
    std::vector<std::uint64_t> order;
    study::parallel_for_ordered(
        n, jobs, window,
        [&](std::uint64_t i) {
          std::lock_guard<std::mutex> lock(m);
          max_ahead = std::max(max_ahead, i + 1 - emitted);  // results alive, this one included
        },
        [&](std::uint64_t i) {
          std::lock_guard<std::mutex> lock(m);
          order.push_back(i);
          emitted = i + 1;
        });
    ASSERT_EQ(order.size(), n);
    for (std::uint64_t i = 0; i < n; ++i) EXPECT_EQ(order[i], i);
    EXPECT_LE(max_ahead, window);
  }
  // The first error by index wins, and nothing after it is handed over.
  std::vector<std::uint64_t> got;
  EXPECT_THROW(study::parallel_for_ordered(
                   100, 2, 4,
                   [](std::uint64_t i) {
                     if (i == 7) throw InputError("seven");
                   },
                   [&](std::uint64_t i) { got.push_back(i); }),
               InputError);
  EXPECT_LE(got.size(), 7u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i);
}

TEST(Sweep, StreamedOutputIsTheHeldSweepsForAnyThreadCount) {
  study::Grid g = study::grid_from_json(json::parse(R"({"kernel": ["linux-2.6.31-pvops"],
                      "strategy": ["mlock-per-call", "kernel-buffer"],
                      "dom0_vcpus": [1, 4], "seed": [1, 2, 3],
                      "params": {"evtchn_send_us": [1, 2.5]}})"),
                                        tiny());
  const auto held = study::run_sweep(study::expand(g), 2);
  const std::string csv = study::sweep_csv(g, held);
  const std::string json_text = study::sweep_json(g, held).dump(2) + "\n";
  for (int jobs : {1, 2, 3}) {
    SCOPED_TRACE(jobs);
    report::Rows rows;
    rows.columns = study::sweep_columns(g);
    report::JsonArrayText jt(study::sweep_json_head(g), "runs");
    std::string j = jt.begin();
    study::stream_sweep(g, jobs, [&](std::uint64_t i, const model::Result& r) {
      study::add_sweep_rows(rows, g, i, r);
      j += jt.element(study::sweep_json_run(g, i, r));
    });
    j += jt.end();
    EXPECT_EQ(report::to_csv(rows), csv);
    EXPECT_EQ(j, json_text);
  }
}

// Bytes the heap holds now (glibc).
std::size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

TEST(Sweep, HugeGridStreamsWithoutHoldingItsPoints) {
  // 10^7 runs: held as Configs (a parameter map each) that is tens of GB
  // before the first run. Streamed, the first rows come with the heap about
  // where it was; the sweep is stopped after three of them.
  study::Grid g;
  g.base = tiny();
  study::complete_grid(g);
  g.seeds.clear();
  for (std::uint64_t s = 1; s <= 10000; ++s) g.seeds.push_back(s);
  std::vector<double> v(1000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 1 + static_cast<double>(i) / 1000;
  g.params.emplace_back("evtchn_send_us", v);
  ASSERT_EQ(study::grid_size(g), 10000000u);
  const std::size_t before = heap_in_use();
  std::size_t peak = before;
  std::vector<std::uint64_t> rows;
  std::atomic<bool> stop{false};
  EXPECT_THROW(study::stream_sweep(
                   g, 2,
                   [&](std::uint64_t i, const model::Result& r) {
                     rows.push_back(i);
                     EXPECT_EQ(r.config.seed, i + 1);
                     peak = std::max(peak, heap_in_use());
                     if (rows.size() == 3) stop = true;
                   },
                   &stop),
               study::SweepInterrupted);
  ASSERT_EQ(rows.size(), 3u);
  for (std::uint64_t i = 0; i < 3; ++i) EXPECT_EQ(rows[i], i);
  EXPECT_LT(peak - before, std::size_t{64} << 20) << "the heap grew with the grid";
}

}  // namespace
