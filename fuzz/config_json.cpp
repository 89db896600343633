// config_json.cpp: a `--config` file (simulate, compare, sweep): the text
// through io::parse_json and run::apply_json, then the name checks of
// cli::build_config (run::check_names). An accepted config must read back
// the same from to_json (the config a result file records).
#include "harness.hpp"
#include "io/json.hpp"
#include "run/config.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    model::Config c;
    run::apply_json(c, io::parse_json(fuzz::text(data, size), "config file 'fuzz'"));
    run::check_names(c);
    const nlohmann::json recorded = run::to_json(c);
    model::Config again;
    run::apply_json(again, io::parse_json(recorded.dump(), "recorded config"));
    IPISTORM_FUZZ_CHECK(run::to_json(again) == recorded);
  });
}
