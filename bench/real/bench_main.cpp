// bench_main.cpp: ipistorm-bench, the real-hardware side of the project.
// Google Benchmark 1.7.1 with benchmarks registered from the machine's
// topology, and the machine's description in the JSON "context". Every
// --benchmark_* flag is checked first (bench_flags.hpp): a bad one exits 2
// with one line before the library sees it. Own flags
// (before or among Google Benchmark's):
//   --numa=local|remote   where argument buffers live (default local)
// Example:
//   ipistorm-bench --benchmark_filter='^fanout/' --benchmark_repetitions=5
//       --benchmark_out=run.json --benchmark_out_format=json   (one line)
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "bench_flags.hpp"
#include "benchmarks.hpp"
#include "fanout.hpp"
#include "ipistorm_version.hpp"  // generated at build time: version and git commit
#include "locked_memory.hpp"

namespace ipistorm::bench {
namespace {
BenchOptions g_options;
}  // namespace

const BenchOptions& options() { return g_options; }
void set_options(const BenchOptions& o) { g_options = o; }

const HypercallPath& hypercall_path() {
  static const HypercallPath path;
  return path;
}

std::vector<int> k_values(int n) {
  std::vector<int> ks;
  for (int k = 1; k < n; k *= 2) ks.push_back(k);
  if (n >= 1) ks.push_back(n);
  return ks;
}

}  // namespace ipistorm::bench

namespace {

void print_help() {
  benchmark::PrintDefaultHelp();
  std::cout << "ipistorm-bench flags:\n"
               "  --numa=local|remote  node of the argument buffers (default local)\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ipistorm::bench;
  // Take our own flags out before Google Benchmark sees argv.
  std::string numa = "local";
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strncmp(argv[i], "--numa=", 7) == 0) {
      numa = argv[i] + 7;
      continue;
    }
    // Google Benchmark aborts on some bad values: check them all first.
    if (i > 0) {
      if (const std::string why = check_benchmark_flag(argv[i]); !why.empty()) {
        std::cerr << "ipistorm-bench: error: " << why << "\n";
        return 2;
      }
    }
    rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  rest.push_back(nullptr);
  benchmark::Initialize(&rest_argc, rest.data(), print_help);
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;

  try {
    const Machine& m = Machine::host();
    BenchOptions o;
    o.numa = choose_numa_node(numa, m.home_cpu());
    set_options(o);
    for (const auto& [k, v] : m.description()) benchmark::AddCustomContext(k, v);
    benchmark::AddCustomContext("hypercall_path", hypercall_path().description());
    benchmark::AddCustomContext("numa_buffers", o.numa.description);
    const std::string mb = membarrier_private_expedited_ready();
    benchmark::AddCustomContext("membarrier_private_expedited", mb.empty() ? "yes" : mb);
    benchmark::AddCustomContext("xen_hypercall_device",
                                xen_hypercall_device_present() ? "/dev/xen/hypercall" : "absent");
    benchmark::AddCustomContext("ipistorm_commit", IPISTORM_GIT_COMMIT);
    register_syscall_benchmarks(m);
    register_fanout_benchmarks(m);
    register_strategy_benchmarks(m);
  } catch (const std::exception& e) {
    std::cerr << "ipistorm-bench: error: " << e.what() << "\n";
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
