// number.cpp: bounded number parsing (see number.hpp).
#include "io/number.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "errors.hpp"

namespace ipistorm::io {

std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* b = text.data();
  const char* e = b + text.size();
  if (*b == '+') {  // from_chars takes '-' but not '+'
    ++b;
    if (b == e || *b == '-') return std::nullopt;
  }
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_real(std::string_view text) {
  if (text.empty() || text.size() > 400) return std::nullopt;
  // from_chars(double) is not in libstdc++ 10; strtod on a NUL-terminated copy.
  const std::string s(text);
  const unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (!(std::isdigit(c0) || c0 == '-' || c0 == '+' || c0 == '.')) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  for (char c : s)  // strtod also reads hex floats, "inf" and "nan": decimal only
    if (c == 'x' || c == 'X' || c == 'n' || c == 'N' || c == 'i' || c == 'I') return std::nullopt;
  return v;
}

std::string format_number(double v) {
  char buf[64];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string out = buf;  // "1e+08" -> "1e8", "1e-05" -> "1e-5"
  const auto e = out.find('e');
  if (e != std::string::npos) {
    std::string exp = out.substr(e + 1);
    const bool neg = exp[0] == '-';
    if (exp[0] == '+' || exp[0] == '-') exp.erase(0, 1);
    while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
    out = out.substr(0, e + 1) + (neg ? "-" : "") + exp;
  }
  return out;
}

std::string format_range(double lo, double hi) {
  return "[" + format_number(lo) + ", " + format_number(hi) + "]";
}

std::int64_t int_in_range(std::string_view text, std::int64_t lo, std::int64_t hi,
                          const std::string& what) {
  const auto v = parse_int(text);
  if (!v || *v < lo || *v > hi)
    throw InputError(what + " must be a whole number in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got '" + std::string(text) + "'");
  return *v;
}

double real_in_range(std::string_view text, double lo, double hi, const std::string& what) {
  const auto v = parse_real(text);
  if (!v || *v < lo || *v > hi)
    throw InputError(what + " must be a number in " + format_range(lo, hi) + ", got '" +
                     std::string(text) + "'");
  return *v;
}

void check_range(double v, double lo, double hi, const std::string& what) {
  if (!std::isfinite(v) || v < lo || v > hi)
    throw InputError(what + " must be a number in " + format_range(lo, hi) + ", got " +
                     format_number(v));
}

}  // namespace ipistorm::io
