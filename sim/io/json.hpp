// json.hpp: JSON text in, typed values out, for every JSON input (config,
// grid, calibration, bench results). Parsing refuses what nlohmann would
// throw on (1e400 overflows, bad syntax) and nesting deeper than
// kMaxJsonDepth; the typed getters never truncate (no get<int>() on 4294967297)
// and range-check the value where it enters.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ipistorm::io {

constexpr int kMaxJsonDepth = 64;

// InputError "<what> is not valid JSON (<reason>)" on any failure.
nlohmann::json parse_json(const std::string& text, const std::string& what);

// An integer token in [lo, hi]; InputError "<what> must be an integer in
// [lo, hi], got <value>" otherwise (a float token, a string, out of range).
std::int64_t int_value(const nlohmann::json& v, std::int64_t lo, std::int64_t hi,
                       const std::string& what);
// A non-negative integer token up to 2^64-1 (seeds).
std::uint64_t uint_value(const nlohmann::json& v, const std::string& what);
// A number (integer or not) in [lo, hi].
double real_value(const nlohmann::json& v, double lo, double hi, const std::string& what);
// A string.
std::string string_value(const nlohmann::json& v, const std::string& what);

// A JSON value in a message: a scalar as written (at most 40 characters),
// an array or object by its type (never dumped: that recurses).
std::string show_value(const nlohmann::json& v);

}  // namespace ipistorm::io
