// device_model.hpp: QEMU (qemu-xen-traditional) as the dom0 process that
// answers the guest's IDE port accesses. Every status read lowers the IRQ
// and every sector transfer raises it; qemu_set_irq() calls the i8259
// handler on every call with no check that the level changed, and the
// handler calls xc_hvm_set_isa_irq_level(): one hypercall per access
// (docs/background.md s2), made through the configured hypercall-buffer strategy.
#pragma once

#include "model/dom0.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::model {

// A status-port read (lowers the IRQ), a data-port read inside a sector's
// buffer (no IRQ change), and the data-port read that ends a sector's
// buffer (ide_data_readw -> end_transfer_func = ide_sector_read ->
// ide_set_irq: raises the IRQ).
enum class IdeAccess { kStatusPoll, kDataRead, kSectorRead };

class DeviceModel {
 public:
  DeviceModel(Dom0& dom0, KernelPolicy& kernel, HypercallBufferStrategy& strategy, int vcpu,
              std::uint64_t seed);

  // Xen hands the device model an ioreq (its event channel fires on vCPU
  // dm_evtchn_vcpu, whose upcall wakes the device model). `answered` runs when QEMU has notified
  // Xen back.
  void ioreq(IdeAccess access, Action answered);

 private:
  void handle(std::int64_t);
  void irq_level_set(std::int64_t);
  void notify(std::int64_t);
  void notified(std::int64_t);

  Dom0& dom0_;
  Task& task_;
  HypercallBufferStrategy& strategy_;
  engine::RandomStream rng_;
  HypercallSite site_;
  IdeAccess access_ = IdeAccess::kStatusPoll;
  Action answered_;
  bool pending_ = false;
};

}  // namespace ipistorm::model
