// rows.hpp: results as rows, and the reporters that write them, as Google
// Benchmark's console, CSV and JSON reporters write one run list three
// ways: an aligned table for people (report/table.hpp), RFC 4180 CSV
// (io/csv.hpp) and JSON, each at full precision but the table. A study
// builds one Rows; each face picks a format and a path ('-' is standard
// output, io/files.hpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace ipistorm::report {

// One cell: text, a whole number, a real or a yes/no.
using Cell = std::variant<std::string, std::int64_t, std::uint64_t, double, bool>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`
  void add(std::vector<Cell> row);      // logic_error when its length is not the columns'
};

enum class Format { kTable, kCsv, kJson };

// The CSV text: the header line, then one line per row (reals as
// io::csv_number writes them, yes/no as true/false).
std::string to_csv(const Rows& r);
// [{column: cell, ...}, ...].
nlohmann::json to_json(const Rows& r);
// The aligned table (report/table.hpp; reals with %g).
std::string to_table(const Rows& r);
// `r` in format `f` to `path` ('-': standard output), atomically; `what`
// names the flag in errors ("--csv").
void write(const Rows& r, Format f, const std::string& path, const std::string& what);

}  // namespace ipistorm::report
