// dom0.cpp: the parts put together (dom0.hpp).
#include "model/dom0.hpp"

#include "model/drain.hpp"

namespace ipistorm::model {

Dom0::Dom0(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
           const topo::Topology& topo, std::vector<int> pcpu_of_vcpu, std::uint64_t seed)
    : cpus_(pcpu_of_vcpu.size()),
      sched(sim, c, xen, m, topo, pcpu_of_vcpu, cpus_.data(), lru, wq),
      lru(sim, c, m, cpus_.data(), cpus_.size(), seed, wq),
      wq(sim, c, m, cpus_.data(), cpus_.size(), sched, lru) {}

Dom0::~Dom0() = default;

void Dom0::set_trace(TraceObserver* t) {
  sched.set_trace(t);
  lru.trace_ = t;
  wq.trace_ = t;
}

CpuDrain& Dom0::cpu_drain(Task& t) {
  const auto i = static_cast<std::size_t>(t.id);
  if (cpu_drains_.size() <= i) cpu_drains_.resize(i + 1);
  if (!cpu_drains_[i]) cpu_drains_[i] = std::make_unique<CpuDrain>(*this, t);
  return *cpu_drains_[i];
}

void Dom0::finish(SimTime end) {
  lru.finish(end);
  for (PerCpu& pc : cpus_) sched.finish(pc.v, end);
}

}  // namespace ipistorm::model
