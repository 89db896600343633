// bind_simulate.cpp: one simulated run. The config travels as the same
// JSON object a `simulate --config` file holds (run::apply_json checks it),
// the run happens without the GIL (Ctrl-C cancels it), and the result holds the run's
// `simulate --json` document (metrics, config, provenance exactly as the CLI writes them)
// and its series as plain data, so a SimResult pickles.
// Covered by tests/test_simulate.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>

#include "interrupt.hpp"
#include "io/files.hpp"
#include "io/limits.hpp"
#include "model/scenario.hpp"
#include "py_json.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "run/traced_run.hpp"
#include "run/world.hpp"
#include "study/sweep.hpp"

namespace ipistorm::py {

namespace {

using model::Config;
using model::Result;
using model::Series;

pyb::array_t<double> to_array(const std::vector<double>& v) {
  return pyb::array_t<double>(static_cast<pyb::ssize_t>(v.size()), v.data());  // a copy
}

// What Python holds of a run: everything its properties return, computed
// once from the C++ Result (whose histograms do not pickle), as plain data.
struct SimResult {
  nlohmann::json doc;  // result_json: config, metrics, provenance of the run
  Series series;
  std::uint64_t events = 0;
  double wall_s = 0;
  std::string topology_description;
  std::vector<std::pair<std::string, double>> flat_metrics;
  std::string repr;

  static SimResult from(const Result& r) {
    SimResult s;
    s.doc = run::result_json(r);
    s.series = r.series;
    s.events = r.events;
    s.wall_s = r.wall_s;
    s.topology_description = r.topology_description;
    s.flat_metrics = study::flat_metrics(r);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f s", model::metric_value("boot_time_s", r));
    s.repr = "<ipistorm.SimResult " + r.config.kernel + ", " + r.config.strategy + ", " +
             std::to_string(r.config.dom0_vcpus) + " dom0 vCPUs (" + r.config.placement + ") on " +
             r.config.topology + ", seed " + std::to_string(r.config.seed) + ": boot " + buf + ">";
    return s;
  }
};

// Bumped when the pickled layout changes.
constexpr int kPickleVersion = 1;

pyb::tuple series_state(const Series& s) {
  return pyb::make_tuple(s.time_s, s.dom0_util_pct, s.resched_ipis_per_s);
}

Series series_from_state(const pyb::tuple& t) {
  if (t.size() != 3) throw std::runtime_error("Series: bad pickled state");
  Series s;
  s.time_s = t[0].cast<std::vector<double>>();
  s.dom0_util_pct = t[1].cast<std::vector<double>>();
  s.resched_ipis_per_s = t[2].cast<std::vector<double>>();
  return s;
}

}  // namespace

// Build a Config from a Python mapping (keys as a JSON config file).
// Shared with bind_sweep.cpp and bind_reproduce.cpp.
Config config_from_py(pyb::handle config) {
  Config c;
  if (!config.is_none()) run::apply_json(c, to_json(config, "config"));
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
          "the series as a pandas.DataFrame")
      .def(pyb::pickle([](const Series& s) { return series_state(s); },
                       [](const pyb::tuple& t) { return series_from_state(t); }));

  // tests/test_simulate.py: test_metrics_match_cli, test_result_fields, test_pickle_round_trip
  pyb::class_<SimResult>(m, "SimResult",
                         "The outcome of one run: metrics, resolved config, series. Pickles "
                         "(plain data), so it travels between processes and through Dask.")
      .def_property_readonly(
          "metrics", [](const SimResult& r) { return from_json(r.doc.at("metrics")); },
          "the \"metrics\" object of `ipistorm simulate --json`")
      .def_property_readonly(
          "config", [](const SimResult& r) { return from_json(r.doc.at("config")); },
          "the resolved config (dom0_vcpus and cpu_ghz filled in, every parameter)")
      .def_property_readonly(
          "provenance", [](const SimResult& r) { return from_json(r.doc.at("provenance")); },
          "version, git commit and host of the build that ran it")
      .def_property_readonly(
          "series", [](const SimResult& r) { return r.series; }, "per-window series")
      .def_property_readonly(
          "distributions", [](const SimResult& r) { return from_json(r.doc.at("distributions")); },
          "the \"distributions\" of `simulate --json`: the ioport latency histogram (edges, "
          "counts) and vcpu_wakes_by_idle_state")
      .def_property_readonly("events", [](const SimResult& r) { return r.events; })
      .def_property_readonly(
          "wall_s", [](const SimResult& r) { return r.wall_s; }, "host seconds the run took")
      .def_property_readonly("topology_description",
                             [](const SimResult& r) { return r.topology_description; })
      // tests/test_sweep.py: test_flat_metrics_names
      .def_property_readonly(
          "flat_metrics", [](const SimResult& r) { return r.flat_metrics; },
          "metrics as (name, value) pairs with dotted names, the rows of a sweep")
      .def(
          "to_json", [](const SimResult& r) { return from_json(r.doc); },
          "the whole `simulate --json` document: config, metrics, provenance")
      .def("__repr__", [](const SimResult& r) { return r.repr; })
      .def(pyb::pickle(
          [](const SimResult& r) {
            return pyb::make_tuple(kPickleVersion, r.doc.dump(), series_state(r.series), r.events,
                                   r.wall_s, r.topology_description, r.flat_metrics, r.repr);
          },
          [](const pyb::tuple& t) {
            if (t.size() != 8 || t[0].cast<int>() != kPickleVersion)
              throw std::runtime_error("SimResult: pickled by another ipistorm version");
            SimResult r;
            r.doc = nlohmann::json::parse(t[1].cast<std::string>());
            r.series = series_from_state(t[2].cast<pyb::tuple>());
            r.events = t[3].cast<std::uint64_t>();
            r.wall_s = t[4].cast<double>();
            r.topology_description = t[5].cast<std::string>();
            r.flat_metrics = t[6].cast<std::vector<std::pair<std::string, double>>>();
            r.repr = t[7].cast<std::string>();
            return r;
          }));

  // tests/test_simulate.py: test_gil_released, test_keyboard_interrupt_stops_run,
  // test_bad_values_are_value_errors
  m.def(
      "_simulate",
      [](pyb::object config) {
        const Config c = config_from_py(config);
        return SimResult::from(
            call_interruptible([&](const std::atomic<bool>* stop) { return run::run(c, stop); }));
      },
      pyb::arg("config"), "Run one config (a JSON-style dict). Use ipistorm.simulate().");

  // tests/test_simulate.py: test_trace_file, test_trace_bad_input
  m.def(
      "_simulate_traced",
      [](pyb::object config, pyb::object from_s, pyb::object for_s, double max_mb,
         const std::string& path) {
        const Config c = config_from_py(config);
        run::TraceRequest req;
        if (!from_s.is_none()) req.from_s = from_s.cast<double>();
        if (!for_s.is_none()) req.for_s = for_s.cast<double>();
        req.max_mb = max_mb;
        run::check_trace_request(req);
        // The CLI's checks and its one atomic writer (sim/io): a path that
        // cannot be written is refused before the run, and no partial trace.
        io::check_writable(path, "--trace");
        run::TracedRun tr = call_interruptible(
            [&](const std::atomic<bool>* stop) { return run::run_traced(c, req, stop); });
        const FileSizeLimitReported fsize;  // `ulimit -f`: an error, not SIGXFSZ
        io::write_file_atomic(path, tr.json, "--trace");
        return SimResult::from(tr.result);
      },
      pyb::arg("config"), pyb::arg("trace_from"), pyb::arg("trace_for"), pyb::arg("trace_max_mb"),
      pyb::arg("path"),
      "Run one config with a trace window written to path (as simulate --trace); returns the "
      "SimResult. Use ipistorm.simulate(trace=...).");

  // tests/test_simulate.py: test_default_config
  m.def(
      "_resolve_config",
      [](pyb::object config) { return from_json(run::to_json(config_from_py(config))); },
      pyb::arg("config"), "The config with every default filled in (no run).");
}

}  // namespace ipistorm::py
