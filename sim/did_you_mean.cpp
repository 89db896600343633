// did_you_mean.cpp: edit distance over the known names.
#include "did_you_mean.hpp"

#include <algorithm>

namespace ipistorm {

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbouring characters ("spraed") each count 1.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
  // The distance is at least the difference in length, so a name over 4/3
  // of the longest known one cannot be close: answered without the
  // (name x known) table, which for a 64 MiB config key would not fit in
  // memory (found by fuzz/config_json).
  std::size_t longest = 0;
  for (const auto& k : known) longest = std::max(longest, k.size());
  if (3 * name.size() > 4 * longest) return "";
  std::string best;
  std::size_t best_d = 0;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(name, k);
    if (best.empty() || d < best_d) {
      best = k;
      best_d = d;
    }
  }
  if (best.empty() || best_d == 0) return "";
  const std::size_t longer = std::max(name.size(), best.size());
  if (4 * best_d <= longer) return best;
  // A part of exactly one name ("pvops" for linux-2.6.31-pvops, "4.15" for
  // linux-4.15): what a user remembers of a long registry name.
  std::string part_of;
  if (name.size() >= 3)
    for (const auto& k : known)
      if (k.find(name) != std::string::npos) {
        if (!part_of.empty()) return "";  // ambiguous: no guess
        part_of = k;
      }
  return part_of;
}

std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known, bool list_accepted) {
  const std::string close = closest_name(name, known);
  std::string accepted;
  for (const auto& k : known) accepted += (accepted.empty() ? "" : ", ") + k;
  std::string hint;
  if (!close.empty()) hint = "did you mean '" + close + "'?";
  if (list_accepted) hint += (hint.empty() ? "" : " ") + std::string("accepted: ") + accepted;
  return "unknown " + what + " '" + name + "'" + (hint.empty() ? "" : " (" + hint + ")");
}

}  // namespace ipistorm
