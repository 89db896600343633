// topology.cpp: reading a machine through libhwloc 2.x.
#include "topology/topology.hpp"

#include <fcntl.h>
#include <hwloc.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/files.hpp"
#include "io/limits.hpp"
#include "io/number.hpp"
#include "topology/prescan.hpp"

namespace ipistorm::topo {

const char* distance_class_name(DistanceClass d) {
  switch (d) {
    case DistanceClass::kSameCpu:
      return "same_cpu";
    case DistanceClass::kSameCore:
      return "same_core";
    case DistanceClass::kSamePackage:
      return "same_package";
    case DistanceClass::kOtherPackage:
      return "other_package";
  }
  return "?";
}

namespace {

struct HwlocDeleter {
  void operator()(hwloc_topology* t) const { hwloc_topology_destroy(t); }
};
using HwlocPtr = std::unique_ptr<hwloc_topology, HwlocDeleter>;

// Any existing path names a file (a FIFO or a device too: the reader refuses
// those with their kind named).
bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string preset_names() {
  std::string s;
  for (const auto& p : presets()) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

// GHz from a CPU model string such as "Xeon(R) CPU X5550 @ 2.67GHz".
double ghz_from_model(const char* model) {
  if (!model) return 0;
  const char* at = std::strrchr(model, '@');
  if (!at) return 0;
  char* end = nullptr;
  const double v = std::strtod(at + 1, &end);
  while (end && *end == ' ') ++end;
  return (end && std::strncmp(end, "GHz", 3) == 0 && v > 0) ? v : 0;
}

double host_ghz() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      double g = ghz_from_model(line.c_str());
      if (g > 0) return g;
    }
    if (line.rfind("cpu MHz", 0) == 0) {
      auto pos = line.find(':');
      if (pos != std::string::npos) return std::atof(line.c_str() + pos + 1) / 1000.0;
    }
  }
  return 0;
}

// Whether hwloc can read this XML text without crashing. hwloc 2.9's XML
// importer dereferences NULL on some malformed files (fuzz/topology_xml:
// '<topology version="1.0"><object y="0" cpuset=""type="NU"_></po>'), so the
// text is first loaded in a child process: a crash there is a refused file
// here, not a crash of ipistorm or of the Python interpreter. The child only
// runs hwloc and _exit()s (no thread, no atexit handler); the default
// signal actions let it die without a sanitizer report. What hwloc prints
// there (its XML diagnostics) comes back through a pipe as `diagnostics`.
// The check fails closed: when no child can be started (`ulimit -u`) the
// file is refused with ResourceError, never loaded unchecked. An ignored
// SIGCHLD (a parent's choice, inherited; Python may set it) would let the
// kernel reap the child before its status is read, so SIGCHLD is set to
// its default for the probe and restored after it.
bool xml_loads_without_crashing(const std::string& text, const std::string& path,
                                std::string* diagnostics) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw ResourceError("cannot check topology file '" + path + "' (pipe: " + std::strerror(errno) +
                        ")");
  struct sigaction old_chld {};
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGCHLD, &dfl, &old_chld);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::sigaction(SIGCHLD, &old_chld, nullptr);
    ::close(fds[0]);
    ::close(fds[1]);
    throw ResourceError("cannot check topology file '" + path +
                        "' before hwloc reads it: no process can be started (fork: " +
                        std::strerror(err) + "; ulimit -u)");
  }
  if (pid == 0) {
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, SIG_DFL);
    ::dup2(fds[1], STDERR_FILENO);
    // hwloc says why it refuses a file only when asked (topology-xml.c);
    // here it speaks into the pipe, for the one error line.
    ::setenv("HWLOC_XML_VERBOSE", "1", 1);
    hwloc_topology_t t = nullptr;
    if (hwloc_topology_init(&t) == 0 &&
        hwloc_topology_set_xmlbuffer(t, text.c_str(), static_cast<int>(text.size() + 1)) == 0)
      hwloc_topology_load(t);
    ::_exit(0);  // loaded or refused: either way hwloc returned
  }
  ::close(fds[1]);
  std::string said;
  char buf[4096];
  for (;;) {
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got > 0) {
      if (said.size() < 65536) said.append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  const int wait_err = errno;
  ::sigaction(SIGCHLD, &old_chld, nullptr);
  if (waited < 0)
    throw ResourceError("cannot check topology file '" + path +
                        "' before hwloc reads it (waitpid: " + std::strerror(wait_err) + ")");
  if (diagnostics) *diagnostics = said;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Standard error sent to /dev/null while it lives (when `on`): hwloc
// prints its XML diagnostics there, and the probe has already caught them
// for the one error line. Process-wide, so used only when hwloc is known
// to speak.
class QuietStderr {
 public:
  explicit QuietStderr(bool on) {
    if (!on) return;
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStderr() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

// hwloc's diagnostics (lines on stderr) as one clause: lines joined by "; ",
// the "hwloc: " style prefixes kept, at most 300 characters.
std::string one_clause(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t e = text.find('\n', i);
    if (e == std::string::npos) e = text.size();
    std::string line = text.substr(i, e - i);
    i = e + 1;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    const auto first = line.find_first_not_of(" *\t");
    if (first == std::string::npos) continue;
    line = line.substr(first);
    // The minimalistic parser's generic epilogue says nothing about the file.
    if (line.find("minimalistic parser") != std::string::npos ||
        line.find("generated by hwloc, try enabling") != std::string::npos ||
        line.find("component discovery failed") != std::string::npos)
      continue;
    if (line.rfind("xmlbuffer: ", 0) == 0) line = "hwloc: " + line.substr(11);
    if (!out.empty()) out += "; ";
    out += line;
    if (out.size() > 300) {
      out = out.substr(0, 300) + "...";
      break;
    }
  }
  return out;
}

// Frequency when nothing says: 2.0 GHz, a round value for current servers.
constexpr double kFallbackGhz = 2.0;
// The Machine object's info that bench/lab-run writes: the measured clock, GHz.
constexpr const char* kRecordedGhzInfo = "IpistormCpuGHz";

}  // namespace

Topology Topology::load(const std::string& spec) {
  if (spec.empty())
    throw InputError("empty topology: give a preset (" + preset_names() +
                     "), an hwloc XML file, a synthetic string, or 'host'");
  // hwloc and the file system read a C string: 'pack:2\0 pu:4' would be
  // read as 'pack:2', a path cut at the NUL as another file (a JSON config
  // can hold one; found by fuzz/topology_synthetic).
  if (spec.find('\0') != std::string::npos)
    throw InputError("topology '" + spec.substr(0, spec.find('\0')) + "...' has a NUL byte");
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) throw std::runtime_error("hwloc_topology_init failed");
  HwlocPtr t(raw);
  // Keep offline/disallowed PUs out; we model the CPUs Linux would use.
  Topology out;
  out.spec_ = spec;
  std::string xml_text;          // an XML file's text, alive until hwloc_topology_load
  int declared_pus = 0;          // PUs the text declares (synthetic, XML), 0 if not counted
  std::string hwloc_said;        // what hwloc printed on the XML (probe), one clause
  bool os_index_repeats = true;  // XML: whether two PUs give one os_index
  bool hwloc_spoke = false;      // the probe's hwloc printed something

  const Preset* preset = nullptr;
  for (const auto& p : presets())
    if (spec == p.name) preset = &p;

  if (preset) {
    out.kind_ = "preset";
    out.description_ = preset->summary;
    out.ghz_ = preset->ghz;
    out.ghz_source_ = "preset";
    if (hwloc_topology_set_synthetic(raw, preset->synthetic) != 0)
      throw std::runtime_error("built-in preset does not parse: " + spec);
  } else if (spec == "host") {
    out.kind_ = "host";
    out.description_ = "this machine, read live";
    out.ghz_ = host_ghz();
    if (out.ghz_ > 0) out.ghz_source_ = "/proc/cpuinfo";
  } else if (path_exists(spec) || spec.find('/') != std::string::npos ||
             (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".xml") == 0)) {
    out.kind_ = "xml";
    // Read through the one checked reader (regular file, 64 MiB cap), scanned
    // for depth and size, and handed to hwloc as this very text.
    xml_text = io::read_input_file(spec, "topology file");
    int core_objects = 0;
    declared_pus = check_xml(xml_text, spec, &os_index_repeats, &core_objects);
    // Without Core objects every PU would be its own core to hwloc's count
    // of PUs but "1 core" to its count of cores: a machine written wrong.
    if (declared_pus > 0 && core_objects == 0)
      throw InputError("topology file '" + spec + "' has " + std::to_string(declared_pus) +
                       " PUs but no Core object; hwloc XML puts each PU in a Core "
                       "(lstopo --of xml writes them)");
    std::string said;  // hwloc's own diagnostics, as the probe's child printed them
    if (!xml_loads_without_crashing(xml_text, spec, &said))
      throw InputError("topology file '" + spec +
                       "' is not valid hwloc 2.x XML (hwloc's reader crashed on it" +
                       (said.empty() ? "" : ": " + one_clause(said)) + ")");
    hwloc_said = one_clause(said);
    hwloc_spoke = !said.empty();
    out.description_ = "hwloc XML " + spec;
    const int set = [&] {
      const QuietStderr quiet(hwloc_spoke);  // said once, in the one line below
      return hwloc_topology_set_xmlbuffer(raw, xml_text.c_str(),
                                          static_cast<int>(xml_text.size() + 1));
    }();
    if (set != 0)
      throw InputError("topology file '" + spec + "' is not valid hwloc 2.x XML (" +
                       (hwloc_said.empty() ? "hwloc 2.9 cannot read the 3.0 format" : hwloc_said) +
                       ")");
  } else {
    out.kind_ = "synthetic";
    out.description_ = "hwloc synthetic " + spec;
    declared_pus = check_synthetic(spec);  // before hwloc builds it: 'pu:100000' takes minutes
    if (hwloc_topology_set_synthetic(raw, spec.c_str()) != 0) {
      std::vector<std::string> names;
      for (const auto& p : presets()) names.emplace_back(p.name);
      const std::string close = closest_name(spec, names);
      if (!close.empty())
        throw InputError("unknown topology '" + spec + "' (did you mean '" + close +
                         "'? presets: " + preset_names() + ")");
      throw InputError("unknown topology '" + spec + "': not a preset (" + preset_names() +
                       "), an XML file, 'host', or a valid hwloc synthetic string such as "
                       "'pack:2 [numa] core:4 pu:2'");
    }
  }
  const int loaded = [&] {
    const QuietStderr quiet(hwloc_spoke);
    return hwloc_topology_load(raw);
  }();
  if (loaded != 0)
    throw InputError("topology '" + spec + "' could not be loaded by hwloc" +
                     (hwloc_said.empty() ? "" : " (" + hwloc_said + ")"));

  const int npu = hwloc_get_nbobjs_by_type(raw, HWLOC_OBJ_PU);
  if (npu <= 0) throw InputError("topology '" + spec + "' has no CPUs");
  if (npu > kMaxCpus)  // the host, or a file the scan could not count
    throw InputError("topology '" + spec + "' has " + std::to_string(npu) + " PUs, more than " +
                     std::to_string(kMaxCpus) + ", the most a topology may have");
  // hwloc merges PUs that share a number ('pu:4(indexes=0,0,1,2)' gives 3):
  // a silently smaller machine than the one written.
  if (declared_pus > 0 && npu != declared_pus) {
    if (os_index_repeats)
      throw InputError("topology '" + spec + "' declares " + std::to_string(declared_pus) +
                       " PUs but only " + std::to_string(npu) +
                       " are distinct (an os_index or indexes= number repeats)");
    // Distinct numbers, yet hwloc dropped PUs: their cpusets do not hold
    // their os_index, or the allowed/complete cpusets leave them out.
    throw InputError("topology '" + spec + "' declares " + std::to_string(declared_pus) +
                     " PUs but hwloc keeps " + std::to_string(npu) +
                     ": a PU's cpuset does not hold its os_index, or the topology's "
                     "allowed_cpuset or complete_cpuset leaves it out (disallowed CPUs)");
  }
  if (out.ghz_ <= 0) {
    hwloc_obj_t pkg = hwloc_get_obj_by_type(raw, HWLOC_OBJ_PACKAGE, 0);
    if (pkg) out.ghz_ = ghz_from_model(hwloc_obj_get_info_by_name(pkg, "CPUModel"));
    if (out.ghz_ > 0) out.ghz_source_ = "CPU model";
  }
  if (out.ghz_ <= 0) {
    // bench/lab-run measures the clock (/proc/cpuinfo) and records it in
    // its lstopo.xml as an info of the Machine object: CPU model strings
    // without "@ x.yzGHz" (this VM's, AMD's) say nothing.
    const char* rec = hwloc_obj_get_info_by_name(hwloc_get_root_obj(raw), kRecordedGhzInfo);
    const auto g = rec ? io::parse_real(rec) : std::nullopt;  // the one number parser
    if (g && *g >= 0.1 && *g <= 100) {  // model::kMinGhz..kMaxGhz (no include upwards)
      out.ghz_ = *g;
      out.ghz_source_ = "recorded by lab-run";
    }
  }
  if (out.ghz_ <= 0) {
    out.ghz_ = kFallbackGhz;
    out.ghz_source_ = "assumed";  // said wherever a cycle figure appears
  }

  out.packages_ = std::max(1, hwloc_get_nbobjs_by_type(raw, HWLOC_OBJ_PACKAGE));
  // A PU outside any Core (a synthetic 'pu:4') is a core of its own.
  int lone_pus = 0;
  for (int i = 0; i < npu; ++i)
    if (!hwloc_get_ancestor_obj_by_type(
            raw, HWLOC_OBJ_CORE,
            hwloc_get_obj_by_type(raw, HWLOC_OBJ_PU, static_cast<unsigned>(i))))
      ++lone_pus;
  out.cores_ = std::max(1, hwloc_get_nbobjs_by_type(raw, HWLOC_OBJ_CORE) + lone_pus);
  const int nnuma = std::max(1, hwloc_get_nbobjs_by_type(raw, HWLOC_OBJ_NUMANODE));

  struct Row {
    Cpu cpu;
    int logical;
  };
  std::vector<Row> rows;
  for (int i = 0; i < npu; ++i) {
    hwloc_obj_t pu = hwloc_get_obj_by_type(raw, HWLOC_OBJ_PU, static_cast<unsigned>(i));
    hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(raw, HWLOC_OBJ_PACKAGE, pu);
    hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(raw, HWLOC_OBJ_CORE, pu);
    // The NUMA node whose cpuset holds this PU.
    int numa = 0;
    hwloc_obj_t node = nullptr;
    while ((node = hwloc_get_next_obj_by_type(raw, HWLOC_OBJ_NUMANODE, node)) != nullptr) {
      if (hwloc_bitmap_isset(node->cpuset, pu->os_index)) {
        numa = static_cast<int>(node->logical_index);
        break;
      }
    }
    if (pu->os_index >= static_cast<unsigned>(kMaxCpus))
      throw InputError("topology '" + spec + "' has a PU with os_index " +
                       std::to_string(pu->os_index) + "; CPU numbers run from 0 to " +
                       std::to_string(kMaxCpus - 1));
    Cpu c{static_cast<int>(pu->os_index), pkg ? static_cast<int>(pkg->logical_index) : 0,
          core ? static_cast<int>(core->logical_index) : i, numa};
    rows.push_back({c, i});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.cpu.os_index < b.cpu.os_index; });
  // CPUs are known by their Linux number: two PUs with one number would be
  // one CPU to the model.
  for (std::size_t idx = 1; idx < rows.size(); ++idx)
    if (rows[idx].cpu.os_index == rows[idx - 1].cpu.os_index)
      throw InputError("topology '" + spec + "' has two PUs with os_index " +
                       std::to_string(rows[idx].cpu.os_index) + "; each CPU needs its own number");
  out.logical_order_.assign(static_cast<std::size_t>(npu), 0);
  for (std::size_t idx = 0; idx < rows.size(); ++idx) {
    out.cpus_.push_back(rows[idx].cpu);
    out.logical_order_[static_cast<std::size_t>(rows[idx].logical)] = static_cast<int>(idx);
  }

  // NUMA distances: from the file when it has a latency matrix, else default.
  out.numa_matrix_.assign(static_cast<std::size_t>(nnuma),
                          std::vector<int>(static_cast<std::size_t>(nnuma), kNumaRemoteDistance));
  for (int i = 0; i < nnuma; ++i)
    out.numa_matrix_[static_cast<std::size_t>(i)][static_cast<std::size_t>(i)] = kNumaLocalDistance;
  unsigned nr = 1;
  hwloc_distances_s* dist = nullptr;
  if (hwloc_distances_get_by_type(raw, HWLOC_OBJ_NUMANODE, &nr, &dist,
                                  HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) == 0 &&
      nr >= 1 && dist) {
    // Each distance a whole number in [1, kMaxNumaDistance] (ACPI SLIT's
    // are 10..254): 2^64-1 would read as -1.
    std::string bad;
    if (static_cast<int>(dist->nbobjs) != nnuma) {
      bad = "its NUMA distance matrix covers " + std::to_string(dist->nbobjs) + " of its " +
            std::to_string(nnuma) + " NUMA nodes";
    } else {
      for (unsigned a = 0; a < dist->nbobjs && bad.empty(); ++a)
        for (unsigned b = 0; b < dist->nbobjs && bad.empty(); ++b) {
          const hwloc_uint64_t v = dist->values[a * dist->nbobjs + b];
          if (v < 1 || v > static_cast<hwloc_uint64_t>(kMaxNumaDistance))
            bad = "its NUMA distance from node " + std::to_string(dist->objs[a]->logical_index) +
                  " to node " + std::to_string(dist->objs[b]->logical_index) + " is " +
                  std::to_string(v) + "; distances run from 1 to " +
                  std::to_string(kMaxNumaDistance);
          else
            out.numa_matrix_[dist->objs[a]->logical_index][dist->objs[b]->logical_index] =
                static_cast<int>(v);
        }
    }
    hwloc_distances_release(raw, dist);
    if (!bad.empty()) throw InputError("topology '" + spec + "': " + bad);
    out.numa_from_file_ = true;
  }
  return out;
}

void ask_hwloc_for_reasons() { ::setenv("HWLOC_XML_VERBOSE", "1", 0); }

int Topology::numa_distance(int a, int b) const {
  return numa_matrix_[static_cast<std::size_t>(cpu(a).numa)][static_cast<std::size_t>(cpu(b).numa)];
}

}  // namespace ipistorm::topo
