// lab_commands.cpp: calibrate and validate (filled in by the bench issue).
#include "cli/lab_commands.hpp"

namespace ipistorm::cli {
namespace {
class NoLabCommands : public LabCommands {
 public:
  bool dispatch(int&) override { return false; }
};
}  // namespace

std::unique_ptr<LabCommands> add_lab_commands(CLI::App&) {
  return std::make_unique<NoLabCommands>();
}

}  // namespace ipistorm::cli
