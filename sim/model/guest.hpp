// guest.hpp: the uniprocessor HVM guest's boot as phases of CPU work and IDE
// port accesses. Between accesses the guest computes for an exponential
// time (the phase's CPU time spread over its accesses); each access exits to
// Xen, which dispatches an ioreq to the device model and resumes the guest
// when it is answered. The guest's vCPU is alone on its pCPU.
#pragma once

#include <string>
#include <vector>

#include "engine/random.hpp"
#include "model/device_model.hpp"
#include "model/params.hpp"
#include "model/trace_hooks.hpp"

namespace ipistorm::model {

struct BootPhase {
  std::string name;
  double cpu_s;
  std::uint64_t polls;
  std::uint64_t sectors;
};

// The boot phases from the workload parameters (boot_*).
std::vector<BootPhase> boot_phases(const ParamValues& p);

class Guest {
 public:
  Guest(engine::Simulator& sim, const Costs& c, Metrics& m, DeviceModel& dm,
        std::vector<BootPhase> phases, std::uint64_t seed);
  void start();
  bool finished() const { return finished_; }
  // Tracing (null: off): the guest vCPU's code, its port accesses, exits.
  void set_trace(TraceObserver* t) { trace_ = t; }

 private:
  void next(std::int64_t);
  void issue();
  void access(std::int64_t);
  void answered(std::int64_t);
  void resumed(std::int64_t);
  SimTime gap();

  engine::Simulator& sim_;
  const Costs& c_;
  Metrics& m_;
  DeviceModel& dm_;
  std::vector<BootPhase> phases_;
  engine::RandomStream rng_;
  std::size_t phase_ = 0;
  std::uint64_t index_ = 0;  // access index within the phase
  int data_left_ = 0;        // data-port ioreqs left in the current sector
  SimTime issued_ = 0;
  bool finished_ = false;
  TraceObserver* trace_ = nullptr;
};

}  // namespace ipistorm::model
