// rows.cpp: the reporters (rows.hpp).
#include "report/rows.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "io/csv.hpp"
#include "io/files.hpp"
#include "report/table.hpp"

namespace ipistorm::report {

namespace {

// A cell as CSV and the table write it.
std::string text(const Cell& c, bool csv) {
  struct Visit {
    bool csv;
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(std::uint64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      if (csv) return io::csv_number(v);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v);
      return buf;
    }
    std::string operator()(bool v) const {
      return csv ? (v ? "true" : "false") : (v ? "yes" : "no");
    }
  };
  return std::visit(Visit{csv}, c);
}

}  // namespace

void Rows::add(std::vector<Cell> row) {
  if (row.size() != columns.size())
    throw std::logic_error("a row of " + std::to_string(row.size()) + " cells for " +
                           std::to_string(columns.size()) + " columns");
  rows.push_back(std::move(row));
}

std::string to_csv(const Rows& r) {
  std::string out = io::csv_line(r.columns);
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (const Cell& c : row) cells.push_back(text(c, true));
    out += io::csv_line(cells);
  }
  return out;
}

nlohmann::json to_json(const Rows& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : r.rows) {
    nlohmann::json o = nlohmann::json::object();
    for (std::size_t i = 0; i < row.size(); ++i)
      std::visit([&](const auto& v) { o[r.columns[i]] = v; }, row[i]);
    out.push_back(std::move(o));
  }
  return out;
}

std::string to_table(const Rows& r) {
  Table t(r.columns);
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (const Cell& c : row) cells.push_back(text(c, false));
    t.row(std::move(cells));
  }
  std::ostringstream os;
  t.print(os);
  return os.str();
}

void write(const Rows& r, Format f, const std::string& path, const std::string& what) {
  switch (f) {
    case Format::kTable:
      io::write_file_atomic(path, to_table(r), what);
      return;
    case Format::kCsv:
      io::write_file_atomic(path, to_csv(r), what);
      return;
    case Format::kJson:
      io::write_file_atomic(path, to_json(r).dump(2) + "\n", what);
      return;
  }
}

}  // namespace ipistorm::report
