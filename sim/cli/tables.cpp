// tables.cpp: column widths from the widest cell; numbers right-aligned.
#include "cli/tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/scenario.hpp"

namespace ipistorm::cli {

namespace {
bool numeric(const std::string& s) {
  return !s.empty() &&
         (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+');
}
}  // namespace

void Table::print(std::ostream& os) const {
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t i = 0; i < header_.size(); ++i) w[i] = header_[i].size();
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells, bool head) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string c = i < cells.size() ? cells[i] : "";
      const std::string pad(w[i] - c.size(), ' ');
      if (i) os << "  ";
      if (!head && i > 0 && numeric(c))
        os << pad << c;
      else
        os << c << (i + 1 < w.size() ? pad : "");
    }
    os << "\n";
  };
  line(header_, true);
  std::size_t total = 0;
  for (auto x : w) total += x;
  os << std::string(total + 2 * (w.size() - 1), '-') << "\n";
  for (const auto& r : rows_) line(r, false);
}

std::string fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string fmt_si(double v) { return model::format_si(v); }

std::string show(const std::string& metric_name, const model::Result& r) {
  const model::MetricSpec& m = model::metric(metric_name);
  return model::format_metric(m, m.value(r));
}

std::string column_title(const std::string& metric_name) {
  const model::MetricSpec& m = model::metric(metric_name);
  return std::string(m.label) + " (" + m.unit + ")";
}

void print_breakdown(std::ostream& os, const std::vector<std::string>& labels,
                     const std::vector<const model::Result*>& runs) {
  std::vector<std::string> head = {"ioport latency part"};
  for (const auto& l : labels) head.push_back(l + " us");
  Table t(head);
  for (const char* part : model::kLatencyPartNames) {  // rows of the metric table, chain order
    const std::string name = std::string("ioport_breakdown_us.") + part;
    std::vector<std::string> row = {model::metric(name).label};
    for (const auto* r : runs) row.push_back(show(name, *r));
    t.row(row);
  }
  std::vector<std::string> total = {"= mean latency"};
  for (const auto* r : runs) total.push_back(show("ioport_latency_us.mean", *r));
  t.row(total);
  t.print(os);
}

std::string clock_note(double ghz, bool assumed) {
  return assumed ? "(clock assumed: " + fmt(ghz, 2) + " GHz; --cpu-ghz)" : "";
}

std::string clock_line(const model::Result& r) {
  const std::string note = clock_note(r.config.cpu_ghz, r.cpu_ghz_source == "assumed");
  return note.empty() ? "" : "cycle figures at " + fmt(r.config.cpu_ghz, 2) + " GHz " + note + "\n";
}

}  // namespace ipistorm::cli
