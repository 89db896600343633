// costs.cpp: ParamValues -> Costs. Each row of the parameter table sets its
// own field (ParamSpec::apply); the values were range-checked by
// ParamValues::set, so nothing here clamps or converts.
#include "model/costs.hpp"

#include <string>

#include "errors.hpp"
#include "io/number.hpp"

namespace ipistorm::model {

Costs::Costs(const ParamValues& p) {
  ipi[0] = 0;  // same CPU: no IPI, no line transfer, no idle state
  line_transfer[0] = 0;
  cstate_exit[0] = 0;
  cstate_residency[0] = 0;
  for (const auto& s : param_specs())
    if (s.apply) s.apply(*this, p.get(s.name));
}

void check_simulated_times(const ParamValues& p) {
  // OtherDrainCallers: exponential gaps of mean 1 / rate.
  const double rate = p.get("other_drain_all_per_s");
  if (rate > 0 && rate < kMinOtherDrainPerS)
    throw InputError("parameter other_drain_all_per_s=" + io::format_number(rate) +
                     " makes gaps of up to " + io::format_number(kLongestExponential / rate) +
                     " s between calls, past the longest simulated time (" +
                     io::format_number(static_cast<double>(kMaxSimTime) / 1e9) +
                     " s): give 0 for none, or at least " + io::format_number(kMinOtherDrainPerS));
  // Every other delay is bounded by the rows' ranges far below the horizon:
  // a boot phase's gap by boot_*_cpu_s <= 1e6 s (36.7 x 1e6 s = 3.7e7 s at
  // one access), the wake jitter by 1e4 us, mlockall by 1e12 bytes / 512 x
  // 1e4 us = 2e7 s, a buffer copy by 1 MiB x 1e4 us/KiB = 10 s.
}

}  // namespace ipistorm::model
