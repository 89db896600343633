// table.hpp: aligned plain-text tables for the terminal (the table
// reporter, report/rows.hpp): column widths from the widest cell, numbers
// right-aligned, at most table_width() characters wide.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace ipistorm::report {

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

}  // namespace ipistorm::report
