// registry.cpp: the one table of hypercall-buffer strategies.
#include "errors.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::model {

const std::vector<StrategyEntry>& strategies() {
  static const std::vector<StrategyEntry> table = {
      {"mlock-per-call", "mlock + munlock of the argument page around every hypercall",
       "libxc <= 3.4 lock_pages()/unlock_pages()", true, make_mlock_per_call},
      {"no-lock", "no locking at all: the report's hack (unsafe)",
       "the 2009 report's experiment: mlock before HVMOP_set_isa_irq_level removed", false,
       make_no_lock},
  };
  return table;
}

const StrategyEntry& find_strategy(const std::string& name) {
  std::string names;
  for (const auto& e : strategies()) {
    if (name == e.name) return e;
    names += (names.empty() ? "" : ", ") + std::string(e.name);
  }
  throw InputError("unknown strategy '" + name + "' (accepted: " + names + ")");
}

}  // namespace ipistorm::model
