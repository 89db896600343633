// reproduce_command.cpp: the report's scenarios beside the report's figures.
#include "cli/reproduce_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "cli/uncertainty_commands.hpp"
#include "errors.hpp"
#include "report/rows.hpp"
#include "run/report.hpp"
#include "study/nativelink.hpp"
#include "study/reproduce.hpp"

namespace ipistorm::cli {

namespace {

std::string fmt_figure(const std::string& name, double v) {
  return model::format_metric(study::figure_metric(name), v);
}

// Exit 0 when it ran, whatever the figures say (the table and its footer say
// that); with `check`, 1 while a figure is outside its tolerance.
// `reproduce --report nativelink-2026`: the 2026 storm beside its report.
int cmd_reproduce_nativelink(const RunFlags& f, int draws, bool check) {
  if (!f.config_file.empty() || !f.calibration_file.empty() || !f.topology.empty() ||
      !f.kernel.empty() || !f.strategy.empty() || !f.placement.empty() || f.dom0_vcpus != 0 ||
      !f.sets.empty())
    throw InputError(
        "--report nativelink-2026 runs its own machine and kernel (guest-255, linux-6.1); "
        "the 2009 report's flags (--config, --calibration, --topology, --kernel, --strategy, "
        "--placement, --dom0-vcpus, --set) do not apply to it");
  check_writable(f.json_file);
  const ipistorm::study::NativelinkResult r = ipistorm::study::reproduce_nativelink(draws, f.seed);
  std::cout << "ipistorm reproduce: nativelink issue 2607 (July 2026), fadvise(DONTNEED) per "
               "blob on a 255-vCPU guest, seed "
            << f.seed << "\nassumed:\n";
  for (const std::string& a : r.assumptions) std::cout << "  " << a << "\n";
  auto num = [](double v) { return fmt(v, v < 10 ? 2 : (v < 1000 ? 1 : 0)); };
  auto print = [&](const char* title, const std::vector<ipistorm::study::NativelinkRow>& rows,
                   bool with_report) {
    std::cout << "\n" << title << "\n";
    std::vector<std::string> head{"figure"};
    if (with_report) head.push_back("report");
    for (const char* h : {"model p50", "5th", "95th", "judged", "ok"}) head.emplace_back(h);
    report::Rows t{head, {}};
    for (const auto& x : rows) {
      std::vector<std::string> row{x.figure};
      if (with_report) row.push_back(x.report.empty() ? "-" : x.report);
      for (const std::string& c : {num(x.model.p50), num(x.model.p5), num(x.model.p95),
                                   x.judged.empty() ? std::string("-") : x.judged,
                                   std::string(x.judged.empty() ? "-" : (x.ok ? "yes" : "NO"))})
        row.push_back(c);
      t.add_text(row);
    }
    std::cout << report::to_table(t);
  };
  print("the report's figures, 64 workers (model: median and 5th..95th percentile of the draws)",
        r.figures, true);
  print("the ceiling: does 4x the workers retire 4x the blobs?", r.ceiling, false);
  print("the other blob paths, 64 workers", r.paths, false);
  if (r.draws < 20)
    std::cout << "\n(" << r.draws << " draws: the 5th and 95th percentiles are rough; "
              << "--draws 20 or more)\n";
  std::cout << (r.ok() ? "\nevery judged figure as the report describes it\n"
                       : "\nSOME FIGURES NOT AS THE REPORT DESCRIBES THEM\n");
  if (!f.json_file.empty()) report::write(ipistorm::study::nativelink_json(r), f.json_file);
  return check && !r.ok() ? 1 : 0;
}

int cmd_reproduce(const RunFlags& f, int jobs, const std::string& pvops_cx,
                  const ipistorm::cli::UncertaintyFlags& u, const std::string& csv_file, bool check,
                  const std::string& report, int draws) {
  if (report == "nativelink-2026") {
    if (u.given || !csv_file.empty())
      throw InputError(
          "--report nativelink-2026 gives bands of its own (--draws); --uncertainty "
          "and --csv apply to the 2009 report");
    return cmd_reproduce_nativelink(f, draws == 0 ? 20 : draws, check);
  }
  if (draws != 0) throw InputError("--draws applies to --report nativelink-2026");
  model::Config base = build_config(f);
  study::ReproOptions opts;
  opts.pvops_cx_uploaded = pvops_cx == "uploaded";
  if (check && u.given)
    throw InputError(
        "--check and --uncertainty do not go together: --check judges one run's figures");
  if (u.given)
    return ipistorm::cli::reproduce_uncertainty_command(base, opts, u, jobs, f.json_file, csv_file);
  if (!csv_file.empty()) throw InputError("reproduce writes --csv only with --uncertainty");
  check_writable(f.json_file);
  auto outcomes = study::run_reproduce(base, ipistorm::cli::resolve_jobs(jobs), opts);
  std::cout << "ipistorm reproduce: the 2009 xen-devel report (pvops dom0 slow HVM boot) on "
            << base.topology << ", seed " << base.seed << "\n\n";
  report::Rows t{{"scenario", "figure", "report", "model", "error", "accepted", "ok"}, {}};
  bool all = true;
  for (const auto& o : outcomes) {
    for (const auto& fig : o.scenario.figures) {
      std::string accepted =
          fig.lo == fig.hi ? "exactly " + fmt_figure(fig.name, fig.lo)
                           : fmt_figure(fig.name, fig.lo) + ".." + fmt_figure(fig.name, fig.hi);
      t.add_text({o.scenario.name, fig.label, fmt_figure(fig.name, fig.reference),
                  fmt_figure(fig.name, fig.model),
                  (fig.rel_error() >= 0 ? "+" : "") + fmt(100 * fig.rel_error(), 1) + "%", accepted,
                  fig.ok ? "yes" : "NO"});
    }
    all = all && o.ok;
  }
  std::cout << report::to_table(t);
  if (!outcomes.empty()) std::cout << ipistorm::cli::clock_line(outcomes.front().result);
  if (all) {
    std::cout << "\nevery figure within tolerance\n";
  } else {
    std::cout << "\nSOME FIGURES OUT OF TOLERANCE:\n";
    for (const auto& o : outcomes)
      for (const auto& fig : o.scenario.figures)
        if (!fig.ok) std::cout << "  " << o.scenario.name << ": " << fig.label << "\n";
    std::cout << "Why, and what the report's text cannot settle: README.md, section "
                 "\"Reproduction targets\"\n(README.md#reproduction-targets; installed: "
                 "/usr/share/doc/ipistorm/README.md).\n";
  }
  if (!f.json_file.empty()) report::write(study::reproduce_json(outcomes), f.json_file);
  return check && !all ? 1 : 0;
}

}  // namespace

Subcommand reproduce_command() {
  struct Flags {
    RunFlags run;
    int jobs = 0;
    ipistorm::cli::UncertaintyFlags uncertainty;
    std::string csv, pvops_cx = "uploaded", report = "xen-devel-2009";
    int draws = 0;  // 0: not given (nativelink-2026 then draws 20)
    bool check = false;
  };
  auto f = std::make_shared<Flags>();
  return {
      "reproduce", "the report's scenarios beside the report's figures",
      [f](CLI::App& cmd) {
        add_run_flags(&cmd, f->run, false);
        cmd.add_option("-j,--jobs", f->jobs,
                       "threads (default: all cores); output does not depend on it")
            ->transform(ipistorm::cli::jobs_check());
        ipistorm::cli::add_uncertainty_flags(&cmd, f->uncertainty);
        cmd.add_option("--csv", f->csv, "with --uncertainty: one row per sample (costs, figures)");
        cmd.add_option("--pvops-cx", f->pvops_cx,
                       "did the pvops dom0 upload ACPI Cx data to Xen? 'uploaded' (default: "
                       "C1-C6 as for 2.6.18) or 'none' (Xen 3.4 then uses C1 only)")
            ->check(CLI::IsMember({"uploaded", "none"}));
        cmd.add_flag("--check", f->check,
                     "exit 1 when a figure is outside its tolerance (tests, scripts)");
        cmd.add_option("--report", f->report,
                       "xen-devel-2009 (default: the pvops dom0 slow HVM boot) or nativelink-2026 "
                       "(fadvise per blob on a 255-vCPU guest)")
            ->check(CLI::IsMember({"xen-devel-2009", "nativelink-2026"}));
        cmd.add_option(
               "--draws", f->draws,
               "nativelink-2026: draws of its unknowns, 2..1000 (default 20, a few seconds)")
            ->check(ipistorm::cli::decimal_integer());
        set_help(&cmd, {false, false, true, true, "with --check, a figure outside its tolerance"},
                 {"ipistorm reproduce", "ipistorm reproduce --check -j 2",
                  "ipistorm reproduce --topology nehalem-ex --json repro.json",
                  "ipistorm reproduce --report nativelink-2026 --draws 20"});
      },
      [f](CLI::App&) {
        return cmd_reproduce(f->run, f->jobs, f->pvops_cx, f->uncertainty, f->csv, f->check,
                             f->report, f->draws);
      }};
}

}  // namespace ipistorm::cli
