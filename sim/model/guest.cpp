// guest.cpp: issue accesses phase by phase; the boot ends after the last
// phase's final stretch of CPU work.
#include "model/guest.hpp"

namespace ipistorm::model {

std::vector<BootPhase> boot_phases(const ParamValues& p) {
  auto n = [&](const char* k) { return static_cast<std::uint64_t>(p.get_count(k)); };
  return {
      {"firmware", p.get("boot_firmware_cpu_s"), n("boot_firmware_polls"),
       n("boot_firmware_sectors")},
      {"probe", p.get("boot_probe_cpu_s"), n("boot_probe_polls"), 0},
      {"init", p.get("boot_init_cpu_s"), n("boot_init_polls"), n("boot_init_sectors")},
  };
}

Guest::Guest(engine::Simulator& sim, const Costs& c, Metrics& m, DeviceModel& dm,
             std::vector<BootPhase> phases, std::uint64_t seed)
    : sim_(sim), c_(c), m_(m), dm_(dm), phases_(std::move(phases)), rng_(seed, /*stream=*/3) {}

void Guest::start() {
  if (tracing(trace_))
    trace_->begin(TraceTrack::guest(), sim_.now(), "guest code", TraceCat::kUser);
  sim_.after(gap(), Action::bind<&Guest::next>(this));
}

// CPU time before the next access: the phase's CPU spread over its
// accesses plus one final stretch, exponentially distributed.
SimTime Guest::gap() {
  const BootPhase& ph = phases_[phase_];
  const double slots = static_cast<double>(ph.polls + ph.sectors + 1);
  return static_cast<SimTime>(rng_.exponential(ph.cpu_s * 1e9 / slots));
}

void Guest::next(std::int64_t) {
  // A finished phase: the boot ends after the last one, or the next phase
  // begins with its own stretch of CPU work.
  if (index_ == phases_[phase_].polls + phases_[phase_].sectors) {
    if (phase_ + 1 == phases_.size()) {
      finished_ = true;
      m_.boot_time_ns = sim_.now();
      if (tracing(trace_)) trace_->end(TraceTrack::guest(), sim_.now());
      sim_.stop();
      return;
    }
    ++phase_;
    index_ = 0;
    sim_.after(gap(), Action::bind<&Guest::next>(this));
    return;
  }
  if (tracing(trace_)) trace_->end(TraceTrack::guest(), sim_.now());  // guest code
  issue();
}

// VM exit and ioreq dispatch to the device model.
void Guest::issue() {
  issued_ = sim_.now();
  m_.ioport_parts.open(issued_);
  if (tracing(trace_)) {
    const TraceTrack g = TraceTrack::guest();
    trace_->begin(g, issued_, "IDE port access", TraceCat::kUser);
    trace_->slice(g, issued_, issued_ + c_.ioreq_dispatch, "VM exit, ioreq dispatch",
                  TraceCat::kXen);
  }
  sim_.continue_after(c_.ioreq_dispatch, Action::bind<&Guest::access>(this));
}

void Guest::access(std::int64_t) {
  if (data_left_ == 0) {
    const BootPhase& ph = phases_[phase_];
    const std::uint64_t total = ph.polls + ph.sectors;
    // Spread sector transfers evenly among the polls.
    const bool sector =
        total > 0 && (index_ + 1) * ph.sectors / total > index_ * ph.sectors / total;
    if (!sector) {
      dm_.ioreq(IdeAccess::kStatusPoll, Action::bind<&Guest::answered>(this));
      return;
    }
    // A sector is read through the data port (rep insw), one ioreq per
    // ide_data_ioreqs_per_sector; the last one ends the sector's buffer.
    data_left_ = c_.ide_data_ioreqs_per_sector;
  }
  dm_.ioreq(data_left_ == 1 ? IdeAccess::kSectorRead : IdeAccess::kDataRead,
            Action::bind<&Guest::answered>(this));
}

void Guest::answered(std::int64_t) {
  if (tracing(trace_))
    trace_->slice(TraceTrack::guest(), sim_.now(), sim_.now() + c_.ioreq_resume,
                  "ioreq done, VM entry", TraceCat::kXen);
  sim_.after(c_.ioreq_resume, Action::bind<&Guest::resumed>(this));
}

void Guest::resumed(std::int64_t) {
  m_.ioport_parts.to(sim_.now(), LatencyPart::kGuestExitDispatch);  // closes the access
  m_.ioport_ns.add(sim_.now() - issued_);
  ++m_.ioport_accesses;
  if (tracing(trace_)) trace_->end(TraceTrack::guest(), sim_.now());  // the access
  if (data_left_ > 0 && --data_left_ > 0) {  // the same rep insw goes on: no CPU gap
    issue();
    return;
  }
  ++index_;
  if (tracing(trace_))
    trace_->begin(TraceTrack::guest(), sim_.now(), "guest code", TraceCat::kUser);
  sim_.after(gap(), Action::bind<&Guest::next>(this));
}

}  // namespace ipistorm::model
