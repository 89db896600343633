// test_ranges.cpp: the plausible ranges of the chosen costs (params rows,
// issue 12) and the "ranges" a config file may give instead.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "model/params.hpp"
#include "model/scenario.hpp"
#include "run/config.hpp"

namespace model = ipistorm::model;
namespace run = ipistorm::run;
using ipistorm::InputError;

// Every chosen (not fitted) cost has a range; fitted rows and structure
// have none; each range holds its default, lies inside the row's accepted
// range, and says why.
TEST(Ranges, EveryChosenCostHasAPlausibleRange) {
  int with_range = 0;
  for (const auto& s : model::param_specs()) {
    const bool chosen = std::strncmp(s.source, "chosen", 6) == 0;
    if (s.fitted || std::string(s.name) == "page_bytes" || std::string(s.name) == "pagevec_size") {
      EXPECT_TRUE(s.range.empty()) << s.name << " is fitted or structure and takes no range";
      continue;
    }
    if (chosen) {
      EXPECT_FALSE(s.range.empty()) << s.name << " is chosen and needs a range";
    }
    if (s.range.empty()) continue;
    ++with_range;
    const auto& r = s.range;
    EXPECT_LT(r.low, r.high) << s.name;
    EXPECT_LE(r.low, s.value) << s.name;
    EXPECT_GE(r.high, s.value) << s.name;
    EXPECT_GE(r.low, s.min) << s.name;
    EXPECT_LE(r.high, s.max) << s.name;
    if (r.distribution == model::Distribution::kLogUniform) {
      EXPECT_GT(r.low, 0) << s.name;
    }
    EXPECT_GT(std::strlen(r.source), 10u) << s.name << " needs a range source";
  }
  EXPECT_GE(with_range, 40);
}

TEST(Ranges, RelativeRangesResolveAroundTheDefault) {
  const auto* ipi = model::find_param("ipi_same_core_us");  // factor 2 of 0.4
  EXPECT_EQ(ipi->range.distribution, model::Distribution::kLogUniform);
  EXPECT_DOUBLE_EQ(ipi->range.low, 0.2);
  EXPECT_DOUBLE_EQ(ipi->range.high, 0.8);
  const auto* c3 = model::find_param("cstate_c3_exit_us");  // +-20 % of 20
  EXPECT_EQ(c3->range.distribution, model::Distribution::kUniform);
  EXPECT_DOUBLE_EQ(c3->range.low, 16);
  EXPECT_DOUBLE_EQ(c3->range.high, 24);
}

TEST(Ranges, ConfigFileRangesAreChecked) {
  auto apply = [](const char* text) {
    model::Config c;
    run::apply_json(c, nlohmann::json::parse(text));
    return c;
  };
  const model::Config ok =
      apply(R"({"ranges": {"evtchn_send_us": {"range": [0.5, 3], "distribution": "uniform"}}})");
  ASSERT_EQ(ok.ranges.count("evtchn_send_us"), 1u);
  EXPECT_EQ(ok.ranges.at("evtchn_send_us").distribution, model::Distribution::kUniform);
  EXPECT_EQ(ok.ranges.at("evtchn_send_us").high, 3);
  // Round trip through the resolved config.
  model::Config back;
  run::apply_json(back, run::to_json(ok));
  EXPECT_EQ(back.ranges.at("evtchn_send_us").low, 0.5);
  // The table's distribution when none is given.
  EXPECT_EQ(apply(R"({"ranges": {"syscall_us": {"range": [0.1, 1]}}})")
                .ranges.at("syscall_us")
                .distribution,
            model::Distribution::kLogUniform);
  for (const char* bad : {
           R"({"ranges": {"evtchn_send_us": {"range": [3, 0.5]}}})",        // inverted
           R"({"ranges": {"evtchn_send_us": {"range": [1, 1]}}})",          // empty
           R"({"ranges": {"evtchn_send_us": {"range": [0, 2]}}})",          // 0 in log-uniform
           R"({"ranges": {"nolock_fault_prob": {"range": [0.1, 0.95]}}})",  // outside [0, 0.9]
           R"({"ranges": {"evtchn_send_us": {"range": [1, 2], "distribution": "normal"}}})",
           R"({"ranges": {"no_such_cost": {"range": [1, 2]}}})",
           R"({"ranges": {"evtchn_send_us": {"range": [1]}}})",
           R"({"ranges": {"evtchn_send_us": [1, 2]}})",
       })
    EXPECT_THROW(apply(bad), InputError) << bad;
}
