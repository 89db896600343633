// errors.hpp: the one exception type for bad input (a config, a topology
// file, a flag). Its message is a single line naming the bad value and what
// is accepted; the CLI prints it and exits 2, the Python module raises
// ValueError with it.
#pragma once

#include <stdexcept>
#include <string>

namespace ipistorm {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace ipistorm
