// did_you_mean.hpp: the "did you mean X?" of an unknown name, the same hint
// the Python module gives (pybindings/ipistorm/_args.py, difflib). Every
// registry lookup (kernels, strategies, placements, topology presets,
// parameters) and the CLI's subcommand names use it.
#pragma once

#include <string>
#include <vector>

namespace ipistorm {

// The known name closest to `name` by edit distance, or "" when none is
// close (more than a quarter of the longer name's characters would change;
// swapping two neighbours counts as one change); failing that, the one known
// name that contains `name` (3 characters or more: "pvops", "4.15").
std::string closest_name(const std::string& name, const std::vector<std::string>& known);

// "unknown WHAT 'NAME' (did you mean 'X'? accepted: a, b, c)"; without a
// close name "unknown WHAT 'NAME' (accepted: a, b, c)". With
// list_accepted false the list is left out (long lists: parameters).
std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known, bool list_accepted = true);

}  // namespace ipistorm
