// grid_json.cpp: a `sweep --grid` file: the text through io::parse_json,
// model::grid_from_json, complete_grid and grid_size, and validate_grid
// (every name checked, every topology loaded) when the grid is small
// enough to run.
#include "harness.hpp"
#include "io/json.hpp"
#include "study/grid.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    model::Grid g = model::grid_from_json(
        io::parse_json(fuzz::text(data, size), "grid file 'fuzz'"), model::Config{});
    model::complete_grid(g);
    const std::uint64_t n = model::grid_size(g);
    IPISTORM_FUZZ_CHECK(n >= 1);
    model::validate_grid(g);
  });
}
