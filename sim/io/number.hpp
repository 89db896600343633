// number.hpp: the one place text becomes a number. Every parser (flags,
// --set values, grid lists, lab files) goes through these, so that a number
// is read whole, as the type it is (an integer is never read as a double and
// cast), and range-checked once where it enters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipistorm::io {

// A whole decimal integer ("-12", "4096"); nullopt for anything else
// (fraction, exponent, spaces, overflow of int64).
std::optional<std::int64_t> parse_int(std::string_view text);
// A whole non-negative decimal integer up to 2^64-1 (seeds); no sign.
std::optional<std::uint64_t> parse_uint(std::string_view text);
// A finite decimal number ("0.4", "1e-3"); nullopt for anything else
// (empty, trailing text, "nan", "inf", overflow such as "1e400").
std::optional<double> parse_real(std::string_view text);

// A number for an error message: shortest form that reads back exactly
// (4294967297, 1e+300, 0.1).
std::string format_number(double v);
std::string format_range(double lo, double hi);  // "[lo, hi]"

// Integer in [lo, hi] from text, or InputError "<what> must be a whole number
// in [lo, hi], got '<text>'".
std::int64_t int_in_range(std::string_view text, std::int64_t lo, std::int64_t hi,
                          const std::string& what);
// Finite real in [lo, hi] from text, or InputError naming the value and range.
double real_in_range(std::string_view text, double lo, double hi, const std::string& what);
// The same checks for a number already read (a JSON value, a flag).
void check_range(double v, double lo, double hi, const std::string& what);

}  // namespace ipistorm::io
