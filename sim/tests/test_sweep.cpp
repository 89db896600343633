// test_sweep.cpp: grid expansion order, sizes, grid errors, and that a
// sweep's output does not depend on the number of threads.
#include <gtest/gtest.h>

#include "errors.hpp"
#include "study/sweep.hpp"

namespace model = ipistorm::model;
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
  model::Grid g =
      model::grid_from_json(json::parse(R"({"kernel": ["linux-2.6.18-xen", "linux-2.6.31-pvops"],
                      "dom0_vcpus": [2, 4], "seed": [1, 2],
                      "params": {"evtchn_send_us": [1, 2]}})"),
                            tiny());
  EXPECT_EQ(model::grid_size(g), 16u);
  auto pts = model::expand(g);
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
  model::Grid g;
  g.base = tiny();
  model::complete_grid(g);
  g.params.emplace_back("evtchn_send_us", std::vector<double>(100000, 1.0));
  g.params.emplace_back("queue_work_us", std::vector<double>(100000, 1.0));
  EXPECT_EQ(model::grid_size(g), 10000000000u);
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
    EXPECT_THROW(model::grid_from_json(json::parse(bad), base), InputError);
  }
  // Names are checked by validate_grid before anything runs.
  for (const char* bad :
       {R"({"kernel": ["linux-9"]})", R"({"strategy": ["pray"]})", R"({"placement": ["scatter"]})",
        R"({"dom0_vcpus": [99]})", R"({"topology": ["nowhere"]})",
        R"({"params": {"evtchn_send_us": [-1]}})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(model::validate_grid(model::grid_from_json(json::parse(bad), base)), InputError);
  }
}

TEST(Sweep, OutputIsTheSameForAnyThreadCount) {
  model::Grid g =
      model::grid_from_json(json::parse(R"({"kernel": ["linux-2.6.31-pvops", "linux-3.12"],
                      "strategy": ["mlock-per-call", "hcall-buffer-cache"],
                      "dom0_vcpus": [1, 4], "seed": [1, 2]})"),
                            tiny());
  const auto pts = model::expand(g);
  const std::string one = model::sweep_csv(g, model::run_sweep(pts, 1));
  const std::string two = model::sweep_csv(g, model::run_sweep(pts, 2));
  const std::string three = model::sweep_csv(g, model::run_sweep(pts, 3));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  EXPECT_NE(one.find("run,topology,kernel,strategy,placement,dom0_vcpus,seed,metric,value"),
            std::string::npos);
  EXPECT_EQ(one.find("wall_s"), std::string::npos);
}

TEST(Sweep, StopFlagInterruptsWithoutResults) {
  model::Grid g = model::grid_from_json(json::parse(R"({"seed": [1, 2, 3, 4]})"), tiny());
  std::atomic<bool> stop{true};
  EXPECT_THROW(model::run_sweep(model::expand(g), 2, &stop), model::SweepInterrupted);
}

}  // namespace
