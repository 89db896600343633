// map_locked.cpp: libxc 2012 (ec5dbe86ae): hypercall buffers come from
// mmap(MAP_LOCKED) with MADV_DONTFORK and go back with munmap. No mlock()
// call, so no lru_add_drain_all(); but munmap flushes the TLBs of the other
// CPUs that ran the process, which in a PV dom0 is a hypercall that makes
// Xen send and wait for the flush IPIs. Modelled per allocation, i.e. per
// hypercall, as the strategy's worst case.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class MapLocked : public StepStrategy<MapLocked> {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    run(site, bytes, kCall, then);
  }

 private:
  static constexpr Step kCall[] = {&MapLocked::mmap_locked, &MapLocked::hypercall_locked,
                                   &MapLocked::sys_munmap};
};

const StrategyRegistration kMapLocked{
    {"map-locked", "mmap(MAP_LOCKED)+MADV_DONTFORK per buffer, munmap with TLB-flush IPIs",
     "libxc 2012 (ec5dbe86ae)", true, 50,
     []() -> std::unique_ptr<HypercallBufferStrategy> { return std::make_unique<MapLocked>(); }}};

}  // namespace

}  // namespace ipistorm::model
