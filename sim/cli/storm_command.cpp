// storm_command.cpp: `ipistorm storm`: flags -> run::StormConfig, one run,
// a table for people and the JSON for tools (--json FILE or '-').
#include "cli/storm_command.hpp"

#include <iostream>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "io/number.hpp"
#include "model/linux6/kernels/linux_policy.hpp"
#include "report/rows.hpp"
#include "run/storm.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {
namespace {

namespace lx = model::linux6;

struct StormFlags {
  run::StormConfig c;
  std::vector<std::string> sets;
  std::string json_file;
};

std::string us(double v) { return fmt(v, v < 10 ? 2 : 1); }

std::string dist_row(const engine::Histogram& h) {
  if (h.count() == 0) return "-";
  return "p50 " + us(h.quantile(0.5) / 1e3) + "  p99 " + us(h.quantile(0.99) / 1e3) + "  p99.9 " +
         us(h.quantile(0.999) / 1e3) + "  max " + us(static_cast<double>(h.max()) / 1e3) +
         (h.count() < 1000 ? "  (" + std::to_string(h.count()) + " samples: the tails are rough)"
                           : "");
}

int run_storm_command(StormFlags& f) {
  for (const std::string& s : f.sets) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set needs NAME=VALUE, got '" + s + "'");
    const std::string name = s.substr(0, eq), text = s.substr(eq + 1);
    if (lx::find_linux_cost_row(name) != nullptr) {  // the Linux 6.x model's own rows
      const auto v = io::parse_real(text);
      if (!v) throw InputError("--set " + name + " needs a number, got '" + text + "'");
      lx::check_linux_cost(name, *v);
      f.c.linux_costs[name] = *v;
      continue;
    }
    f.c.params.set_from_string(name, text);
  }
  run::check_storm_config(f.c);
  if (!f.json_file.empty()) check_writable(f.json_file, "--json");
  const run::StormResult r = run::run_storm(f.c);
  const run::StormConfig& c = f.c;
  const double T = r.simulated_s;

  std::ostringstream os;
  os << "ipistorm storm: " << c.kernel << " on " << (c.host == "kvm" ? "a KVM guest" : "bare metal")
     << ", " << c.topology << "; " << c.workers << " fadvise workers (" << c.strategy
     << (c.strategy == "every-n" ? " " + std::to_string(c.every) : "") << ", "
     << fmt(100 * c.drain_fraction, 0) << "% of calls drain), " << c.busy_cpus << " busy CPUs"
     << (c.isolated.empty() ? "" : ", isolated " + c.isolated + " (" + c.isolated_task + ")")
     << "; " << fmt(T, 3) << " s simulated, seed " << c.seed << "\n\n";
  report::Rows t{{"figure", "value"}, {}};
  t.add_text({"fadvise calls retired", fmt_si(static_cast<double>(r.fadvise_calls) / T) + "/s"});
  t.add_text({"blobs", fmt_si(static_cast<double>(r.blobs) / T) + "/s"});
  t.add_text({"fadvise latency (us)", dist_row(r.fadvise_latency_ns)});
  t.add_text({"drain mutex wait (us)", dist_row(r.drain.mutex_wait_ns)});
  t.add_text({"drain mutex hold (us)", dist_row(r.drain.mutex_hold_ns)});
  t.add_text({"drains", fmt_si(static_cast<double>(r.drain.drains) / T) + "/s, " +
                            fmt(r.drain.drains ? static_cast<double>(r.drain.cpus) /
                                                     static_cast<double>(r.drain.drains)
                                               : 0.0,
                                1) +
                            " CPUs each; " + fmt_si(static_cast<double>(r.drain.shared) / T) +
                            "/s shared a generation"});
  if (r.drain.remote_drains)
    t.add_text({"drained by the caller (QPW)",
                fmt_si(static_cast<double>(r.drain.remote_drains) / T) + "/s"});
  if (r.drain.skipped_isolated)
    t.add_text({"isolated CPUs left to drain later",
                fmt_si(static_cast<double>(r.drain.skipped_isolated) / T) + "/s"});
  if (r.mbind_calls) {
    t.add_text({"mbind calls", fmt_si(static_cast<double>(r.mbind_calls) / T) + "/s"});
    t.add_text({"mbind latency (us)", dist_row(r.mbind_latency_ns)});
  }
  if (r.khugepaged_scans) t.add_text({"khugepaged scans", std::to_string(r.khugepaged_scans)});
  if (r.memfd_seals) t.add_text({"memfd seals", std::to_string(r.memfd_seals)});
  if (c.strategy == "background")
    t.add_text({"blobs waiting for the fadvise thread", std::to_string(r.backlog)});
  t.add_text({"busy CPU (all CPUs)", fmt(r.busy_cpu_pct, 1) + "%"});
  os << report::to_table(t);

  os << "\nper CPU, by class (osnoise's view of a busy loop: noise, max single, CPU available)\n";
  report::Rows k{{"class", "CPUs", "drains/s", "RES/s", "CAL/s", "IWI/s", "noise us/s",
                  "max single us", "available", "busy"},
                 {}};
  for (const run::StormCpuClass& cl : r.classes) {
    std::string cpus = std::to_string(cl.cpus.size());
    k.add_text({cl.name, cpus, fmt_si(cl.drains_per_s),
                fmt_si(cl.irqs_per_s[static_cast<int>(lx::Vector::kRES)]),
                fmt_si(cl.irqs_per_s[static_cast<int>(lx::Vector::kCAL)]),
                fmt_si(cl.irqs_per_s[static_cast<int>(lx::Vector::kIWI)]),
                fmt(cl.noise_us_per_s, 1), fmt(cl.max_single_noise_us, 1),
                fmt(cl.cpu_available_pct, 2) + "%", fmt(cl.busy_pct, 1) + "%"});
  }
  os << report::to_table(k);
  if (r.flush_wait_cpu >= 0 && (r.stuck || r.oldest_flush_wait_s >= 0.1))
    os << "\n"
       << (r.stuck ? "STUCK: " : "") << "a drain has waited " << fmt(r.oldest_flush_wait_s, 3)
       << " s for CPU " << r.flush_wait_cpu << "'s work"
       << (r.stuck ? " (past the hung-task limit of " + fmt(c.hung_task_s, 0) +
                         " s): every later caller waits behind its mutex"
                   : " (hung-task limit " + fmt(c.hung_task_s, 0) + " s)")
       << "\n";
  if (!f.json_file.empty()) {
    report::write(run::storm_json(c, r), f.json_file);
    os << "wrote " << f.json_file << "\n";
  }
  std::cout << os.str();
  return 0;
}

}  // namespace

Subcommand storm_command() {
  auto f = std::make_shared<StormFlags>();
  return {
      "storm",
      "today's storm: fadvise workers on a Linux 6.x kernel, busy and isolated CPUs, one run",
      [f](CLI::App& cmd) {
        run::StormConfig& c = f->c;
        cmd.add_option("--topology", c.topology,
                       "preset, hwloc synthetic string or XML (default '" + c.topology + "')");
        std::string kernels;
        for (const auto& e : lx::linux_policies())
          kernels += std::string(kernels.empty() ? "" : ", ") + e.name;
        cmd.add_option("--kernel", c.kernel,
                       "Linux 6.x preset: " + kernels + " (default " + c.kernel + ")");
        cmd.add_option("--host", c.host, "bare-metal or kvm (default bare-metal)");
        cmd.add_option("--workers", c.workers, "fadvise worker threads, one per CPU (default 16)")
            ->check(decimal_integer());
        cmd.add_option(
            "--strategy", c.strategy,
            "per-blob, every-n, none or background (one fadvise thread) (default per-blob)");
        cmd.add_option("--every", c.every, "every-n: blobs per fadvise (default 8)")
            ->check(decimal_integer());
        cmd.add_option("--blob-cpu-us", c.blob_cpu_us, "mean CPU time per blob, us (default 500)")
            ->check(decimal_real());
        cmd.add_option("--folios-per-blob", c.folios_per_blob,
                       "page-cache folios each blob's read adds (default 16)")
            ->check(decimal_real());
        auto* fraction =
            cmd.add_option(
                   "--drain-fraction", c.drain_fraction,
                   "share of fadvise calls that drain: 1 for mapped or spliced blobs, 0 for "
                   "blobs just written (6.1) (default 1)")
                ->check(decimal_real());
        auto* path = cmd.add_option(
            "--blob-path", c.blob_path,
            "how each blob was written and read: written or read (no drain on 6.x), "
            "read-elsewhere, mmap or sendfile (a drain per call); instead of --drain-fraction");
        path->excludes(fraction);
        cmd.add_option("--busy-cpus", c.busy_cpus,
                       "other CPUs busy in user space with page-cache activity (default 0)")
            ->check(decimal_integer());
        cmd.add_option("--busy-folio-adds-per-s", c.busy_folio_adds_per_s,
                       "folios each busy CPU adds per second (default 20000)")
            ->check(decimal_real());
        cmd.add_option("--idle-folio-adds-per-s", c.idle_folio_adds_per_s,
                       "folios each otherwise idle CPU's sleeping tasks leave in its batch per "
                       "second (default 0)")
            ->check(decimal_real());
        cmd.add_option("--isolated", c.isolated, "nohz_full CPUs, a cpulist (e.g. 28-31)");
        cmd.add_option("--isolated-task", c.isolated_task,
                       "what each isolated CPU runs: spin, spin-refill, fifo-spin, "
                       "fifo-spin-refill (default spin)");
        cmd.add_option("--isolated-folio-adds-per-s", c.isolated_folio_adds_per_s,
                       "*-refill: folios the isolated task adds per second (default 100)")
            ->check(decimal_real());
        cmd.add_option("--mbind-per-s", c.mbind_per_s,
                       "an mbind(MPOL_MF_MOVE) caller thread's calls per second "
                       "(lru_cache_disable; default 0: none)")
            ->check(decimal_real());
        cmd.add_option("--memfd-seals-per-s", c.memfd_seals_per_s,
                       "a memfd F_SEAL_WRITE caller thread's calls per second (a drain each; "
                       "default 0: none)")
            ->check(decimal_real());
        cmd.add_option("--khugepaged-scan-ms", c.khugepaged_scan_ms,
                       "khugepaged's scan period, ms; each scan drains (default 0: off; the "
                       "kernel's is 10000)")
            ->check(decimal_real());
        cmd.add_option("--duration", c.duration_s, "simulated seconds (default 1)")
            ->check(decimal_real());
        cmd.add_option("--hung-task-s", c.hung_task_s,
                       "a drain waiting longer is reported stuck (default 120)")
            ->check(decimal_real());
        cmd.add_option("--seed", c.seed, "random seed (default 1)")->transform(seed_check());
        cmd.add_option("--set", f->sets, "NAME=VALUE: a parameter of 'ipistorm params'");
        cmd.add_option("--json", f->json_file,
                       "write config, seed, result and provenance ('-': stdout)");
        set_help(&cmd, {},
                 {"ipistorm storm --topology 'pack:2 [numa] core:32 pu:2' --workers 64 "
                  "--busy-cpus 60",
                  "ipistorm storm --kernel linux-6.12-qpw --isolated 28-31 --isolated-task "
                  "fifo-spin-refill --json -"});
      },
      [f](CLI::App&) { return run_storm_command(*f); }};
}

}  // namespace ipistorm::cli
