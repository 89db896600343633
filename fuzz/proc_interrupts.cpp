// proc_interrupts.cpp: /proc/interrupts text (ipistorm-bench's IPI
// counters): bench::InterruptSample::parse, whose documented refusal is
// std::runtime_error. The input is two samples separated by a NUL byte
// (one when there is none), differenced by ipi_delta as a benchmark does.
#include "proc_interrupts.hpp"

#include <sstream>
#include <stdexcept>

#include "harness.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one<std::runtime_error>([&] {
    const std::string all = fuzz::text(data, size);
    const auto nul = all.find('\0');
    std::istringstream a(all.substr(0, nul));
    const bench::InterruptSample before = bench::InterruptSample::parse(a);
    bench::InterruptSample after = before;
    if (nul != std::string::npos) {
      std::istringstream b(all.substr(nul + 1));
      after = bench::InterruptSample::parse(b);
    }
    for (const auto& [row, counts] : before.rows) {
      IPISTORM_FUZZ_CHECK(counts.size() <= before.cpus.size());
      for (int cpu : before.cpus) before.count(row, cpu);
    }
    const bench::IpiDelta d = bench::ipi_delta(before, after);
    for (int k = 0; k < bench::kIpiKinds; ++k) {
      d.total(static_cast<bench::IpiKind>(k));
      if (d.by_kind[k]) IPISTORM_FUZZ_CHECK(d.by_kind[k]->size() == d.cpus.size());
    }
    for (bool within : {false, true}) {
      d.total(within);
      IPISTORM_FUZZ_CHECK(d.per_cpu(within).size() <= d.cpus.size());
    }
  });
}
