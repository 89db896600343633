// test_uncertainty.cpp: the uncertainty studies (study/sampling.hpp and the
// *_uncertainty studies): the Sobol' design, a sample at the defaults, the
// per-sample re-fit, paired win fractions, thread-count independence.
#include <gtest/gtest.h>

#include <cmath>

#include "errors.hpp"
#include "study/compare_uncertainty.hpp"
#include "study/points_uncertainty.hpp"
#include "study/reproduce.hpp"
#include "study/reproduce_uncertainty.hpp"
#include "study/sampling.hpp"
#include "toy.hpp"

namespace model = ipistorm::model;
namespace study = ipistorm::study;
using ipistorm::InputError;

namespace {

// A boot of a few hundred accesses: milliseconds per run.
model::Config tiny() { return model::testing::short_boot(0.01, 300); }

// A boot of 10000 polls whose pvops scenario takes the fit's 42 s at the
// default costs (the guest CPU fills the rest): a few tenths of a second per
// run, with the fitted cost's leverage on the boot time (0.15 s per us).
model::Config short_at_42() {
  return model::testing::short_boot_at_fit_target(10000, study::fitted_cost().tolerance / 4);
}

}  // namespace

TEST(Uncertainty, SampleCountIsChecked) {
  EXPECT_THROW(study::check_sample_count(1), InputError);
  EXPECT_THROW(study::check_sample_count(0), InputError);
  EXPECT_THROW(study::check_sample_count(static_cast<long long>(study::kMaxSamples) + 1),
               InputError);
  EXPECT_NO_THROW(study::check_sample_count(2));
}

// Deterministic for a seed, different across seeds, inside every range, and
// balanced: a Sobol' net puts half of the points in each half of each axis.
TEST(Uncertainty, SobolDesignIsDeterministicBalancedAndInRange) {
  const auto dims = study::dimensions(model::Config{}, true);
  ASSERT_GE(dims.size(), 40u);
  for (const auto& d : dims) EXPECT_NE(d.name, "queue_work_us");
  const auto a = study::sobol_design(dims, 64, 7), b = study::sobol_design(dims, 64, 7);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, study::sobol_design(dims, 64, 8));
  for (std::size_t j = 0; j < dims.size(); ++j) {
    int low_half = 0;
    const auto& d = dims[j];
    const double mid = d.distribution == model::Distribution::kLogUniform
                           ? std::sqrt(d.low * d.high)
                           : (d.low + d.high) / 2;
    for (const auto& row : a) {
      EXPECT_GE(row[j], d.low) << d.name;
      EXPECT_LE(row[j], d.high) << d.name;
      low_half += row[j] < mid ? 1 : 0;
    }
    if (!d.integer) {
      EXPECT_EQ(low_half, 32) << d.name;
    }
  }
}

// A config's "ranges" replace the table's; the fitted cost takes none
// while it is re-fitted.
TEST(Uncertainty, ConfigRangesReplaceTheTables) {
  model::Config c;
  c.ranges["evtchn_send_us"] =
      model::checked_range("evtchn_send_us", model::Distribution::kUniform, 0.9, 1.1);
  for (const auto& d : study::dimensions(c, true))
    if (d.name == "evtchn_send_us") {
      EXPECT_EQ(d.low, 0.9);
      EXPECT_EQ(d.source, "config file");
    }
  c.ranges["queue_work_us"] =
      model::checked_range("queue_work_us", model::Distribution::kUniform, 1, 5);
  EXPECT_THROW(study::dimensions(c, true), InputError);
  EXPECT_NO_THROW(study::dimensions(c, false));
}

// A sample with every cost at its default, re-fitted, is `reproduce`: the
// fit converges in its first run at the table's value, and every figure of
// every scenario is the one run_reproduce gives (the short boot keeps the
// runs short; the costs are the table's).
TEST(Uncertainty, SampleAtTheDefaultsReproducesReproduce) {
  const model::Config base = short_at_42();
  study::Sample s;
  const std::vector<double> figs = study::reproduce_figures(base, true, s);
  EXPECT_TRUE(s.fit.converged);
  EXPECT_EQ(s.fit.runs, 1);
  EXPECT_EQ(s.fit.value, base.params.get("queue_work_us"));
  std::vector<double> expected;
  for (const auto& o : study::run_reproduce(base, 2))
    for (const auto& f : o.scenario.figures) expected.push_back(f.model);
  EXPECT_EQ(figs, expected);
}

// Every sample's re-fit meets the pvops boot time within its tolerance, over
// the table's plausible ranges, on the short boot at 42 s; the runs of the
// study carry the sample's fitted value.
TEST(Uncertainty, RefitPerSampleHitsItsTarget) {
  const model::Config base = short_at_42();
  study::StudyOptions o;
  o.n = 2;
  o.jobs = 2;
  const auto u = study::points_uncertainty(base, {tiny()}, o);
  ASSERT_EQ(u.samples.size(), 2u);
  int refits = 0;
  for (const auto& s : u.samples) {
    ASSERT_TRUE(s.refit);
    EXPECT_TRUE(s.fit.converged) << s.fit.reason;
    EXPECT_LE(std::fabs(s.fit.achieved - 42.0), study::fitted_cost().tolerance);
    refits += s.fit.runs > 1 ? 1 : 0;
  }
  EXPECT_GT(refits, 0);  // at least one sample missed the target at first
  EXPECT_EQ(u.at(0, 1).config.params.get("queue_work_us"), u.samples[1].fit.value);
}

// no-lock never drains (it never calls mlock), so it boots faster than
// mlock-per-call on the pvops kernel in every sample; -j 1 and -j 2 agree.
TEST(Uncertainty, WinFractionIsOneForAStrategyFasterByConstruction) {
  model::Config base = tiny();
  base.topology = "pack:1 core:4 pu:1";
  base.dom0_vcpus = 4;
  std::vector<model::Config> points;
  for (const char* s : {"no-lock", "mlock-per-call"}) {
    model::Config c = base;
    c.strategy = s;
    points.push_back(c);
  }
  study::StudyOptions o;
  o.n = 16;
  o.refit = false;
  o.jobs = 1;
  const auto one = study::compare_uncertainty(base, points, o);
  o.jobs = 2;
  const auto two = study::compare_uncertainty(base, points, o);
  EXPECT_EQ(one.win[0][1], 1.0);
  EXPECT_EQ(one.win[1][0], 0.0);
  EXPECT_EQ(study::compare_uncertainty_json(one).dump(),
            study::compare_uncertainty_json(two).dump());
  ASSERT_FALSE(one.verdicts.empty());
  EXPECT_EQ(one.verdicts[0], "no-lock faster than mlock-per-call in 100 % of 16 samples");
}
