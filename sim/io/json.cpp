// json.cpp: checked JSON parsing and typed values (see json.hpp).
#include "io/json.hpp"

#include <set>
#include <string>
#include <vector>

#include "errors.hpp"
#include "io/number.hpp"

namespace ipistorm::io {

using nlohmann::json;

json parse_json(const std::string& text, const std::string& what) {
  // The keys of each object still open, innermost last: a key that repeats
  // in one object is refused (nlohmann would keep the last value silently).
  // A key event always belongs to the innermost open container, an object.
  std::vector<std::set<std::string>> open_objects;
  try {
    // The callback sees each value's depth before it is built: a deeply
    // nested document is refused before it can exhaust the stack anywhere
    // (nlohmann's dump and comparisons recurse).
    return json::parse(text, [&](int depth, json::parse_event_t event, json& parsed) {
      if (depth > kMaxJsonDepth)
        throw InputError(what + " is nested deeper than " + std::to_string(kMaxJsonDepth) +
                         " levels");
      if (event == json::parse_event_t::object_start) {
        open_objects.emplace_back();
      } else if (event == json::parse_event_t::object_end) {
        if (!open_objects.empty()) open_objects.pop_back();
      } else if (event == json::parse_event_t::key && !open_objects.empty()) {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!open_objects.back().insert(key).second)
          throw InputError(what + " has the key \"" + key.substr(0, 60) +
                           "\" twice in one object; give it once");
      }
      return true;
    });
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number such as 1e400.
    std::string why = e.what();
    if (const auto colon = why.rfind(": "); colon != std::string::npos) why = why.substr(colon + 2);
    throw InputError(what + " is not valid JSON (" + why.substr(0, 80) + ")");
  }
}

std::int64_t int_value(const json& v, std::int64_t lo, std::int64_t hi, const std::string& what) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!v.is_number_integer())
    throw InputError(what + " must be an integer in " + range + ", got " + v.dump());
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (hi < 0 || u > static_cast<std::uint64_t>(hi))
      throw InputError(what + " must be an integer in " + range + ", got " + v.dump());
    const auto s = static_cast<std::int64_t>(u);
    if (s < lo) throw InputError(what + " must be an integer in " + range + ", got " + v.dump());
    return s;
  }
  const auto s = v.get<std::int64_t>();
  if (s < lo || s > hi)
    throw InputError(what + " must be an integer in " + range + ", got " + v.dump());
  return s;
}

std::uint64_t uint_value(const json& v, const std::string& what) {
  if (!v.is_number_unsigned())
    throw InputError(what + " must be an integer in [0, 18446744073709551615], got " + v.dump());
  return v.get<std::uint64_t>();
}

double real_value(const json& v, double lo, double hi, const std::string& what) {
  if (!v.is_number())
    throw InputError(what + " must be a number in " + format_range(lo, hi) + ", got " + v.dump());
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi))
    throw InputError(what + " must be a number in " + format_range(lo, hi) + ", got " + v.dump());
  return d;
}

std::string show_value(const json& v) {
  if (v.is_structured()) return std::string("an ") + v.type_name();
  return v.dump().substr(0, 40);
}

std::string string_value(const json& v, const std::string& what) {
  if (!v.is_string()) throw InputError(what + " must be a string, got " + v.dump().substr(0, 80));
  return v.get<std::string>();
}

}  // namespace ipistorm::io
