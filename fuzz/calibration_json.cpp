// calibration_json.cpp: a `--calibration` file (simulate, sweep, compare,
// validate): run::parse_calibration, the one reader. Every value it
// returns must be accepted by the parameter table.
#include "harness.hpp"
#include "model/params.hpp"
#include "run/calibration_file.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    model::ParamValues p;
    for (const auto& [name, value] : run::parse_calibration(fuzz::text(data, size), "fuzz"))
      p.set(name, value);  // must not throw: parse_calibration checked it
  });
}
