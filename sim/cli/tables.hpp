// tables.hpp: aligned plain-text tables for the terminal.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/scenario.hpp"

namespace ipistorm::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void print(std::ostream& os) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Fixed-point formatting with `digits` decimals, thousands not grouped.
std::string fmt(double v, int digits = 1);
// Human-readable count: 1234567 -> "1.23M".
std::string fmt_si(double v);
// A metric of a run as the metric table formats it.
std::string show(const std::string& metric_name, const model::Result& r);
// A column header from the metric table: "guest boot time (s)".
std::string column_title(const std::string& metric_name);

// The note every table with a cycle figure prints when nothing said the
// clock: "(clock assumed: 2.00 GHz; --cpu-ghz)"; "" when the clock is known.
std::string clock_note(double ghz, bool assumed);
// The line a run's table ends with when its clock was assumed: "cycle
// figures at 2.00 GHz (clock assumed: ...)\n"; "" when the clock is known.
std::string clock_line(const model::Result& r);

// The ioport latency breakdown (mean us per access by part, and the total),
// one column per run, headed by `labels`.
void print_breakdown(std::ostream& os, const std::vector<std::string>& labels,
                     const std::vector<const model::Result*>& runs);

}  // namespace ipistorm::cli
