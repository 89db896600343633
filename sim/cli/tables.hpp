// tables.hpp: aligned plain-text tables for the terminal.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/scenario.hpp"

namespace ipistorm::cli {

// Tables fit this many columns unless the command was given --wide (0: no
// limit). A table wider than that leaves out its last columns and says which.
constexpr std::size_t kTableWidth = 100;
void set_table_width(std::size_t columns);
std::size_t table_width();

// `text` broken at spaces into lines of at most table_width() characters
// (one long word stays whole), each line after the first starting with
// `indent`; every line ends in a newline.
std::string wrap(const std::string& text, const std::string& indent);

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Column `col` (text) may be cut, its cells ending in "...", to fit the
  // width before later columns are left out.
  void clip(std::size_t col) { clip_ = col; }
  void print(std::ostream& os) const;

 private:
  std::size_t clip_ = static_cast<std::size_t>(-1);
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Fixed-point formatting with `digits` decimals, thousands not grouped.
std::string fmt(double v, int digits = 1);
// Human-readable count: 1234567 -> "1.23M".
std::string fmt_si(double v);
// A metric's value as the metric table formats it, except that bytes take
// binary prefixes ("4 KiB", "48 MiB") wherever the CLI prints them, as the
// docs and the figures do.
std::string format_value(const model::MetricSpec& m, double v);
// A metric of a run, formatted by format_value().
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
