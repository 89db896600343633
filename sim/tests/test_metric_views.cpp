// test_metric_views.cpp: a metric is one row of the metric table, and the
// tables for people read the row's views column (model/metrics.hpp). This
// file registers a row that exists only in this test program and shows,
// through the subcommands' own code (cli/*_command.cpp), that it appears in
// every table its views list (simulate, compare and its --wide CSV, sweep,
// reproduce's figure names, the latency breakdown) with no other edit; and
// that each of those tables shows exactly the rows of its view, in order.
// A program of its own: the extra row would change other tests' outputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/compare_command.hpp"
#include "cli/simulate_command.hpp"
#include "cli/sweep_command.hpp"
#include "cli/tables.hpp"
#include "model/metrics.hpp"
#include "run/report.hpp"
#include "run/world.hpp"
#include "study/reproduce.hpp"

namespace ipistorm {
namespace {

using model::MetricSpec;
using model::View;

// The test-only row: every view, last in each (its position), a value no
// real figure has.
const model::MetricRegistration kTestRow{{"test_only.figure",
                                          "test-only figure",
                                          "widgets",
                                          model::MetricFormat::kFixed2,
                                          "a row registered from sim/tests/test_metric_views.cpp",
                                          true,
                                          [](const model::Result&) { return 4242.25; },
                                          {{View::kSimulate, 100000},
                                           {View::kCompare, 100000},
                                           {View::kSweep, 100000},
                                           {View::kReproduce, 0, "test_only_figure"},
                                           {View::kBreakdown, 100000}}}};

// What `body` prints on standard output.
template <class F>
std::string captured(F body) {
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  try {
    body();
  } catch (...) {
    std::cout.rdbuf(old);
    throw;
  }
  std::cout.rdbuf(old);
  return out.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

model::Config tiny() {
  model::Config c;
  c.kernel = "linux-2.6.18-xen";
  c.dom0_vcpus = 2;
  return c;
}

// The positions of `needles` in `text`, each after the one before: -1 when
// one is missing or out of order.
bool in_order(const std::string& text, const std::vector<std::string>& needles) {
  std::size_t at = 0;
  for (const auto& n : needles) {
    const std::size_t p = text.find(n, at);
    if (p == std::string::npos) {
      ADD_FAILURE() << "'" << n << "' missing (or out of order) in:\n" << text;
      return false;
    }
    at = p + n.size();
  }
  return true;
}

std::vector<std::string> labels(View v) {
  std::vector<std::string> out;
  for (const MetricSpec* m : model::metrics_in_view(v)) out.emplace_back(m->label);
  return out;
}

std::vector<std::string> titles(View v) {
  std::vector<std::string> out;
  for (const MetricSpec* m : model::metrics_in_view(v)) out.push_back(cli::column_title(m->name));
  return out;
}

TEST(MetricViews, TheRegisteredRowIsInEveryViewItLists) {
  for (View v :
       {View::kSimulate, View::kCompare, View::kSweep, View::kReproduce, View::kBreakdown}) {
    const auto rows = model::metrics_in_view(v);
    ASSERT_FALSE(rows.empty()) << model::view_name(v);
    EXPECT_STREQ(rows.back()->name, "test_only.figure") << model::view_name(v);
  }
  EXPECT_STREQ(study::figure_metric("test_only_figure").name, "test_only.figure");
  EXPECT_THROW(model::MetricRegistration(model::metric("boot_time_s")), std::logic_error);
}

TEST(MetricViews, ViewsOrderByPositionThenTable) {
  // simulate: the total before the rates (position), sweep: the rate before
  // the utilisation (position); compare: table order.
  const auto sim = labels(View::kSimulate);
  EXPECT_EQ(sim.front(), "guest boot time");
  const auto at = [&](const std::string& l) { return std::find(sim.begin(), sim.end(), l); };
  EXPECT_LT(at("resched IPIs total"), at("resched IPIs mean"));
  const auto sweep = model::metrics_in_view(View::kSweep);
  ASSERT_GE(sweep.size(), 4u);
  EXPECT_STREQ(sweep[2]->name, "resched_ipis_per_s.peak");
  EXPECT_STREQ(sweep[3]->name, "dom0_util_pct.peak");
  EXPECT_STREQ(model::view_name_of(model::metric("dom0_util_pct.peak"), View::kReproduce).c_str(),
               "dom0_util_peak_pct");
}

TEST(MetricViews, SimulateShowsItsViewAndTheBreakdown) {
  const model::Result r = run::run(tiny());
  std::ostringstream os;
  cli::print_result(os, r);
  const std::string text = os.str();
  in_order(text, labels(View::kSimulate));
  EXPECT_NE(text.find("4242.25  widgets"), std::string::npos) << text;
  // The breakdown comes after the table, its rows in view order.
  in_order(text.substr(text.find("ioport latency part")), labels(View::kBreakdown));
  // A row not in the view stays out ("ioport accesses" is JSON and CSV only).
  EXPECT_EQ(text.find("ioport accesses"), std::string::npos);
  // The JSON carries every row, the test-only one included.
  EXPECT_EQ(run::metrics_json(r)["test_only"]["figure"].get<double>(), 4242.25);
}

TEST(MetricViews, CompareShowsItsViewInTheTableAndTheWideCsv) {
  char dir[] = "/tmp/ipistorm_views_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  cli::CompareOptions o;
  o.run.topology = "nehalem-ep";
  o.run.dom0_vcpus = 2;
  o.kernels = {"linux-2.6.18-xen"};
  o.strategies = {"mlock-per-call"};
  o.csv_file = std::string(dir) + "/cmp.csv";
  o.wide = true;
  o.jobs = 1;
  cli::set_table_width(0);  // every column, so that the last one shows
  const std::string text = captured([&] { cli::run_compare(o); });
  cli::set_table_width(cli::kTableWidth);
  in_order(text, titles(View::kCompare));
  EXPECT_NE(text.find("4242.25"), std::string::npos) << text;
  const std::string csv = read_file(o.csv_file);
  std::vector<std::string> names;
  for (const MetricSpec* m : model::metrics_in_view(View::kCompare)) names.emplace_back(m->name);
  in_order(csv.substr(0, csv.find('\n')), names);
  std::remove(o.csv_file.c_str());
  rmdir(dir);
}

TEST(MetricViews, SweepShowsItsView) {
  cli::SweepOptions o;
  o.kernels = {"linux-2.6.18-xen"};
  o.vcpus = {"2"};
  o.jobs = 1;
  cli::set_table_width(0);
  const std::string text = captured([&] { cli::run_sweep_command(o); });
  cli::set_table_width(cli::kTableWidth);
  in_order(text, titles(View::kSweep));
  EXPECT_NE(text.find("4242.25"), std::string::npos) << text;
}

TEST(MetricViews, DistributionsAreRowsToo) {
  const nlohmann::json d = run::distributions_json(run::run(tiny()));
  ASSERT_EQ(d.size(), run::distribution_table().size());
  for (const auto& row : run::distribution_table()) {
    EXPECT_TRUE(d.contains(row.name)) << row.name;
    EXPECT_GT(std::string(row.computation).size(), 10u) << row.name;
  }
  EXPECT_FALSE(d["ioport_latency_histogram"]["counts"].empty());
}

}  // namespace
}  // namespace ipistorm
