// sensitivity_command.cpp: hands every argument to ipistorm.sensitivity (Python).
#include "cli/sensitivity_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "errors.hpp"

namespace ipistorm::cli {

namespace {

// `ipistorm sensitivity ARGS`: the Python module ipistorm.sensitivity
// (OpenTURNS) under Debian's /usr/bin/python3, with the package of this build
// (<bin>/../python) first on PYTHONPATH. It prints the ranked table itself.
int cmd_sensitivity(const std::vector<std::string>& args) {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir = dir.substr(0, dir.rfind('/'));
    const std::string py = dir + "/../python";
    if (access((py + "/ipistorm/sensitivity.py").c_str(), R_OK) == 0) {
      const char* old = std::getenv("PYTHONPATH");
      const std::string path = py + (old && *old ? ":" + std::string(old) : "");
      setenv("PYTHONPATH", path.c_str(), 1);
    }
  }
  std::vector<std::string> argv_s = {
      "python3", "-c",
      "import sys; from ipistorm.sensitivity import main; sys.exit(main(sys.argv[1:]))"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv("/usr/bin/python3", argv.data());
  throw InputError("cannot run /usr/bin/python3 for 'ipistorm sensitivity' (python3-openturns)");
}

}  // namespace

Subcommand sensitivity_command() {
  return {"sensitivity",
          "Sobol' indices (OpenTURNS) of a reproduce figure over the chosen costs; see "
          "'ipistorm sensitivity --help'",
          [](CLI::App& cmd) {
            cmd.prefix_command();  // every argument goes to the Python module
            cmd.set_help_flag();
          },
          [](CLI::App& cmd) { return cmd_sensitivity(cmd.remaining()); }};
}

}  // namespace ipistorm::cli
