// sensitivity.hpp: the model side of `ipistorm sensitivity`: reproduce
// figures for many parameter vectors. The design and the Sobol' indices
// themselves are Python's (pybindings/ipistorm/sensitivity.py, OpenTURNS),
// which calls these through the module (pybindings/bind_study.cpp).
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::study {

// `figures` of the reproduce scenario `scenario` (from one run per row) for
// every row of `rows` (values of the parameters `names`, whole-number rows
// rounded), each re-fitted when `refit`, on `jobs` threads: out[row][figure],
// independent of jobs. Unknown scenario, figure or parameter: InputError
// naming the accepted ones. Python's ipistorm.sensitivity() feeds OpenTURNS
// with it.
std::vector<std::vector<double>> evaluate_figures(
    const model::Config& base, const std::string& scenario, const std::vector<std::string>& figures,
    const std::vector<std::string>& names, const std::vector<std::vector<double>>& rows, bool refit,
    int jobs, const std::atomic<bool>* stop = nullptr);
// The (scenario, figure) pairs evaluate_figures accepts, in reproduce order.
std::vector<std::pair<std::string, std::string>> figure_names(const model::Config& base);

}  // namespace ipistorm::study
