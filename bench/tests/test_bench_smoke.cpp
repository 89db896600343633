// test_bench_smoke.cpp: ipistorm-bench run for real, briefly, and its JSON
// checked: the machine description in the context, the IPI counters on
// every benchmark that ran, the CPUs of the fan-out in the label, the
// skipped ones with their reason. Then the unprivileged path: as nobody
// with RLIMIT_MEMLOCK = 32 KiB, the strategies that need more locked memory
// than that are skipped with a reason naming the limit, and the rest run.
// No timing is asserted: timing belongs in the benchmarks.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/ipistorm-bench-test-XXXXXX";
    path = mkdtemp(tmpl);
    chmod(path.c_str(), 0777);  // writable by nobody, for the unprivileged run
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

int run(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

json load(const std::string& path) {
  std::ifstream in(path);
  json j;
  if (!in) {
    ADD_FAILURE() << "no output file " << path;
    return json::object();
  }
  in >> j;
  return j;
}

// Iteration rows by name without "/real_time".
std::map<std::string, json> rows(const json& j) {
  std::map<std::string, json> out;
  for (const auto& b : j.value("benchmarks", json::array())) {
    std::string n = b.value("run_name", b.value("name", ""));
    const std::string suffix = "/real_time";
    if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
      n.erase(n.size() - suffix.size());
    out[n] = b;
  }
  return out;
}

bool interrupts_readable() { return std::ifstream("/proc/interrupts").good(); }

TEST(BenchSmoke, JsonHasContextCountersAndLabels) {
  TempDir dir;
  const std::string out = dir.path + "/smoke.json";
  const std::string filter =
      "^(syscall/(getppid|futex_wake_no_waiter|mlock_munlock/pages:1)|"
      "fanout/(membarrier|schedule_on_each_cpu)/[a-z_]+/k:1|wake/pingpong/|"
      "strategy/(mlock-per-call|no-lock|hcall-buffer-cache|map-locked|kernel-buffer)/"
      "bytes:4096/load:(idle|fault/[a-z_]+/k:1))";
  const std::string cmd = std::string(IPISTORM_BENCH_EXE) + " --benchmark_filter='" + filter +
                          "' --benchmark_min_time=0.005 --benchmark_out=" + out +
                          " --benchmark_out_format=json > " + dir.path + "/console.txt 2>&1";
  ASSERT_EQ(run(cmd), 0) << cmd;
  const json j = load(out);
  const json& ctx = j["context"];
  for (const char* key : {"hwloc_topology", "kernel_release", "cpu_model", "cpufreq_governor",
                          "rlimit_memlock", "hypervisor", "hypercall_path", "cpus_by_distance",
                          "home_cpu", "membarrier_private_expedited"})
    EXPECT_TRUE(ctx.contains(key)) << "context lacks " << key;

  const auto r = rows(j);
  ASSERT_TRUE(r.count("syscall/getppid"));
  ASSERT_TRUE(r.count("wake/pingpong/same_cpu"));
  ASSERT_TRUE(r.count("strategy/no-lock/bytes:4096/load:idle"));
  int ran = 0, fanouts = 0;
  for (const auto& [name, b] : r) {
    SCOPED_TRACE(name);
    if (b.value("error_occurred", false)) {
      EXPECT_FALSE(b.value("error_message", "").empty());
      continue;
    }
    ++ran;
    if (interrupts_readable()) {
      for (const char* c : {"ipis_per_op", "res_per_op", "cal_per_op", "tlb_per_op"})
        EXPECT_TRUE(b.contains(c)) << "missing counter " << c;
    }
    if (name.rfind("fanout/", 0) == 0 || name.rfind("wake/", 0) == 0) {
      const std::string label = b.value("label", "");
      EXPECT_NE(label.find("home="), std::string::npos) << label;
      EXPECT_NE(label.find("targets="), std::string::npos) << label;
      if (interrupts_readable()) {
        EXPECT_NE(label.find("ipi_to="), std::string::npos) << label;
      }
      ++fanouts;
    }
    if (name.rfind("wake/", 0) == 0) {
      EXPECT_TRUE(b.contains("wake_call_ns"));
      EXPECT_TRUE(b.contains("wake_latency_ns"));
    }
    if (name.rfind("strategy/", 0) == 0) {
      EXPECT_NE(b.value("label", "").find("call="), std::string::npos);
    }
    if (name.rfind("strategy/hcall-buffer-cache/", 0) == 0) {
      EXPECT_TRUE(b.contains("cache_hits_per_op"));
    }
    if (name == "syscall/mlock_munlock/pages:1") {
      EXPECT_TRUE(b.contains("mlock_ns"));
      EXPECT_TRUE(b.contains("munlock_ns"));
    }
  }
  EXPECT_GE(ran, 8);
  EXPECT_GE(fanouts, 2);
  // kernel-buffer: skipped, with the reason, unless this is a dom0 with it.
  struct stat st {};
  if (::stat("/dev/xen/hypercall", &st) != 0) {
    const json& kb = r.at("strategy/kernel-buffer/bytes:4096/load:idle");
    EXPECT_TRUE(kb.value("error_occurred", false));
    EXPECT_NE(kb.value("error_message", "").find("/dev/xen/hypercall not present"),
              std::string::npos);
  }
}

TEST(BenchSmoke, UnprivilegedSmallMemlockSkipsLockingStrategiesWithReason) {
  TempDir dir;
  const std::string out = dir.path + "/unpriv.json";
  // Drop to nobody when root; otherwise lowering our own limit is enough.
  const std::string drop =
      geteuid() == 0 ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "";
  const std::string cmd = "prlimit --memlock=32768:32768 " + drop + IPISTORM_BENCH_EXE +
                          " --benchmark_filter='^strategy/.*/bytes:(64|65536)/load:idle'"
                          " --benchmark_min_time=0.005 --benchmark_out=" +
                          out + " --benchmark_out_format=json > " + dir.path + "/console.txt 2>&1";
  ASSERT_EQ(run(cmd), 0) << cmd;
  const json j = load(out);
  if (geteuid() == 0) {
    EXPECT_EQ(j["context"].value("euid", ""), "65534");
  }
  EXPECT_EQ(j["context"].value("rlimit_memlock", ""), "32768 bytes");
  const auto r = rows(j);
  auto skipped_for_limit = [&](const std::string& name) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(r.count(name));
    const json& b = r.at(name);
    EXPECT_TRUE(b.value("error_occurred", false));
    EXPECT_NE(b.value("error_message", "").find("RLIMIT_MEMLOCK"), std::string::npos)
        << b.value("error_message", "");
  };
  auto ran = [&](const std::string& name) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(r.count(name));
    EXPECT_FALSE(r.at(name).value("error_occurred", false))
        << r.at(name).value("error_message", "");
    EXPECT_GT(r.at(name).value("iterations", 0), 0);
  };
  // 16 pages (64 KiB) cannot be locked under 32 KiB.
  for (const char* s : {"mlock-per-call", "mlock2-onfault-per-call", "prelocked-page",
                        "hcall-buffer-cache", "map-locked", "mlockall"})
    skipped_for_limit(std::string("strategy/") + s + "/bytes:65536/load:idle");
  ran("strategy/no-lock/bytes:65536/load:idle");
  // One page can: the locking path itself works unprivileged.
  for (const char* s :
       {"mlock-per-call", "prelocked-page", "hcall-buffer-cache", "map-locked", "no-lock"})
    ran(std::string("strategy/") + s + "/bytes:64/load:idle");
  skipped_for_limit("strategy/mlockall/bytes:64/load:idle");
}

TEST(BenchSmoke, UnknownFlagAndBadNumaAreRefused) {
  EXPECT_EQ(run(std::string(IPISTORM_BENCH_EXE) + " --no-such-flag > /dev/null 2>&1"), 2);
  // Google Benchmark itself aborts (SIGABRT) on this one: refused before it.
  TempDir dir;
  const std::string err = dir.path + "/err.txt";
  EXPECT_EQ(
      run(std::string(IPISTORM_BENCH_EXE) + " --benchmark_repetitions=-1 > /dev/null 2> " + err),
      2);
  std::ifstream in(err);
  std::string line, rest;
  std::getline(in, line);
  EXPECT_NE(line.find("--benchmark_repetitions=-1"), std::string::npos) << line;
  EXPECT_FALSE(std::getline(in, rest)) << "more than one line: " << rest;
  EXPECT_EQ(run(std::string(IPISTORM_BENCH_EXE) + " --benchmark_min_time=0 > /dev/null 2>&1"), 2);
  EXPECT_EQ(run(std::string(IPISTORM_BENCH_EXE) +
                " --numa=sideways --benchmark_list_tests > /dev/null 2>&1"),
            2);
}

// --benchmark_out keeps ipistorm's output rules (sim/io/files.hpp): a link,
// FIFO, directory or device is refused with one line before anything runs;
// a replaced file keeps its mode; the JSON comes out whole, and no
// temporary is left beside it.
TEST(BenchSmoke, BenchmarkOutKeepsTheOutputRules) {
  TempDir dir;
  const std::string bench = std::string(IPISTORM_BENCH_EXE) +
                            " --benchmark_filter='^syscall/getppid' --benchmark_min_time=0.005";
  const std::string err = dir.path + "/err.txt";
  ASSERT_EQ(symlink("elsewhere.json", (dir.path + "/link.json").c_str()), 0);
  ASSERT_EQ(mkfifo((dir.path + "/fifo").c_str(), 0600), 0);
  for (const auto& [out, why] :
       {std::pair<std::string, const char*>{dir.path + "/link.json", "symbolic link"},
        {dir.path + "/fifo", "a FIFO"},
        {dir.path, "a directory"},
        {"/dev/full", "a character device"},
        {"-", "standard output"}}) {
    EXPECT_EQ(run(bench + " --benchmark_out=" + out + " > /dev/null 2> " + err), 2) << out;
    std::ifstream in(err);
    std::string line, rest;
    std::getline(in, line);
    EXPECT_NE(line.find(why), std::string::npos) << line;
    EXPECT_FALSE(std::getline(in, rest)) << "more than one line: " << rest;
  }
  struct stat st {};
  EXPECT_NE(lstat((dir.path + "/elsewhere.json").c_str(), &st), 0) << "written through the link";

  const std::string out = dir.path + "/run.json";
  std::ofstream(out) << "old\n";
  chmod(out.c_str(), 0640);
  ASSERT_EQ(run(bench + " --benchmark_out=" + out + " > /dev/null 2>&1"), 0);
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  const json j = load(out);
  EXPECT_TRUE(j.contains("benchmarks") && !j["benchmarks"].empty());
  EXPECT_EQ(run("ls " + dir.path + "/run.json.tmp.* > /dev/null 2>&1"), 2) << "temporary left";
}

}  // namespace
