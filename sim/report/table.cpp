// table.cpp: column widths from the widest cell; numbers right-aligned.
#include "report/table.hpp"

#include <algorithm>
#include <cctype>

namespace ipistorm::report {

namespace {
bool numeric(const std::string& s) {
  return !s.empty() &&
         (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+');
}
}  // namespace

namespace {
std::size_t g_table_width = kTableWidth;
}  // namespace

void set_table_width(std::size_t columns) { g_table_width = columns; }
std::size_t table_width() { return g_table_width; }

std::string wrap(const std::string& text, const std::string& indent) {
  std::string out, line;
  std::size_t start = text.find_first_not_of(' ');
  if (start == std::string::npos) return text + "\n";
  const std::string lead = text.substr(0, start);
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && g_table_width && line.size() + 1 + word.size() > g_table_width) {
      out += line + "\n";
      line = indent + word;
    } else {
      line += (line.empty() ? lead : " ") + word;
    }
    start = end + 1;
  }
  return out + line + "\n";
}

void Table::print(std::ostream& os) const {
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t i = 0; i < header_.size(); ++i) w[i] = header_[i].size();
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  // A clipped column gives up what the table is too wide by, down to 20.
  if (g_table_width && clip_ < w.size()) {
    std::size_t all = 0;
    for (std::size_t i = 0; i <= clip_; ++i) all += (i ? 2 : 0) + w[i];
    if (all > g_table_width) w[clip_] = std::max<std::size_t>(20, w[clip_] - (all - g_table_width));
  }
  auto cell = [&](const std::vector<std::string>& cells, std::size_t i) {
    const std::string c = i < cells.size() ? cells[i] : "";
    return c.size() <= w[i] ? c : c.substr(0, w[i] - 3) + "...";
  };
  // Keep the columns that fit the width (the first two always), in order.
  std::size_t shown = w.size(), total = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::size_t next = total + (i ? 2 : 0) + w[i];
    if (g_table_width && i >= 2 && next > g_table_width) {
      shown = i;
      break;
    }
    total = next;
  }
  // A line ends at its last character: empty cells at the end (a CPU no
  // vCPU runs on, in `ipistorm topology`) leave no gap or padding behind.
  auto line = [&](const std::vector<std::string>& cells, bool head) {
    std::string out;
    for (std::size_t i = 0; i < shown; ++i) {
      const std::string c = cell(cells, i);
      const std::string pad(w[i] - c.size(), ' ');
      if (i) out += "  ";
      if (!head && i > 0 && numeric(c))
        out += pad + c;
      else
        out += c + pad;
    }
    out.erase(out.find_last_not_of(' ') + 1);
    os << out << "\n";
  };
  line(header_, true);
  os << std::string(total, '-') << "\n";
  for (const auto& r : rows_) line(r, false);
  if (shown < w.size()) {
    os << "\n";
    std::string left;
    for (std::size_t i = shown; i < w.size(); ++i) left += (left.empty() ? "" : ", ") + header_[i];
    os << wrap("(" + std::to_string(w.size() - shown) +
                   (w.size() - shown == 1 ? " column" : " columns") + " left out to fit " +
                   std::to_string(g_table_width) + " characters: " + left +
                   "; --wide shows every column)",
               " ");
  }
}

}  // namespace ipistorm::report
