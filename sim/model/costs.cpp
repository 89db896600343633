// costs.cpp: ParamValues -> Costs. Each row of the parameter table sets its
// own field (ParamSpec::apply); the values were range-checked by
// ParamValues::set, so nothing here clamps or converts.
#include "model/costs.hpp"

namespace ipistorm::model {

Costs::Costs(const ParamValues& p) {
  ipi[0] = 0;  // same CPU: no IPI, no line transfer, no idle state
  line_transfer[0] = 0;
  cstate_exit[0] = 0;
  cstate_residency[0] = 0;
  for (const auto& s : param_specs())
    if (s.apply) s.apply(*this, p.get(s.name));
}

}  // namespace ipistorm::model
