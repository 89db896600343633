// cpu_list.hpp: a Linux cpulist ("5-7", "1,3-4"; the form of isolcpus=,
// nohz_full= and /sys/devices/system/cpu/isolated), read with the one
// number grammar (io/number.hpp). Used by `storm --isolated` and by the
// virtual lab's recorded isolated set.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "io/number.hpp"

namespace ipistorm::io {

// The CPUs of `text` (each once, in the order given), each in
// 0..num_cpus-1; "" is none. std::nullopt when the text is not a cpulist
// or names a CPU outside the range (the caller's message names the flag).
inline std::optional<std::vector<int>> parse_cpu_list(const std::string& text, int num_cpus) {
  std::vector<int> out;
  if (text.empty()) return out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string part = text.substr(pos, comma - pos);
    const std::size_t dash = part.find('-');
    const auto a = parse_int(part.substr(0, dash));
    const auto b = dash == std::string::npos ? a : parse_int(part.substr(dash + 1));
    if (!a || !b || *a < 0 || *b < *a || *b >= num_cpus) return std::nullopt;
    for (auto c = *a; c <= *b; ++c)
      if (std::find(out.begin(), out.end(), static_cast<int>(c)) == out.end())
        out.push_back(static_cast<int>(c));
    pos = comma + 1;
  }
  return out;
}

}  // namespace ipistorm::io
