// rows.hpp: results as rows, and the reporters that write them, as Google
// Benchmark's console, CSV and JSON reporters write one run list three
// ways: an aligned table for people (report/table.hpp), RFC 4180 CSV
// (io/csv.hpp), JSON and a Markdown table (the docs' generated tables),
// each at full precision but the tables. A study
// builds one Rows (or, for a nested result, one JSON document); each face
// picks a format and a path ('-' is standard output, io/files.hpp). Every
// command's CSV, JSON and table goes through here: a new output format is
// a Format and its writer in this file and rows.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace ipistorm::io {
class AtomicFile;
}

namespace ipistorm::report {

// One cell: text, a whole number, a real or a yes/no.
using Cell = std::variant<std::string, std::int64_t, std::uint64_t, double, bool>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`
  void add(std::vector<Cell> row);      // logic_error when its length is not the columns'
  // A row of text cells, already formatted for people (a terminal table);
  // a shorter row ("...") is padded with empty cells.
  void add_text(const std::vector<std::string>& cells);
};

enum class Format { kTable, kCsv, kJson, kMarkdown };

// No column of a table is clipped (to_table).
constexpr std::size_t kNoClip = static_cast<std::size_t>(-1);

// The CSV text: the header line, then one line per row (reals as
// io::csv_number writes them, yes/no as true/false).
std::string to_csv(const Rows& r);
// [{column: cell, ...}, ...].
nlohmann::json to_json(const Rows& r);
// The aligned table (report/table.hpp; reals with %g). Column `clip` (a
// text column) may be cut to fit the width before later columns are left
// out (Table::clip).
std::string to_table(const Rows& r, std::size_t clip = kNoClip);
// A GitHub Markdown table: "| a | b |", a "|---|---|" line, a line per row
// (cells as the table writes them, not escaped).
std::string to_markdown(const Rows& r);
// `r` in format `f` to `path` ('-': standard output), atomically; `what`
// names the flag in errors ("--csv").
void write(const Rows& r, Format f, const std::string& path, const std::string& what);
// A nested result (a JSON document) as text: its dump(2) and a newline.
std::string to_text(const nlohmann::json& doc);
// to_text(doc) to `path`, atomically.
void write(const nlohmann::json& doc, const std::string& path, const std::string& what = "--json");

// A JSON document's text a piece at a time, equal to the whole document's
// dump(2) + "\n": `head` holds an empty array at `key` (its last key in the
// dump; "" when `head` is that array), filled by element() in order.
class JsonArrayText {
 public:
  explicit JsonArrayText(const nlohmann::json& head, const std::string& key = "");
  std::string begin() const;
  std::string element(const nlohmann::json& e);
  std::string end() const;

 private:
  std::string head_, tail_, indent_;
  std::uint64_t n_ = 0;
};

// Rows written as they come, to `path` ('-': standard output): CSV and
// JSON a row at a time (memory does not grow with the rows), a table at
// commit() (its widths need every row). The file is renamed into place at
// commit(); destroyed before, the stream leaves no file.
class RowStream {
 public:
  RowStream(std::vector<std::string> columns, Format f, const std::string& path,
            const std::string& what);
  ~RowStream();
  void add(const Rows& rows);  // rows with these columns
  void commit();

 private:
  Format format_;
  Rows table_;  // the table's rows, held to commit(); its columns for every format
  JsonArrayText json_;
  std::unique_ptr<io::AtomicFile> file_;
};

// A JSON document whose array at `key` is written an element at a time
// (JsonArrayText), to `path` ('-': standard output), renamed into place at
// commit().
class DocumentStream {
 public:
  DocumentStream(const nlohmann::json& head, const std::string& key, const std::string& path,
                 const std::string& what);
  ~DocumentStream();
  void add(const nlohmann::json& element);
  void commit();

 private:
  JsonArrayText text_;
  std::unique_ptr<io::AtomicFile> file_;
};

}  // namespace ipistorm::report
