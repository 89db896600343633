// errors.hpp: the one exception type for bad input (a config, a topology
// file, a flag). Its message is a single line naming the bad value and what
// is accepted; the CLI prints it and exits 2, the Python module raises
// ValueError with it.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace ipistorm {

// `what` as one printable line of at most kMaxErrorChars: the bad value a
// message echoes may hold a newline or a control character (a JSON key
// "a\nb", a topology string) that would split the line or drive the
// terminal, or be megabytes long. Each control byte becomes \n, \r, \t or
// \xNN; past the limit the line ends in "...".
inline std::string one_line(const std::string& what) {
  constexpr std::size_t kMaxErrorChars = 2000;
  std::string out;
  out.reserve(what.size() < kMaxErrorChars ? what.size() : kMaxErrorChars);
  for (const char ch : what) {
    if (out.size() >= kMaxErrorChars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  return out;
}

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(one_line(what)) {}
};

}  // namespace ipistorm
