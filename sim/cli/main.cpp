// main.cpp: the `ipistorm` command line: the table of subcommands, their
// dispatch and the typo hint. Every subcommand is a row of subcommands()
// (cli/subcommand.hpp: name, help, setup, run) defined in its own file
// (cli/<name>_command.cpp; calibrate and validate in lab_commands.cpp),
// registered and dispatched the same way.
// Bad input: one line on stderr, exit 2, no output file.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/compare_command.hpp"
#include "cli/fit_command.hpp"
#include "cli/help.hpp"
#include "cli/lab_commands.hpp"
#include "cli/params_command.hpp"
#include "cli/reproduce_command.hpp"
#include "cli/sensitivity_command.hpp"
#include "cli/simulate_command.hpp"
#include "cli/storm_command.hpp"
#include "cli/subcommand.hpp"
#include "cli/sweep_command.hpp"
#include "cli/tables.hpp"
#include "cli/topology_command.hpp"
#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/files.hpp"
#include "ipistorm_version.hpp"  // generated: the version of CMake's project()
#include "study/pool.hpp"
#include "topology/topology.hpp"

namespace {

// A mistyped subcommand or --flag: one line naming the closest name, the
// same hint the Python module gives ("" when every name is known).
std::string typo_hint(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::vector<std::string> subs;
  CLI::App* sub = nullptr;
  for (auto* c : app.get_subcommands([](CLI::App*) { return true; })) {
    subs.push_back(c->get_name());
    if (c->get_name() == argv[1]) sub = c;
  }
  if (!sub) return ipistorm::unknown_name_message("subcommand", argv[1], subs);
  if (sub->get_prefix_command()) return "";  // its flags are another program's (sensitivity)
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a.rfind("--", 0) != 0 || a.size() < 3) continue;
    const std::string flag = a.substr(0, a.find('='));
    if (flag == "--help" || sub->get_option_no_throw(flag)) continue;
    std::vector<std::string> flags;
    for (const auto* o : sub->get_options())
      for (const auto& l : o->get_lnames()) flags.push_back("--" + l);
    const std::string close = ipistorm::closest_name(flag, flags);
    return "unknown option '" + flag + "' of 'ipistorm " + sub->get_name() + "' (" +
           (close.empty() ? "" : "did you mean '" + close + "'? ") + "see 'ipistorm " +
           sub->get_name() + " --help')";
  }
  return "";
}

// ---- the subcommand table -------------------------------------------------

using ipistorm::cli::set_help;
using ipistorm::cli::Subcommand;

// Every subcommand, in the order `ipistorm --help` lists them.
std::vector<Subcommand> subcommands() {
  using namespace ipistorm::cli;  // NOLINT(google-build-using-namespace): the rows
  return {simulate_command(),  reproduce_command(), sensitivity_command(), fit_command(),
          topology_command(),  params_command(),    compare_command(),     sweep_command(),
          calibrate_command(), validate_command(),  storm_command()};
}

}  // namespace

namespace {

int run_main(int argc, char** argv) {
  CLI::App app{"ipistorm: the mlock -> lru_add_drain_all IPI storm of a Xen pvops dom0, simulated"};
  app.require_subcommand(1);
  // Wide enough for the longest flag and its type ("--trace-max-mb FLOAT:NUMBER"), so
  // that every description starts in its own column (help2man reads them so).
  app.get_formatter()->column_width(34);
  app.set_version_flag("--version", "ipistorm " IPISTORM_VERSION);  // CMake's project() version
  set_help(&app, {},
           {"ipistorm reproduce", "ipistorm simulate --kernel linux-2.6.18-xen",
            "ipistorm SUBCOMMAND --help   (names, defaults and examples)"});
  const std::vector<Subcommand> table = subcommands();
  std::vector<CLI::App*> apps;
  for (const Subcommand& s : table) {
    apps.push_back(app.add_subcommand(s.name, s.help));
    s.setup(*apps.back());
    // Every table fits 100 columns unless asked (compare's --wide also widens its CSV).
    if (!apps.back()->get_prefix_command() && !apps.back()->get_option_no_throw("--wide"))
      apps.back()->add_flag("--wide", "print tables at full width (default: they fit 100 columns)");
  }

  if (const std::string hint = typo_hint(app, argc, argv); !hint.empty()) {
    std::cerr << "ipistorm: error: " << hint << "\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (msg.find('\n') != std::string::npos) msg = msg.substr(0, msg.find('\n'));
    std::cerr << "ipistorm: error: " << msg << " (see --help)\n";
    return 2;
  }
  // No flag takes an empty value (#24 point 2): '--json ""' or '--config ""'
  // read as the flag not given, and the run went on without it.
  for (CLI::App* sub : apps) {
    if (!*sub || sub->get_prefix_command()) continue;
    for (const CLI::Option* opt : sub->get_options()) {
      if (!opt->nonpositional() || opt->get_type_size_min() == 0 || opt->count() == 0) continue;
      for (const std::string& v : opt->results())
        if (v.empty()) {
          std::cerr << "ipistorm: error: " << opt->get_name() << " is empty; give it a value "
                    << "(or leave the flag out)\n";
          return 2;
        }
    }
  }
  try {
    const ipistorm::io::InputLedger inputs;  // outputs never replace what the command reads
    for (std::size_t k = 0; k < table.size(); ++k) {
      if (!*apps[k]) continue;
      if (const auto* wide = apps[k]->get_option_no_throw("--wide"); wide && wide->count())
        ipistorm::cli::set_table_width(0);
      return table[k].run(*apps[k]);
    }
  } catch (const ipistorm::InputError& e) {
    std::cerr << "ipistorm: error: " << e.what() << "\n";
    return 2;
  } catch (const ipistorm::study::SweepInterrupted&) {
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "ipistorm: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ipistorm::io::remove_temporaries_on_fatal_signals();  // no .tmp left by a signal
  ipistorm::topo::ask_hwloc_for_reasons();              // hwloc's diagnostics, in one line
  const int rc = run_main(argc, argv);
  // A result nobody could read is not a success (`ipistorm params > /dev/full`).
  if (!ipistorm::io::flush_stdout()) {
    std::cerr << "ipistorm: error: cannot write standard output\n";
    return rc == 0 ? 1 : rc;
  }
  return rc;
}
