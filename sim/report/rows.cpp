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

std::string csv_row(const std::vector<Cell>& row) {
  std::vector<std::string> cells;
  cells.reserve(row.size());
  for (const Cell& c : row) cells.push_back(text(c, true));
  return io::csv_line(cells);
}

nlohmann::json json_row(const std::vector<std::string>& columns, const std::vector<Cell>& row) {
  nlohmann::json o = nlohmann::json::object();
  for (std::size_t i = 0; i < row.size(); ++i)
    std::visit([&](const auto& v) { o[columns[i]] = v; }, row[i]);
  return o;
}

}  // namespace

void Rows::add(std::vector<Cell> row) {
  if (row.size() != columns.size())
    throw std::logic_error("a row of " + std::to_string(row.size()) + " cells for " +
                           std::to_string(columns.size()) + " columns");
  rows.push_back(std::move(row));
}

void Rows::add_text(const std::vector<std::string>& cells) {
  if (cells.size() > columns.size())
    throw std::logic_error("a row of " + std::to_string(cells.size()) + " cells for " +
                           std::to_string(columns.size()) + " columns");
  std::vector<Cell> row(cells.begin(), cells.end());
  row.resize(columns.size(), std::string());
  rows.push_back(std::move(row));
}

std::string to_csv(const Rows& r) {
  std::string out = io::csv_line(r.columns);
  for (const auto& row : r.rows) out += csv_row(row);
  return out;
}

nlohmann::json to_json(const Rows& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : r.rows) out.push_back(json_row(r.columns, row));
  return out;
}

std::string to_table(const Rows& r, std::size_t clip) {
  Table t(r.columns);
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (const Cell& c : row) cells.push_back(text(c, false));
    t.row(std::move(cells));
  }
  t.clip(clip);
  std::ostringstream os;
  t.print(os);
  return os.str();
}

std::string to_markdown(const Rows& r) {
  std::string out = "|", rule = "|";
  for (const auto& c : r.columns) {
    out += " " + c + " |";
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : r.rows) {
    out += "|";
    for (const Cell& c : row) out += " " + text(c, false) + " |";
    out += "\n";
  }
  return out;
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
      write(to_json(r), path, what);
      return;
    case Format::kMarkdown:
      io::write_file_atomic(path, to_markdown(r), what);
      return;
  }
}

std::string to_text(const nlohmann::json& doc) { return doc.dump(2) + "\n"; }

void write(const nlohmann::json& doc, const std::string& path, const std::string& what) {
  io::write_file_atomic(path, to_text(doc), what);
}

JsonArrayText::JsonArrayText(const nlohmann::json& head, const std::string& key) {
  const std::string text = head.dump(2);
  if (key.empty()) {
    if (text != "[]") throw std::logic_error("a streamed JSON array that is not empty");
    indent_ = "  ";
    return;
  }
  // An object's last key at the top level: `"key": []` and the closing brace.
  const std::string end = "\"" + key + "\": []\n}";
  if (text.size() < end.size() || text.compare(text.size() - end.size(), end.size(), end) != 0)
    throw std::logic_error("streamed JSON: \"" + key + "\" is not the last key, or not empty");
  head_ = text.substr(0, text.size() - 4);  // up to the "[" of "[]\n}"
  tail_ = "\n}";
  indent_ = "    ";
}

std::string JsonArrayText::begin() const { return head_ + "["; }

std::string JsonArrayText::element(const nlohmann::json& e) {
  // One element: dump(2) indented by the array's depth.
  std::string out = n_++ ? ",\n" : "\n";
  const std::string text = e.dump(2);
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    out += indent_;
    out.append(text, start, nl == std::string::npos ? std::string::npos : nl + 1 - start);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string JsonArrayText::end() const {
  return (n_ ? "\n" + indent_.substr(2) + "]" : std::string("]")) + tail_ + "\n";
}

RowStream::RowStream(std::vector<std::string> columns, Format f, const std::string& path,
                     const std::string& what)
    : format_(f),
      json_(nlohmann::json::array()),
      file_(std::make_unique<io::AtomicFile>(path, what)) {
  table_.columns = std::move(columns);
  if (format_ == Format::kCsv) file_->write(io::csv_line(table_.columns));
  if (format_ == Format::kJson) file_->write(json_.begin());
}

RowStream::~RowStream() = default;

void RowStream::add(const Rows& rows) {
  if (rows.columns != table_.columns) throw std::logic_error("streamed rows of other columns");
  for (const auto& row : rows.rows) {
    switch (format_) {
      case Format::kTable:
      case Format::kMarkdown:
        table_.add(row);
        break;
      case Format::kCsv:
        file_->write(csv_row(row));
        break;
      case Format::kJson:
        file_->write(json_.element(json_row(table_.columns, row)));
        break;
    }
  }
}

void RowStream::commit() {
  if (format_ == Format::kTable) file_->write(to_table(table_));
  if (format_ == Format::kMarkdown) file_->write(to_markdown(table_));
  if (format_ == Format::kJson) file_->write(json_.end());
  file_->commit();
}

DocumentStream::DocumentStream(const nlohmann::json& head, const std::string& key,
                               const std::string& path, const std::string& what)
    : text_(head, key), file_(std::make_unique<io::AtomicFile>(path, what)) {
  file_->write(text_.begin());
}

DocumentStream::~DocumentStream() = default;

void DocumentStream::add(const nlohmann::json& element) { file_->write(text_.element(element)); }

void DocumentStream::commit() {
  file_->write(text_.end());
  file_->commit();
}

}  // namespace ipistorm::report
