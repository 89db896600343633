// report.hpp: a Result as the JSON interface of `simulate --json`.
#pragma once

#include <nlohmann/json.hpp>

#include "model/scenario.hpp"

namespace ipistorm::model {

// The "metrics" object of the JSON interface: every row of metric_table().
nlohmann::json metrics_json(const Result& r);
// {"config", "metrics", "distributions", "provenance"}
nlohmann::json result_json(const Result& r);
// {"ghz": the clock cycle figures use, "source": where it came from
// ("assumed" when nothing said: topo::Topology::ghz_source)}.
nlohmann::json clock_json(const Result& r);
// {"ioport_latency_histogram": {"unit", "edges", "counts"}, "vcpu_wakes_by_idle_state":
// {"C0": [per vCPU], "C1": ..., "C3": ..., "C6": ...}}
nlohmann::json distributions_json(const Result& r);
nlohmann::json provenance_json();

}  // namespace ipistorm::model
