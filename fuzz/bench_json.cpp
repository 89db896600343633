// bench_json.cpp: an ipistorm-bench result file read by `calibrate` and
// `validate`: calibration::parse_bench_results, then what they read of each
// record (medians, spreads, counters, label fields), which must be finite.
#include <cmath>

#include "calibration/bench_results.hpp"
#include "harness.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    const calibration::BenchResults r =
        calibration::parse_bench_results(fuzz::text(data, size), "fuzz");
    for (const auto& [name, rec] : r.records) {
      IPISTORM_FUZZ_CHECK(!name.empty());
      if (rec.skipped || rec.real_time_us.empty()) continue;
      IPISTORM_FUZZ_CHECK(r.find(name) == &rec);
      const double m = rec.median_us();
      IPISTORM_FUZZ_CHECK(std::isfinite(m) && m >= 0);
      IPISTORM_FUZZ_CHECK(std::isfinite(rec.cv()) && std::isfinite(rec.raw_cv()));
      for (const auto& [counter, values] : rec.counters) {
        const auto c = rec.counter_median(counter);
        IPISTORM_FUZZ_CHECK(c && std::isfinite(*c));
      }
      rec.label_field("targets");
    }
    r.with_prefix("BM_");
  });
}
