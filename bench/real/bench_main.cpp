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

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
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
  std::cout << "ipistorm-bench: the hypercall-buffer strategies and the IPI fan-out of the Xen\n"
               "pvops dom0 mlock storm, measured on this machine (Google Benchmark). For a\n"
               "recorded run with the machine's description and a calibration of the\n"
               "simulator, use lab-run (man lab-run), which runs this program.\n"
               "\n"
               "Usage: ipistorm-bench [--numa=local|remote] [--benchmark_* flags]\n"
               "\n"
               "Benchmark families (--benchmark_list_tests lists every instance):\n"
               "  syscall/      getppid, futex_wake_no_waiter, mlock_munlock/pages:N: one\n"
               "                system call, the model's syscall costs\n"
               "  wake/         pingpong: wake a pinned thread on another CPU and back\n"
               "  fanout/       membarrier (private expedited, k busy threads) and a user-space\n"
               "                schedule_on_each_cpu over k pinned workers: the IPI fan-out\n"
               "  strategy/     each hypercall-buffer strategy (mlock-per-call, no-lock,\n"
               "                prelocked-page, hcall-buffer-cache, map-locked, kernel-buffer,\n"
               "                mlockall, mlock2-onfault-per-call) at 64 B to 16 pages, with\n"
               "                the other CPUs idle, spinning or faulting pages\n"
               "\n"
               "Counters (per iteration unless named otherwise; printed in plain numbers):\n"
               "  ipis_per_op           IPIs of any kind per operation (/proc/interrupts)\n"
               "  res_per_op, cal_per_op, tlb_per_op   reschedule, function-call and TLB-\n"
               "                        shootdown IPIs per operation (a shootdown counted once)\n"
               "  mlock_ns, munlock_ns  ns per call (syscall/mlock_munlock)\n"
               "  wake_call_ns, wake_latency_ns   ns to make the wake call, ns until the\n"
               "                        woken thread runs (wake/)\n"
               "  caller_sleeps_per_op  times the caller slept per fan-out (fanout/)\n"
               "  run_delay_ns_per_op   ns the benchmark thread waited for its CPU\n"
               "  sleeps_per_op         voluntary context switches of the benchmark thread\n"
               "  <name>_per_op         a strategy's own counts (mlock calls, copies, ...)\n"
               "  call_errors           hypercalls that failed (no-lock: a paged-out argument)\n"
               "Time and CPU: wall and CPU time per iteration in the unit shown\n"
               "(--benchmark_time_unit=ns fixes one). \"Library was built as DEBUG\" is Debian's\n"
               "libbenchmark speaking of its own build, not of these benchmarks, which are\n"
               "built optimised (bench/README.md).\n"
               "\n"
               "Options:\n"
               "  --numa=local|remote   node of the argument buffers (default local)\n";
  benchmark::PrintDefaultHelp();
  std::cout << "\n"
               "Examples:\n"
               "  ipistorm-bench --benchmark_filter='^fanout/'\n"
               "  ipistorm-bench --benchmark_repetitions=5 --benchmark_out=run.json\n"
               "\n"
               "Exit status:\n"
               "  0    the benchmarks ran (one that cannot run here is skipped with the reason)\n"
               "  1    the --benchmark_out file could not be written whole\n"
               "  2    bad input: one line on stderr names it; nothing written\n";
}

// Google Benchmark's console output with the counters as plain numbers
// ("ipis_per_op=0.0000414", "mlock_ns=2583"), not "41.3531u" or "2.58285k".
class PlainConsoleReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

 protected:
  void PrintRunData(const Run& run) override {
    if (run.error_occurred) {
      ConsoleReporter::PrintRunData(run);
      return;
    }
    Run bare = run;
    bare.counters.clear();
    bare.report_label.clear();
    std::ostringstream line;
    {
      // The base prints name, times and iterations; its counters go.
      std::streambuf* saved = GetOutputStream().rdbuf(line.rdbuf());
      ConsoleReporter::PrintRunData(bare);
      GetOutputStream().rdbuf(saved);
    }
    std::string text = line.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    std::ostream& os = GetOutputStream();
    os << text;
    for (const auto& [name, c] : run.counters) os << " " << name << "=" << plain(c.value);
    if (!run.report_label.empty()) os << " " << run.report_label;
    os << "\n";
  }

 private:
  static std::string plain(double v) {
    char buf[64];
    const double a = v < 0 ? -v : v;
    if (a == 0) return "0";
    if (a >= 0.01 && a < 1e9)
      std::snprintf(buf, sizeof buf, "%.*f", a >= 100 ? 0 : a >= 1 ? 2 : 4, v);
    else
      std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
};

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
  // The plain-number console unless another display format was asked for.
  bool console = true;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--benchmark_format=", 19) == 0)
      console = std::strcmp(argv[i] + 19, "console") == 0;
  if (console) {
    PlainConsoleReporter display(benchmark::ConsoleReporter::OO_None);
    benchmark::RunSpecifiedBenchmarks(&display);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
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
