// test_reproduce.cpp: the report's figures from the mechanism (README
// "Reproduction targets"), determinism, and bad input through run().
#include <gtest/gtest.h>

#include "errors.hpp"
#include "model/scenario.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "run/world.hpp"
#include "study/reproduce.hpp"

namespace model = ipistorm::model;
namespace run = ipistorm::run;
namespace study = ipistorm::study;
using ipistorm::InputError;

namespace {

const std::vector<study::ReproOutcome>& outcomes() {
  static const auto o = study::run_reproduce(model::Config{}, 2);
  return o;
}

const study::Figure& figure(const std::string& scenario, const std::string& name) {
  for (const auto& o : outcomes())
    if (o.scenario.name == scenario)
      for (const auto& f : o.scenario.figures)
        if (f.name == name) return f;
  throw std::logic_error("no figure " + scenario + "/" + name);
}

// Every target of the report that the model meets, each checked against its
// accepted range. The one it does not meet (the pvops reschedule-IPI peak)
// is checked below against the documented deviation.
TEST(Reproduce, FiguresWithinTolerance) {
  for (const auto& [s, f] : std::vector<std::pair<std::string, std::string>>{
           {"2.6.18-xen", "boot_time_s"},
           {"2.6.18-xen", "dom0_util_peak_pct"},
           {"2.6.18-xen", "ioport_latency_mean_cycles"},
           {"pvops", "boot_time_s"},
           {"pvops", "dom0_util_peak_pct"},
           {"pvops", "ioport_latency_mean_cycles"},
           {"pvops-no-lock", "boot_time_s"}}) {
    const study::Figure& fig = figure(s, f);
    EXPECT_TRUE(fig.ok) << s << " " << f << " = " << fig.model << " not in [" << fig.lo << ", "
                        << fig.hi << "]";
  }
}

// The report's formula holds exactly for every vCPU count.
TEST(Reproduce, DrainTargetIpisPerMlockAreVcpusMinusOne) {
  int checked = 0;
  for (const auto& o : outcomes()) {
    if (o.scenario.name.find("formula") == std::string::npos) continue;
    const int v = o.result.config.dom0_vcpus;
    EXPECT_DOUBLE_EQ(study::figure_value("drain_target_ipis_per_mlock", o.result), v - 1.0);
    EXPECT_GT(o.result.metrics.mlock_calls, 0u);
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

// Known deviation (README "Reproduction targets"): with one set_isa_irq_level
// hypercall per IDE access, about 15.3 reschedule IPIs per mlock (15 to drain
// targets, caller wakes mostly absorbed by the polling idle loop) and the
// boot time fitted, the densest second has about 9.7k mlocks, not the 13k the
// report's "200+k in max" implies (<= ~78 us per access against its 102-112 us
// mean). The peak must stay a storm of that order: well above the 2.6.18 dom0,
// which sends none.
TEST(Reproduce, IpiPeakIsWithinTheDocumentedDeviation) {
  const study::Figure& ipi = figure("pvops", "resched_ipis_peak_per_s");
  EXPECT_GT(ipi.model, 130000.0);
  EXPECT_LT(ipi.model, 200000.0);  // when this passes 200k, move it to the list above
  for (const auto& o : outcomes()) {
    if (o.scenario.name == "2.6.18-xen") {
      EXPECT_EQ(o.result.metrics.ipis_total, 0u);
    }
  }
}

// The mechanism, not a constant: no-lock removes every drain and IPI, and
// pvops makes each ioport access several times slower than 2.6.18.
TEST(Reproduce, MechanismOrdersTheScenarios) {
  const double lat18 = figure("2.6.18-xen", "ioport_latency_mean_cycles").model;
  const double latpv = figure("pvops", "ioport_latency_mean_cycles").model;
  EXPECT_GT(latpv / lat18, 5.0);
  for (const auto& o : outcomes()) {
    if (o.scenario.name != "pvops-no-lock") continue;
    EXPECT_EQ(o.result.metrics.drains_all, 0u);
    EXPECT_EQ(o.result.metrics.ipis_total, 0u);
    EXPECT_EQ(o.result.metrics.mlock_calls, 0u);
  }
}

TEST(Reproduce, SameConfigAndSeedGiveIdenticalResults) {
  model::Config c;
  c.kernel = "linux-2.6.31-pvops";
  c.dom0_vcpus = 8;
  c.params.set("boot_probe_polls", 3000);
  c.params.set("boot_firmware_polls", 500);
  c.params.set("boot_firmware_sectors", 100);
  c.params.set("boot_init_polls", 20);
  c.params.set("boot_init_cpu_s", 0.05);
  model::Result a = run::run(c);
  model::Result b = run::run(c);
  nlohmann::json ja = run::metrics_json(a), jb = run::metrics_json(b);
  ja.erase("wall_s");
  jb.erase("wall_s");
  EXPECT_EQ(ja.dump(), jb.dump());
  c.seed = 2;
  nlohmann::json jc = run::metrics_json(run::run(c));
  jc.erase("wall_s");
  EXPECT_NE(ja.dump(), jc.dump());
}

TEST(Reproduce, ThreadCountDoesNotChangeOutput) {
  model::Config c;
  c.params.set("boot_probe_polls", 2000);
  c.params.set("boot_firmware_polls", 200);
  c.params.set("boot_init_polls", 10);
  c.params.set("boot_init_cpu_s", 0.05);
  auto strip = [](nlohmann::json j) {
    for (auto& s : j["scenarios"]) s["metrics"].erase("wall_s");
    return j["scenarios"].dump();
  };
  EXPECT_EQ(strip(study::reproduce_json(study::run_reproduce(c, 1))),
            strip(study::reproduce_json(study::run_reproduce(c, 2))));
}

TEST(Reproduce, BadConfigsAreInputErrors) {
  model::Config c;
  c.dom0_vcpus = 17;
  EXPECT_THROW(run::run(c), InputError);
  c.dom0_vcpus = 0;
  c.kernel = "linux-1.0";
  EXPECT_THROW(run::run(c), InputError);
  c.kernel = "linux-2.6.31-pvops";
  c.strategy = "magic";
  EXPECT_THROW(run::run(c), InputError);
  c.strategy = "no-lock";
  c.placement = "scatter";
  EXPECT_THROW(run::run(c), InputError);
  EXPECT_THROW(c.params.set("evtchn_send_us", -1), InputError);
  EXPECT_THROW(c.params.set_from_string("evtchn_send_us", "fast"), InputError);
  EXPECT_THROW(c.params.set("no_such_param", 1), InputError);
  EXPECT_THROW(c.params.set("pagevec_size", 2.5), InputError);
  EXPECT_THROW(run::apply_json(c, nlohmann::json::parse(R"({"dom0_vcpus": "many"})")), InputError);
  EXPECT_THROW(run::apply_json(c, nlohmann::json::parse(R"({"colour": 1})")), InputError);
}

}  // namespace
