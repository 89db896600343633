// grid_json.cpp: a `sweep --grid` file: the text through io::parse_json,
// study::grid_from_json, complete_grid and grid_size, and validate_grid
// (every name checked, every topology loaded) when the grid is small
// enough to run.
#include "harness.hpp"
#include "io/json.hpp"
#include "study/grid.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    study::Grid g = study::grid_from_json(
        io::parse_json(fuzz::text(data, size), "grid file 'fuzz'"), model::Config{});
    study::complete_grid(g);
    const std::uint64_t n = study::grid_size(g);
    IPISTORM_FUZZ_CHECK(n >= 1);
    study::validate_grid(g);
  });
}
