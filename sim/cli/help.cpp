// help.cpp: --help footers built from the registries (see help.hpp).
#include "cli/help.hpp"

#include <algorithm>
#include <sstream>

#include "model/kernels/kernel_policy.hpp"
#include "model/placement.hpp"
#include "model/scenario.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config_fields.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;
namespace topo = ipistorm::topo;
namespace run = ipistorm::run;

namespace {

struct Line {
  std::string name, summary;
};

// The names a field accepts, under its flag and default (run/config_fields.hpp).
void group(std::ostringstream& os, const std::string& title, const run::ConfigMember& field,
           const std::vector<Line>& lines) {
  const run::ConfigField& f = run::config_field(field);
  std::size_t w = 0;
  for (const auto& l : lines) w = std::max(w, l.name.size());
  os << "\n" << title << " (" << f.flag << ", default " << run::default_text(f) << "):\n";
  for (const auto& l : lines)
    os << "  " << l.name << std::string(w - l.name.size() + 2, ' ') << l.summary << "\n";
}

}  // namespace

std::string help_footer(const HelpNames& names, const std::vector<std::string>& examples) {
  std::ostringstream os;
  if (names.kernels) {
    std::vector<Line> l;
    for (const auto& k : model::kernel_policies()) l.push_back({k.name, k.summary});
    group(os, "Kernels", &model::Config::kernel, l);
  }
  if (names.strategies) {
    std::vector<Line> l;
    for (const auto& s : model::strategies())
      l.push_back({s.name, std::string(s.summary) + (s.safe ? "" : " [UNSAFE]")});
    group(os, "Strategies", &model::Config::strategy, l);
  }
  if (names.placements) {
    std::vector<Line> l;
    for (const auto& p : model::placements()) l.push_back({p.name, p.summary});
    group(os, "Placements of the dom0 vCPUs", &model::Config::placement, l);
  }
  if (names.topologies) {
    std::vector<Line> l;
    for (const auto& p : topo::presets()) l.push_back({p.name, p.summary});
    l.push_back({"FILE.xml", "an hwloc 2.x XML file (lstopo --of xml)"});
    l.push_back({"\"pack:2 core:4 pu:2\"", "an hwloc synthetic string"});
    l.push_back({"host", "this machine, as hwloc sees it"});
    group(os, "Topologies", &model::Config::topology, l);
  }
  if (!examples.empty()) {
    os << "\nExamples:\n";
    for (const auto& e : examples) os << "  " << e << "\n";
  }
  os << "\n" << exit_status_text(names.exit_1);
  return os.str();
}

std::string exit_status_text(const char* exit_1) {
  std::string s =
      "Exit status:\n"
      "  0    it ran and wrote what was asked\n"
      "  1    standard output could not be written";
  if (exit_1) s += std::string("; ") + exit_1;
  s += "\n"
       "  2    bad input: one line on stderr names it; nothing written\n"
       "  3    internal error (a bug: please report it)\n"
       "  130  interrupted (Ctrl-C, SIGTERM); nothing written\n";
  return s;
}

void set_help(CLI::App* cmd, const HelpNames& names, const std::vector<std::string>& examples) {
  cmd->footer(help_footer(names, examples));
}

}  // namespace ipistorm::cli
