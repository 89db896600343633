// world.hpp: one simulated run. run() builds the world from a Config, runs
// it to the end of the guest's boot and returns the Result.
#pragma once

#include <atomic>

#include "model/scenario.hpp"
#include "model/trace_hooks.hpp"

namespace ipistorm::run {

// Throws InputError on bad input; Cancelled if *cancel became true. With
// `trace`, every component reports to it (tracks named first); the metrics
// are the same as without.
model::Result run(const model::Config& config, const std::atomic<bool>* cancel = nullptr,
                  model::TraceObserver* trace = nullptr);

}  // namespace ipistorm::run
