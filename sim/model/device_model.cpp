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
            rng_} {
  task_.latency = &dom0.metrics().ioport_parts;
}

void DeviceModel::ioreq(IdeAccess access, Action answered) {
  access_ = access;
  answered_ = answered;
  if (!task_.sleeping) {  // still finishing the previous one: picks it up next
    pending_ = true;
    return;
  }
  task_.resume = Action::bind<&DeviceModel::handle>(this);
  if (TraceObserver* tr = dom0_.trace(); tracing(tr)) {  // Xen signals the ioreq's event channel
    const SimTime now = dom0_.sim().now();
    tr->flow_end(tr->flow_start(TraceTrack::guest(), now, TraceFlow::kEvtchn),
                 TraceTrack::vcpu(dom0_.costs().dm_evtchn_vcpu), now);
  }
  dom0_.deliver_event(dom0_.costs().dm_evtchn_vcpu, task_);
}

void DeviceModel::handle(std::int64_t) {
  const Costs& c = dom0_.costs();
  task_.latency->to(dom0_.sim().now(), LatencyPart::kDeviceModel);
  // Emulation (and, for a sector, reading the disk image through the page
  // cache: pages on this CPU's pagevec).
  dom0_.lru.add_pages(task_.vcpu->id, c.dm_page_adds_per_ioreq);
  const SimTime work = access_ == IdeAccess::kSectorRead ? c.dm_sector : c.dm_poll;
  if (TraceObserver* tr = dom0_.trace(); tracing(tr)) {
    const SimTime now = dom0_.sim().now();
    tr->begin(TraceTrack::task(task_.id), now,
              access_ == IdeAccess::kSectorRead ? "ioreq: IDE sector read"
              : access_ == IdeAccess::kDataRead ? "ioreq: IDE data read"
                                                : "ioreq: IDE status poll",
              TraceCat::kUser);
    tr->slice(TraceTrack::vcpu(task_.vcpu->id), now, now + work, "emulate IDE", TraceCat::kUser);
  }
  dom0_.compute(work, Action::bind<&DeviceModel::irq_level_set>(this));
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
  task_.latency->to(dom0_.sim().now(), LatencyPart::kResume);
  if (TraceObserver* tr = dom0_.trace(); tracing(tr)) {
    const SimTime now = dom0_.sim().now(), done = now + c.syscall + c.evtchn_send;
    const TraceTrack v = TraceTrack::vcpu(task_.vcpu->id);
    tr->slice(v, now, done, "xc_evtchn_notify (EVTCHNOP_send)", TraceCat::kXen);
    tr->flow_end(tr->flow_start(v, now, TraceFlow::kEvtchn), TraceTrack::guest(), done);
  }
  dom0_.compute(c.syscall + c.evtchn_send, Action::bind<&DeviceModel::notified>(this));
}

void DeviceModel::notified(std::int64_t) {
  if (TraceObserver* tr = dom0_.trace(); tracing(tr))
    tr->end(TraceTrack::task(task_.id), dom0_.sim().now());
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
