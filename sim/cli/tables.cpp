// tables.cpp: numbers as the metric table formats them, the clock note,
// the ioport latency breakdown.
#include "cli/tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/scenario.hpp"
#include "report/rows.hpp"

namespace ipistorm::cli {

std::string fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string fmt_si(double v) { return model::format_si(v); }

std::string format_value(const model::MetricSpec& m, double v) {
  if (std::string(m.unit) != "bytes" || !std::isfinite(v)) return model::format_metric(m, v);
  static const char* const kPrefix[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int k = 0;
  double x = v;
  while (std::fabs(x) >= 1024 && k < 4) {
    x /= 1024;
    ++k;
  }
  char buf[64];
  // Whole numbers stay whole ("4 KiB", "48 MiB"); others keep one decimal.
  std::snprintf(buf, sizeof buf, x == std::floor(x) ? "%.0f %s" : "%.1f %s", x, kPrefix[k]);
  return buf;
}

std::string show(const std::string& metric_name, const model::Result& r) {
  const model::MetricSpec& m = model::metric(metric_name);
  return format_value(m, m.value(r));
}

std::string column_title(const std::string& metric_name) {
  const model::MetricSpec& m = model::metric(metric_name);
  return std::string(m.label) + " (" + m.unit + ")";
}

void print_breakdown(std::ostream& os, const std::vector<std::string>& labels,
                     const std::vector<const model::Result*>& runs) {
  std::vector<std::string> head = {"ioport latency part"};
  for (const auto& l : labels) head.push_back(l + " us");
  report::Rows t{head, {}};
  for (const model::MetricSpec* m : model::metrics_in_view(model::View::kBreakdown)) {
    std::vector<std::string> row = {m->label};
    for (const auto* r : runs) row.push_back(format_value(*m, m->value(*r)));
    t.add_text(row);
  }
  std::vector<std::string> total = {"= mean latency"};
  for (const auto* r : runs) total.push_back(show("ioport_latency_us.mean", *r));
  t.add_text(total);
  os << report::to_table(t);
}

std::string clock_note(double ghz, bool assumed) {
  return assumed ? "(clock assumed: " + fmt(ghz, 2) + " GHz; --cpu-ghz)" : "";
}

std::string clock_line(const model::Result& r) {
  const std::string note = clock_note(r.config.cpu_ghz, r.cpu_ghz_source == "assumed");
  return note.empty() ? "" : "cycle figures at " + fmt(r.config.cpu_ghz, 2) + " GHz " + note + "\n";
}

}  // namespace ipistorm::cli
