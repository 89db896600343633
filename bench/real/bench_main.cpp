// bench_main.cpp: ipistorm-bench, the real-hardware side of the project.
// Google Benchmark 1.7.1 with benchmarks registered from the machine's
// topology, and the machine's description in the JSON "context". Every
// --benchmark_* flag is checked first (bench_flags.hpp): a bad one exits 2
// with one line before the library sees it. --benchmark_out=PATH keeps
// ipistorm's output rules (sim/io/files.hpp): a regular file or a new path,
// never a link, FIFO, device or directory; the library writes a temporary
// beside it, renamed into place only when the run ended and the file is
// whole (a full disk or a signal leaves nothing); a replaced file keeps its
// mode. Own flags (before or among Google Benchmark's):
//   --numa=local|remote   where argument buffers live (default local)
// Example:
//   ipistorm-bench --benchmark_filter='^fanout/' --benchmark_repetitions=5
//       --benchmark_out=run.json --benchmark_out_format=json   (one line)
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "bench_flags.hpp"
#include "benchmarks.hpp"
#include "errors.hpp"
#include "fanout.hpp"
#include "io/files.hpp"
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

// Whether Google Benchmark's output file came out whole: not empty, and a
// JSON document (the default --benchmark_out_format) closed.
bool output_complete(const std::string& path, const std::string& format) {
  std::ifstream in(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) return false;
  const auto last = text.find_last_not_of(" \t\r\n");
  if (last == std::string::npos) return false;
  return format != "json" || text[last] == '}';
}

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
  std::string out_path, out_format = "json", out_flag;
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
      if (std::strncmp(argv[i], "--benchmark_out=", 16) == 0) {
        out_path = argv[i] + 16;
        continue;  // replaced below by the temporary's path
      }
      if (std::strncmp(argv[i], "--benchmark_out_format=", 23) == 0) out_format = argv[i] + 23;
    }
    rest.push_back(argv[i]);
  }
  ipistorm::io::remove_temporaries_on_fatal_signals();  // Ctrl-C leaves no partial file
  std::optional<ipistorm::io::AtomicFile> out;
  if (!out_path.empty()) {
    try {
      if (ipistorm::io::is_stdout(out_path))
        throw ipistorm::InputError(
            "--benchmark_out '-': standard output is --benchmark_format's; give a file");
      ipistorm::io::check_writable(out_path, "--benchmark_out");
      out.emplace(out_path, "--benchmark_out");
    } catch (const ipistorm::InputError& e) {
      std::cerr << "ipistorm-bench: error: " << e.what() << "\n";
      return 2;
    }
    out_flag = "--benchmark_out=" + out->temp_path();
    rest.push_back(out_flag.data());
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
  if (out) {
    // Google Benchmark does not check its writes: a full disk leaves a cut file.
    if (!output_complete(out->temp_path(), out_format)) {
      std::cerr << "ipistorm-bench: error: cannot write --benchmark_out file '" << out_path
                << "': the output came out incomplete (disk full?); nothing kept\n";
      return 1;
    }
    try {
      out->commit();
    } catch (const ipistorm::InputError& e) {
      std::cerr << "ipistorm-bench: error: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}
