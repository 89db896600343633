// bind_simulate.cpp: one simulated run. The config travels as the same
// JSON object a `simulate --config` file holds (model::apply_json checks it),
// the run happens without the GIL (Ctrl-C cancels it), and the result keeps the C++ Result so
// metrics, config and provenance are exactly what `simulate --json` writes.
// Covered by tests/test_simulate.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>

#include "interrupt.hpp"
#include "model/scenario.hpp"
#include "model/sweep.hpp"
#include "py_json.hpp"

namespace ipistorm::py {

namespace {

using model::Config;
using model::Result;
using model::Series;

pyb::array_t<double> to_array(const std::vector<double>& v) {
  return pyb::array_t<double>(static_cast<pyb::ssize_t>(v.size()), v.data());  // a copy
}

}  // namespace

// Build a Config from a Python mapping (keys as a JSON config file).
// Shared with bind_sweep.cpp and bind_reproduce.cpp.
Config config_from_py(pyb::handle config) {
  Config c;
  if (!config.is_none()) model::apply_json(c, to_json(config, "config"));
  return c;
}

void bind_simulate(pyb::module_& m) {
  // tests/test_simulate.py: test_series_arrays
  pyb::class_<Series>(m, "Series", "Per-window series over the boot (window_s wide windows).")
      .def_property_readonly(
          "time_s", [](const Series& s) { return to_array(s.time_s); }, "window start (s)")
      .def_property_readonly(
          "dom0_util_pct", [](const Series& s) { return to_array(s.dom0_util_pct); },
          "dom0 CPU, percent of one CPU, summed over vCPUs")
      .def_property_readonly(
          "resched_ipis_per_s", [](const Series& s) { return to_array(s.resched_ipis_per_s); },
          "reschedule IPIs per second")
      .def("__len__", [](const Series& s) { return s.time_s.size(); })
      .def(
          "to_frame",
          [](const Series& s) {
            pyb::dict cols;
            cols["time_s"] = to_array(s.time_s);
            cols["dom0_util_pct"] = to_array(s.dom0_util_pct);
            cols["resched_ipis_per_s"] = to_array(s.resched_ipis_per_s);
            return pyb::module_::import("pandas").attr("DataFrame")(cols);
          },
          "the series as a pandas.DataFrame");

  // tests/test_simulate.py: test_metrics_match_cli, test_result_fields
  pyb::class_<Result>(m, "SimResult", "The outcome of one run: metrics, resolved config, series.")
      .def_property_readonly(
          "metrics", [](const Result& r) { return from_json(model::metrics_json(r)); },
          "the \"metrics\" object of `ipistorm simulate --json`")
      .def_property_readonly(
          "config", [](const Result& r) { return from_json(model::to_json(r.config)); },
          "the resolved config (dom0_vcpus and cpu_ghz filled in, every parameter)")
      .def_property_readonly(
          "provenance", [](const Result&) { return from_json(model::provenance_json()); },
          "version, git commit and host")
      .def_property_readonly(
          "series", [](const Result& r) { return r.series; }, "per-window series")
      .def_property_readonly("events", [](const Result& r) { return r.events; })
      .def_property_readonly(
          "wall_s", [](const Result& r) { return r.wall_s; }, "host seconds the run took")
      .def_property_readonly("topology_description",
                             [](const Result& r) { return r.topology_description; })
      // tests/test_sweep.py: test_flat_metrics_names
      .def_property_readonly(
          "flat_metrics", [](const Result& r) { return model::flat_metrics(r); },
          "metrics as (name, value) pairs with dotted names, the rows of a sweep")
      .def(
          "to_json", [](const Result& r) { return from_json(model::result_json(r)); },
          "the whole `simulate --json` document: config, metrics, provenance")
      .def("__repr__", [](const Result& r) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2f s", model::boot_time_s(r));
        return "<ipistorm.SimResult " + r.config.kernel + ", " + r.config.strategy + ", " +
               std::to_string(r.config.dom0_vcpus) + " dom0 vCPUs (" + r.config.placement +
               ") on " + r.config.topology + ", seed " + std::to_string(r.config.seed) + ": boot " +
               buf + ">";
      });

  // tests/test_simulate.py: test_gil_released, test_keyboard_interrupt_stops_run,
  // test_bad_values_are_value_errors
  m.def(
      "_simulate",
      [](pyb::object config) {
        const Config c = config_from_py(config);
        return call_interruptible(
            [&](const std::atomic<bool>* stop) { return model::run(c, stop); });
      },
      pyb::arg("config"), "Run one config (a JSON-style dict). Use ipistorm.simulate().");

  // tests/test_simulate.py: test_default_config
  m.def(
      "_resolve_config",
      [](pyb::object config) { return from_json(model::to_json(config_from_py(config))); },
      pyb::arg("config"), "The config with every default filled in (no run).");
}

}  // namespace ipistorm::py
