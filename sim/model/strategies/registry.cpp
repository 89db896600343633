// registry.cpp: the registry of hypercall-buffer strategies. The strategies
// add themselves from their own files (StrategyRegistration); nothing here
// names them.
#include "model/registry.hpp"

#include "model/strategies/strategy.hpp"

namespace ipistorm::model {

namespace {
Registry<StrategyEntry>& registry() {
  static Registry<StrategyEntry> r("strategy");
  return r;
}
}  // namespace

StrategyRegistration::StrategyRegistration(StrategyEntry e) { registry().add(e); }

const std::vector<StrategyEntry>& strategies() { return registry().entries(); }

const StrategyEntry& find_strategy(const std::string& name) { return registry().find(name); }

}  // namespace ipistorm::model
