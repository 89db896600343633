// module.cpp: the `_ipistorm` extension, the compiled half of the `ipistorm`
// package (pybindings/ipistorm/ is the Python half users import). It maps the
// simulator's errors onto Python's and registers each area's bindings, one
// file per area, each with its twin test under tests/.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "io/files.hpp"
#include "io/json.hpp"
#include "io/limits.hpp"
#include "model/scenario.hpp"
#include "py_json.hpp"
#include "run/calibration_file.hpp"
#include "run/config_fields.hpp"
#include "run/report.hpp"
#include "topology/topology.hpp"

namespace pyb = pybind11;

PYBIND11_MODULE(_ipistorm, m) {
  m.doc() = "ipistorm: the mlock -> lru_add_drain_all IPI storm of a Xen pvops dom0, simulated";
  // At import, before any thread of ours runs: hwloc's reasons for refusing
  // an XML file go into the ValueError's one line (topology.hpp).
  ipistorm::topo::ask_hwloc_for_reasons();
  // The simulator's own version, as every JSON output's provenance records it.
  m.attr("__version__") = ipistorm::run::provenance_json().at("version").get<std::string>();

  // Bad input (a name, a range, a file) is the caller's to fix: ValueError
  // with the simulator's one-line message, as the CLI prints it. Anything
  // else from C++ is RuntimeError (pybind11's default for std::exception).
  // tests/test_module.py: test_input_error_is_value_error, test_internal_error_is_runtime_error
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ipistorm::ResourceError& e) {
      // A process limit (no thread or process could be started): the
      // environment's, not the argument's. OSError, with the CLI's text.
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const ipistorm::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  // A hook for the translator's own test: raise each kind of C++ error.
  // tests/test_module.py: test_input_error_is_value_error, test_internal_error_is_runtime_error
  m.def("_raise_for_test", [](const std::string& kind) {
    if (kind == "input") throw ipistorm::InputError("bad input for the test");
    if (kind == "runtime") throw std::runtime_error("internal error for the test");
    if (kind == "logic") throw std::logic_error("logic error for the test");
    if (kind == "resource") throw ipistorm::ResourceError("process limit for the test");
  });

  // tests/test_module.py: test_provenance
  m.def(
      "provenance", [] { return ipistorm::py::from_json(ipistorm::run::provenance_json()); },
      "Version, git commit and host, as in every JSON output's \"provenance\".");

  // The CLI's output checks and its one atomic writer (sim/io), for the
  // commands written in Python (ipistorm sensitivity).
  // tests/test_module.py: test_output_checks_and_atomic_writer, test_cli_refuses_device_output
  m.def(
      "_check_outputs",
      [](const std::vector<std::pair<std::string, std::string>>& outputs,
         const std::vector<std::pair<std::string, std::string>>& inputs) {
        // As the CLI's InputLedger: no output may name one of the inputs.
        const ipistorm::io::InputLedger ledger;
        for (const auto& [path, what] : inputs) ipistorm::io::note_input(path, what);
        ipistorm::io::check_outputs(outputs);
      },
      pyb::arg("outputs"), pyb::arg("inputs") = std::vector<std::pair<std::string, std::string>>{},
      "Refuse (ValueError) outputs that cannot be written, the same twice, or one of the "
      "inputs (path, what).");
  // The CLI's checked reader (regular file, 64 MiB; FIFO, device, directory
  // refused) and its JSON parser (a key twice refused), for the Python code
  // that reads files: sensitivity's --config and --screen, ipistorm.lab.
  // tests/test_bad_input.py: test_sensitivity_inputs_*, test_lab_json_*
  m.def(
      "_read_text_file",
      [](const std::string& path, const std::string& what) {
        return pyb::bytes(ipistorm::io::read_input_file(path, what));
      },
      pyb::arg("path"), pyb::arg("what"));
  m.def(
      "_read_json_file",
      [](const std::string& path, const std::string& what) {
        return ipistorm::py::from_json(ipistorm::io::parse_json(
            ipistorm::io::read_input_file(path, what), what + " '" + path + "'"));
      },
      pyb::arg("path"), pyb::arg("what"));
  m.def(
      "_write_file_atomic",
      [](const std::string& path, const std::string& text, const std::string& what) {
        const ipistorm::FileSizeLimitReported fsize;  // `ulimit -f`: an error, not SIGXFSZ
        ipistorm::io::write_file_atomic(path, text, what);
      },
      "Write text to path atomically (a temporary beside it, then a rename).");

  // The one calibration reader (sim/run/calibration_file.hpp), for ipistorm.lab.read_calibration.
  // tests/test_lab.py: test_latest_run_and_calibration (read_calibration),
  // test_read_calibration_checks_params
  m.def(
      "_read_calibration",
      [](const std::string& path) { return ipistorm::run::read_calibration(path); },
      "A calibration file's parameters as (name, value) pairs, checked as --calibration "
      "checks them (ValueError).");

  // The Config field table (sim/run/config_fields.hpp), for the keyword
  // checks of ipistorm._args. tests/test_bad_input.py checks those keywords.
  m.def(
      "_config_fields",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& f : ipistorm::run::config_fields()) out.emplace_back(f.key, f.type_name());
        return out;
      },
      "Every config key with its type (name, integer, seed, real, params, ranges), in order.");

  ipistorm::py::bind_topology(m);
  ipistorm::py::bind_params(m);
  ipistorm::py::bind_simulate(m);
  ipistorm::py::bind_sweep(m);
  ipistorm::py::bind_reproduce(m);
  ipistorm::py::bind_study(m);
  ipistorm::py::bind_compare(m);
}
