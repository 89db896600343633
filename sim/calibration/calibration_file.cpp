// calibration_file.cpp
#include "calibration/calibration_file.hpp"

#include <nlohmann/json.hpp>

#include "calibration/bench_results.hpp"
#include "errors.hpp"
#include "model/params.hpp"

namespace ipistorm::calibration {

std::vector<std::pair<std::string, double>> parse_calibration(const std::string& text,
                                                              const std::string& origin) {
  const nlohmann::json j = parse_json_text(text, "calibration file '" + origin + "'");
  if (!j.is_object() || !j.contains("params") || !j["params"].is_object())
    throw InputError("calibration file '" + origin + "' has no \"params\" object");
  std::vector<std::pair<std::string, double>> out;
  model::ParamValues check;
  for (const auto& [name, v] : j["params"].items()) {
    if (!v.is_number())
      throw InputError("calibration file '" + origin + "': parameter " + name + " is " +
                       show_value(v) + ", not a number");
    const double x = v.get<double>();
    try {
      check.set(name, x);
    } catch (const InputError& e) {
      throw InputError("calibration file '" + origin + "': " + e.what());
    }
    out.emplace_back(name, x);
  }
  return out;
}

std::vector<std::pair<std::string, double>> read_calibration(const std::string& path) {
  return parse_calibration(read_input_file(path, "calibration file"), path);
}

}  // namespace ipistorm::calibration
