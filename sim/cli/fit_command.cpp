// fit_command.cpp: re-fit the one fitted cost (queue_work_us) to the pvops boot time.
#include "cli/fit_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "model/params.hpp"
#include "report/rows.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "study/fit.hpp"

namespace ipistorm::cli {

namespace {

int cmd_fit(const RunFlags& f) {
  model::Config base = build_config(f);
  check_writable(f.json_file);
  const auto& t = ipistorm::study::fitted_cost();
  const auto r = ipistorm::study::fit(base, t);
  std::cout << "ipistorm fit: " << t.param << " to the " << t.scenario << " " << t.figure << " ("
            << fmt(r.target, 2) << " +- " << fmt(t.tolerance, 2) << ") on " << base.topology
            << ", seed " << base.seed << "\n\n";
  char v[64];
  std::snprintf(v, sizeof v, "%.4f", r.value);
  std::cout << t.param << " = " << v << " " << model::find_param(t.param)->unit << "  (" << t.figure
            << " " << fmt(r.achieved, 3) << ", " << r.runs << " runs)\n";
  if (!r.converged) std::cout << "NOT CONVERGED: " << r.reason << "\n";
  if (!f.json_file.empty()) {
    nlohmann::json j = ipistorm::study::fit_json(r, t);
    model::Config fitted = base;  // the base with the fitted value: ready to run
    fitted.params.set(t.param, r.value);
    j["config"] = run::to_json(fitted);
    j["provenance"] = run::provenance_json();
    report::write(j, f.json_file);
  }
  return r.converged ? 0 : 1;
}

}  // namespace

Subcommand fit_command() {
  auto f = std::make_shared<RunFlags>();
  return {"fit", "re-fit the one fitted cost (queue_work_us) to the pvops boot time (42 s)",
          [f](CLI::App& cmd) {
            add_run_flags(&cmd, *f, false);
            set_help(&cmd, {false, false, true, true, "the fit did not converge"},
                     {"ipistorm fit", "ipistorm fit --set evtchn_send_us=2 --json fit.json"});
          },
          [f](CLI::App&) { return cmd_fit(*f); }};
}

}  // namespace ipistorm::cli
