// report.hpp: a Result as the JSON interface of `simulate --json`.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::run {

// The "metrics" object of the JSON interface: every row of metric_table().
nlohmann::json metrics_json(const model::Result& r);
// {"config", "metrics", "distributions", "provenance"}
nlohmann::json result_json(const model::Result& r);
// {"ghz": the clock cycle figures use, "source": where it came from
// ("assumed" when nothing said: topo::Topology::ghz_source)}.
nlohmann::json clock_json(const model::Result& r);
// The distributions a run reports besides its figures (the metric table's
// rows are single numbers): one row each, as the metric table's, and
// "distributions" of the JSON is built from this table alone.
struct DistributionSpec {
  const char* name;         // key in "distributions"
  const char* computation;  // what it holds, in words
  nlohmann::json (*value)(const model::Result&);
};
const std::vector<DistributionSpec>& distribution_table();
// {name: value(r)} for every row of distribution_table():
// {"ioport_latency_histogram": {"unit", "note", "edges", "counts"}, "vcpu_wakes_by_idle_state":
// {"C0": [per vCPU], "C1": ..., "C3": ..., "C6": ...}}
nlohmann::json distributions_json(const model::Result& r);
nlohmann::json provenance_json();

}  // namespace ipistorm::run
