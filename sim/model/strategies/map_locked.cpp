// map_locked.cpp: libxc 2012 (ec5dbe86ae): hypercall buffers come from
// mmap(MAP_LOCKED) with MADV_DONTFORK and go back with munmap. No mlock()
// call, so no lru_add_drain_all(); but munmap flushes the TLBs of the other
// CPUs that ran the process, which in a PV dom0 is a hypercall that makes
// Xen send and wait for the flush IPIs. Modelled per allocation, i.e. per
// hypercall, as the strategy's worst case.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class MapLocked : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    site_ = &site;
    bytes_ = bytes;
    then_ = then;
    ops_.mmap_locked(site, bytes, Action::bind<&MapLocked::call>(this));
  }

 private:
  void call(std::int64_t) {
    ops_.hypercall(*site_, bytes_, false, Action::bind<&MapLocked::unmap>(this));
  }
  void unmap(std::int64_t) { ops_.munmap(*site_, bytes_, then_); }

  BufferOps ops_;
  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
  Action then_;
};

const StrategyRegistration kMapLocked{
    {"map-locked", "mmap(MAP_LOCKED)+MADV_DONTFORK per buffer, munmap with TLB-flush IPIs",
     "libxc 2012 (ec5dbe86ae)", true, 50,
     []() -> std::unique_ptr<HypercallBufferStrategy> { return std::make_unique<MapLocked>(); }}};

}  // namespace

}  // namespace ipistorm::model
