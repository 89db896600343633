// device_model.cpp: one ioreq = emulate, set the IRQ level, notify Xen.
#include "model/device_model.hpp"

namespace ipistorm::model {

DeviceModel::DeviceModel(Dom0& dom0, KernelPolicy& kernel, HypercallBufferStrategy& strategy,
                         int vcpu, std::uint64_t seed)
    : dom0_(dom0),
      task_(dom0.create_task("qemu-dm", vcpu)),
      strategy_(strategy),
      rng_(seed, /*stream=*/5),
      site_{dom0,
            task_,
            kernel,
            dom0.costs().hypercall + dom0.costs().set_irq_level,
            dom0.costs().hcall_arg_bytes,
            rng_} {}

void DeviceModel::ioreq(IdeAccess access, Action answered) {
  access_ = access;
  answered_ = answered;
  if (!task_.sleeping) {  // still finishing the previous one: picks it up next
    pending_ = true;
    return;
  }
  task_.resume = Action::bind<&DeviceModel::handle>(this);
  dom0_.deliver_event(dom0_.costs().dm_evtchn_vcpu, task_);
}

void DeviceModel::handle(std::int64_t) {
  const Costs& c = dom0_.costs();
  // Emulation (and, for a sector, reading the disk image through the page
  // cache: pages on this CPU's pagevec).
  dom0_.add_pages(task_.vcpu->id, c.dm_page_adds_per_ioreq);
  const SimTime work = access_ == IdeAccess::kSectorRead ? c.dm_sector : c.dm_poll;
  dom0_.compute(*task_.vcpu, work, Action::bind<&DeviceModel::irq_level_set>(this));
}

void DeviceModel::irq_level_set(std::int64_t) {
  if (access_ == IdeAccess::kDataRead) {  // inside the sector buffer: no IRQ change
    notify(0);
    return;
  }
  // A status read lowers the IRQ (qemu_irq_lower); the end of a sector
  // transfer raises it (ide_set_irq): xc_hvm_set_isa_irq_level() either way.
  ++dom0_.metrics().irq_updates;
  const int level = access_ == IdeAccess::kSectorRead ? 1 : 0;
  strategy_.set_irq_level(site_, level, Action::bind<&DeviceModel::notify>(this));
}

void DeviceModel::notify(std::int64_t) {
  // xc_evtchn_notify(): an ioctl that sends the ioreq's event back to Xen.
  const Costs& c = dom0_.costs();
  ++dom0_.metrics().syscalls;
  ++dom0_.metrics().hypercalls;
  dom0_.compute(*task_.vcpu, c.syscall + c.evtchn_send, Action::bind<&DeviceModel::notified>(this));
}

void DeviceModel::notified(std::int64_t) {
  answered_();
  if (pending_) {
    pending_ = false;
    handle(0);
    return;
  }
  // Back to select() on the event channel device: sleep until the next ioreq.
  dom0_.sleep(task_, Action::bind<&DeviceModel::handle>(this));
}

}  // namespace ipistorm::model
