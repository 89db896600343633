// calibration_file.cpp: the calibration file's parameters, checked by the
// parameter table.
#include "run/calibration_file.hpp"

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "io/files.hpp"
#include "io/json.hpp"
#include "model/params.hpp"

namespace ipistorm::run {

std::vector<std::pair<std::string, double>> parse_calibration(const std::string& text,
                                                              const std::string& origin) {
  const nlohmann::json j = io::parse_json(text, "calibration file '" + origin + "'");
  if (!j.is_object() || !j.contains("params") || !j["params"].is_object())
    throw InputError("calibration file '" + origin + "' has no \"params\" object");
  std::vector<std::pair<std::string, double>> out;
  model::ParamValues check;
  for (const auto& [name, v] : j["params"].items()) {
    if (!v.is_number())
      throw InputError("calibration file '" + origin + "': parameter " + name + " is " +
                       io::show_value(v) + ", not a number");
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
  return parse_calibration(io::read_input_file(path, "calibration file"), path);
}

void apply_calibration(model::Config& c, const std::string& path) {
  for (const auto& [name, value] : read_calibration(path)) c.params.set(name, value);
}

}  // namespace ipistorm::run
