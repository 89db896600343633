// simulate_command.cpp: one run: every knob as a flag or in a JSON config, a table, --json,
// --trace.
#include "cli/simulate_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "model/metrics.hpp"
#include "report/rows.hpp"
#include "run/report.hpp"
#include "run/traced_run.hpp"
#include "run/world.hpp"

namespace ipistorm::cli {

namespace {

struct TraceFlags {
  std::string file;
  double from_s = 0, for_s = 0, max_mb = 256;
  CLI::Option *o_from{}, *o_for{}, *o_max{};
};

int cmd_simulate(const RunFlags& f, const TraceFlags& tf) {
  model::Config c = build_config(f);
  if (tf.file.empty() && (tf.o_from->count() || tf.o_for->count() || tf.o_max->count()))
    throw InputError("--trace-from, --trace-for and --trace-max-mb need --trace FILE");
  ipistorm::run::TraceRequest req;
  if (tf.o_from->count()) req.from_s = tf.from_s;
  if (tf.o_for->count()) req.for_s = tf.for_s;
  req.max_mb = tf.max_mb;
  if (!tf.file.empty()) ipistorm::run::check_trace_request(req);
  ipistorm::cli::check_outputs({{f.json_file, "--json"}, {tf.file, "--trace"}});
  if (tf.file.empty()) {
    model::Result r = run::run(c);
    print_result(std::cout, r);
    if (!f.json_file.empty()) report::write(run::result_json(r), f.json_file);
    return 0;
  }
  ipistorm::run::TracedRun tr = ipistorm::run::run_traced(c, req);
  print_result(std::cout, tr.result);
  if (!f.json_file.empty()) report::write(run::result_json(tr.result), f.json_file);
  ipistorm::cli::write_file_atomic(tf.file, tr.json, "--trace");
  std::cout << "\ntrace: " << tf.file << " (" << fmt(tr.from_s, 4) << " s + " << fmt(tr.for_s, 4)
            << " s, " << tr.ipi_flows << " IPIs; open it in ui.perfetto.dev)\n";
  return 0;
}

}  // namespace

void print_result(std::ostream& os, const model::Result& r) {
  os << "ipistorm simulate: " << r.config.kernel << ", " << r.config.strategy << ", "
     << r.config.dom0_vcpus << " dom0 vCPUs (" << r.config.placement << ") on " << r.config.topology
     << ", seed " << r.config.seed << "\n\n";
  report::Rows t{{"metric", "value", "unit"}, {}};
  // The metric table's simulate view; a latency in cycles shows its
  // microseconds beside the unit.
  for (const model::MetricSpec* m : model::metrics_in_view(model::View::kSimulate)) {
    std::string unit = m->unit;
    if (const char* beside = m->in(model::View::kSimulate)->beside)
      unit += " (" + ipistorm::cli::show(beside, r) + " " + model::metric(beside).unit + ")";
    t.add_text({m->label, ipistorm::cli::show(m->name, r), unit});
  }
  os << report::to_table(t);
  os << ipistorm::cli::clock_line(r);
  os << "\n";
  ipistorm::cli::print_breakdown(os, {"mean"}, {&r});
}

Subcommand simulate_command() {
  struct Flags {
    RunFlags run;
    TraceFlags trace;
  };
  auto f = std::make_shared<Flags>();
  return {"simulate", "run one scenario and print its metrics",
          [f](CLI::App& cmd) {
            add_run_flags(&cmd, f->run, true);
            TraceFlags& tf = f->trace;
            cmd.add_option("--trace", tf.file,
                           "write a Trace Event Format timeline of a window of the run "
                           "(ui.perfetto.dev; '-': stdout)");
            tf.o_from = cmd.add_option("--trace-from", tf.from_s,
                                       "trace window start, s of simulated time (default: "
                                       "inside the densest second)")
                            ->check(ipistorm::cli::decimal_real());
            tf.o_for =
                cmd.add_option("--trace-for", tf.for_s, "trace window length, s (default 0.005)")
                    ->check(ipistorm::cli::decimal_real());
            tf.o_max = cmd.add_option("--trace-max-mb", tf.max_mb,
                                      "refuse a trace larger than this (MiB, default 256)")
                           ->check(ipistorm::cli::decimal_real());
            set_help(&cmd, {true, true, true, true},
                     {"ipistorm simulate --kernel linux-2.6.31-pvops --dom0-vcpus 4",
                      "ipistorm simulate --strategy hcall-buffer-cache --set evtchn_send_us=2 "
                      "--json run.json"});
          },
          [f](CLI::App&) { return cmd_simulate(f->run, f->trace); }};
}

}  // namespace ipistorm::cli
