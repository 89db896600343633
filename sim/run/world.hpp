// world.hpp: one simulated run. run() builds the world from a Config, runs
// it to the end of the guest's boot and returns the Result.
#pragma once

#include <atomic>

#include "model/scenario.hpp"
#include "model/trace_hooks.hpp"

namespace ipistorm::model {

// Throws InputError on bad input; Cancelled if *cancel became true. With
// `trace`, every component reports to it (tracks named first); the metrics
// are the same as without.
Result run(const Config& config, const std::atomic<bool>* cancel = nullptr,
           TraceObserver* trace = nullptr);

}  // namespace ipistorm::model
