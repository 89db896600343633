// bind_params.cpp: the cost model's table and the registries the model is
// built from (kernel presets, hypercall-buffer strategies, placements), as
// lists of records; ipistorm.params() etc. turn them into DataFrames. Names
// always come from the registries, so a strategy added to its table shows up
// here with no change. Covered by tests/test_params.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "model/kernels/kernel_policy.hpp"
#include "model/metrics.hpp"
#include "model/params.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "py_json.hpp"

namespace ipistorm::py {

void bind_params(pyb::module_& m) {
  // tests/test_params.py: test_params_table_matches_cli, test_params_columns
  m.def("_params", [] {
    pyb::list out;
    for (const auto& p : model::param_specs()) {
      pyb::dict d;
      d["name"] = p.name;
      d["value"] = p.value;
      d["unit"] = p.unit;
      d["group"] = p.group;
      d["fitted"] = p.fitted;
      d["integer"] = p.integer();
      d["type"] = model::type_name(p.type);
      d["min"] = p.min;
      d["max"] = p.max;
      d["field"] = p.field;
      d["source"] = p.source;
      const bool has = !p.range.empty();
      d["distribution"] = model::distribution_name(p.range.distribution);
      d["range_low"] = has ? p.range.low : std::nan("");
      d["range_high"] = has ? p.range.high : std::nan("");
      d["range_source"] = p.range.source;
      out.append(d);
    }
    return out;
  });

  // tests/test_params.py: test_metric_table_names_the_json_metrics
  m.def("_metrics", [] {
    pyb::list out;
    for (const auto& x : model::metric_table()) {
      pyb::dict d;
      d["name"] = x.name;
      d["label"] = x.label;
      d["unit"] = x.unit;
      d["format"] = model::format_name(x.format);
      d["computation"] = x.computation;
      d["deterministic"] = x.deterministic;
      out.append(d);
    }
    return out;
  });

  // tests/test_params.py: test_registries_match_cli
  m.def("_kernels", [] {
    pyb::list out;
    for (const auto& k : model::kernel_policies()) {
      pyb::dict d;
      d["name"] = k.name;
      d["summary"] = k.summary;
      d["source"] = k.source;
      out.append(d);
    }
    return out;
  });
  m.def("_strategies", [] {
    pyb::list out;
    for (const auto& s : model::strategies()) {
      pyb::dict d;
      d["name"] = s.name;
      d["summary"] = s.summary;
      d["mirrors"] = s.mirrors;
      d["safe"] = s.safe;
      out.append(d);
    }
    return out;
  });
  m.def(
      "placements", [] { return model::placement_names(); },
      "vCPU placements: which physical CPU each dom0 vCPU runs on.");
}

}  // namespace ipistorm::py
