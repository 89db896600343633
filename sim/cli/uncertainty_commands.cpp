// uncertainty_commands.cpp: see uncertainty_commands.hpp. No model
// arithmetic here: the study computes, this file prints.
#include "cli/uncertainty_commands.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/study_runner.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "report/rows.hpp"
#include "study/compare_uncertainty.hpp"
#include "study/points_uncertainty.hpp"
#include "study/reproduce_uncertainty.hpp"
#include "study/sampling.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;
namespace study = ipistorm::study;

void add_uncertainty_flags(CLI::App* app, UncertaintyFlags& u) {
  CLI::Option* n = app->add_option("--uncertainty", u.n,
                                   "N Sobol' samples of the chosen costs' plausible ranges (2.." +
                                       std::to_string(study::kMaxSamples) +
                                       "); queue_work_us is re-fitted to the pvops boot in each")
                       ->transform(decimal_integer())
                       ->each([&u](const std::string&) { u.given = true; });
  app->add_flag("--no-refit", u.no_refit,
                "with --uncertainty: keep queue_work_us at its value instead of re-fitting it")
      ->needs(n);
}

namespace {

study::StudyOptions options(const UncertaintyFlags& u, int jobs) {
  study::check_sample_count(u.n);
  study::StudyOptions o;
  o.n = u.n;
  o.refit = !u.no_refit;
  o.jobs = resolve_jobs(jobs);
  return o;
}

std::string pct(double f) { return fmt(100 * f, 0) + "%"; }

// Three significant figures below 1000 (0.0612, 42.0), k/M above.
std::string num3(double v) {
  if (std::fabs(v) >= 1000) return fmt_si(v);
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

// Under 20 samples less than one sample lies beyond the 5th or the 95th
// percentile: those columns are interpolated between the extreme samples,
// and the table says so instead of printing them as if they were a band.
void small_sample_note(int n) {
  if (n < 20)
    std::cout << wrap("note: " + std::to_string(n) +
                          " samples leave less than one beyond p5 and p95: those columns are "
                          "rough; use --uncertainty 64 or more for a band",
                      "  ");
}

// "25 model runs in 0.3 s (83 runs/s): 12 for the table (the progress bar's
// count), 13 re-fitting queue_work_us".
void print_rate(std::size_t table_runs, std::size_t fit_runs, double wall,
                const char* table_unit = "runs") {
  const std::size_t runs = table_runs + fit_runs;
  std::string s = std::to_string(runs) + " model runs in " + fmt(wall, 1) + " s (" +
                  fmt(static_cast<double>(runs) / std::max(wall, 1e-9), 2) + " runs/s)";
  if (fit_runs)
    s += ": " + std::to_string(table_runs) + " for the table (the progress bar counted " +
         table_unit + "), " + std::to_string(fit_runs) + " re-fitting queue_work_us";
  std::cout << wrap(s, "  ");
}

}  // namespace

int reproduce_uncertainty_command(const model::Config& base, const study::ReproOptions& repro,
                                  const UncertaintyFlags& u, int jobs, const std::string& json_file,
                                  const std::string& csv_file) {
  study::StudyOptions o = options(u, jobs);
  o.repro = repro;
  check_outputs({{json_file, "--json"}, {csv_file, "--csv"}});
  const auto t0 = std::chrono::steady_clock::now();
  study::ReproUncertainty r;
  run_study(
      static_cast<std::size_t>(u.n),
      [&](const std::atomic<bool>* stop, study::Progress p) {
        o.stop = stop;
        o.progress = std::move(p);
        r = study::reproduce_uncertainty(base, o);
      },
      "samples");
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const nlohmann::json j = study::reproduce_uncertainty_json(r);
  std::cout << wrap("ipistorm reproduce --uncertainty " + std::to_string(u.n) + ": " +
                        std::to_string(r.dims.size()) + " chosen costs sampled (Sobol'), " +
                        (o.refit ? "queue_work_us re-fitted per sample" : "no re-fit") + ", on " +
                        base.topology + ", seed " + std::to_string(base.seed) +
                        (repro.pvops_cx_uploaded ? "" : ", pvops dom0 without Cx upload (C1 only)"),
                    "  ")
            << "\n";
  report::Rows t{{"scenario", "figure", "report", "p5", "p50", "p95", "accepted", "within"}, {}};
  for (const auto& s : j["scenarios"])
    for (const auto& f : s["figures"]) {
      const auto& b = f["band"];
      auto v = [](const nlohmann::json& x) { return num3(x.get<double>()); };
      t.add_text({s["name"], f["label"], v(f["reference"]), v(b["p5"]), v(b["p50"]), v(b["p95"]),
                  v(f["accepted"][0]) + ".." + v(f["accepted"][1]),
                  pct(f["within_tolerance_fraction"].get<double>())});
    }
  std::cout << report::to_table(t);
  small_sample_note(u.n);
  std::cout << "\nall figures within tolerance at once: " << pct(j["all_within_fraction"]) << " of "
            << u.n << " samples";
  if (o.refit) std::cout << "; fit not converged in " << j["uncertainty"]["fit_failures"];
  std::cout << "\n";
  if (!j["consistent_ranges"].empty()) {
    std::cout << "ranges of the samples that meet every figure:\n";
    report::Rows c{{"parameter", "sampled", "consistent"}, {}};
    for (const auto& d : j["uncertainty"]["dimensions"]) {
      const auto& cr = j["consistent_ranges"][d["name"].get<std::string>()];
      c.add_text({d["name"], num3(d["range"][0]) + ".." + num3(d["range"][1]),
                  num3(cr[0]) + ".." + num3(cr[1])});
    }
    std::cout << report::to_table(c);
  }
  std::size_t fit_runs = 0;
  for (const auto& s : r.samples) fit_runs += static_cast<std::size_t>(s.fit.runs);
  print_rate(r.samples.size() * (r.scenarios.size() - (o.refit ? 1 : 0)), fit_runs, wall,
             "samples");
  if (!csv_file.empty())
    report::write(study::reproduce_uncertainty_rows(r), report::Format::kCsv, csv_file, "--csv");
  if (!json_file.empty()) report::write(j, json_file);
  return 0;
}

int compare_uncertainty_command(const model::Config& base, const std::vector<model::Config>& points,
                                const std::string& baseline_kernel,
                                const std::string& baseline_strategy, const UncertaintyFlags& u,
                                int jobs, const std::string& json_file) {
  study::StudyOptions o = options(u, jobs);
  check_writable(json_file);
  const auto t0 = std::chrono::steady_clock::now();
  study::CompareUncertainty c;
  run_study(points.size() * static_cast<std::size_t>(u.n),
            [&](const std::atomic<bool>* stop, study::Progress p) {
              o.stop = stop;
              o.progress = std::move(p);
              c = study::compare_uncertainty(base, points, o, {baseline_kernel, baseline_strategy});
            });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const nlohmann::json j = study::compare_uncertainty_json(c);
  std::cout << wrap("ipistorm compare --uncertainty " + std::to_string(u.n) + ": " + base.topology +
                        ", seed " + std::to_string(base.seed) + ", paired samples" +
                        (o.refit ? ", queue_work_us re-fitted per sample" : "") +
                        "; each cell: p5 / p50 / p95 over the samples",
                    "  ")
            << "\n";
  // Five of the metric table's rows (the JSON has bands of every row).
  std::vector<const model::MetricSpec*> shown;
  for (const char* name : {"boot_time_s", "ioport_latency_us.p50", "ioport_latency_us.p99",
                           "dom0_util_pct.peak", "resched_ipis_per_s.peak"})
    shown.push_back(&model::metric(name));
  std::vector<std::string> header = {"strategy"};
  for (const model::MetricSpec* m : shown)
    header.push_back(std::string(m->label) + " (" + m->unit + ")");
  report::Rows t{header, {}};
  for (const auto& row : j["rows"]) {
    std::vector<std::string> cells = {row["label"]};
    for (const model::MetricSpec* m : shown) {
      const auto& b = row["bands"][m->name];
      auto f = [&](const char* q) { return format_value(*m, b[q].get<double>()); };
      cells.push_back(f("p5") + " / " + f("p50") + " / " + f("p95"));
    }
    t.add_text(cells);
  }
  std::cout << report::to_table(t);
  small_sample_note(u.n);
  std::cout << "\n";
  for (const auto& v : c.verdicts) std::cout << v << "\n";
  std::size_t fit_runs = 0;
  for (const auto& s : c.runs.samples) fit_runs += static_cast<std::size_t>(s.fit.runs);
  print_rate(c.runs.results.size(), fit_runs, wall);
  if (!json_file.empty()) report::write(j, json_file);
  return 0;
}

int sweep_uncertainty_command(const study::Grid& g, const std::vector<model::Config>& points,
                              const UncertaintyFlags& u, int jobs, const std::string& json_file,
                              const std::string& csv_file) {
  study::StudyOptions o = options(u, jobs);
  const auto t0 = std::chrono::steady_clock::now();
  study::PointsUncertainty r;
  run_study(points.size() * static_cast<std::size_t>(u.n),
            [&](const std::atomic<bool>* stop, study::Progress p) {
              o.stop = stop;
              o.progress = std::move(p);
              r = study::points_uncertainty(g.base, points, o);
            });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::size_t> sample(r.results.size());
  for (std::size_t k = 0; k < r.results.size(); ++k) sample[k] = k % r.samples.size();
  // The metric table's names, as in the sweep without --uncertainty.
  report::Rows t{{"run", "sample", "kernel", "strategy", "vCPUs", column_title("boot_time_s"),
                  column_title("resched_ipis_per_s.peak"), column_title("dom0_util_pct.peak")},
                 {}};
  for (std::size_t k = 0; k < r.results.size(); ++k) {
    if (k >= 40 && k + 5 < r.results.size()) {
      if (k == 40) t.add_text({"..."});
      continue;
    }
    const auto& res = r.results[k];
    t.add_text({std::to_string(k), std::to_string(sample[k]), res.config.kernel,
                res.config.strategy, std::to_string(res.config.dom0_vcpus),
                show("boot_time_s", res), show("resched_ipis_per_s.peak", res),
                show("dom0_util_pct.peak", res)});
  }
  std::cout << report::to_table(t);
  std::size_t fit_runs = 0;
  for (const auto& s : r.samples) fit_runs += static_cast<std::size_t>(s.fit.runs);
  std::cout << "\n";
  print_rate(r.results.size(), fit_runs, wall);
  if (!csv_file.empty())
    report::write(study::sweep_rows(g, r.results, nullptr, sample), report::Format::kCsv, csv_file,
                  "--csv");
  if (!json_file.empty()) {
    nlohmann::json j = study::sweep_json(g, r.results, sample);
    j["uncertainty"] = study::design_json(r.samples.size(), r.seed, r.refit, r.dims);
    j["samples"] = study::samples_json(r.dims, r.samples);
    report::write(j, json_file);
  }
  return 0;
}

}  // namespace ipistorm::cli
