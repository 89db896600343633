// mlockall.cpp: lock everything once, as QEMU/KVM's -overcommit
// mem-lock=on does: mlockall(MCL_CURRENT|MCL_FUTURE) at the first call (one
// drain on 2.6.28..4.14, like any mlock), then no locking per call. The
// price is that all of the process's memory counts as locked.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class Mlockall : public SetUpOnceThenCopy<Mlockall> {
  friend SetUpOnceThenCopy<Mlockall>;
  // sys_mlockall runs lru_add_drain_all() exactly like sys_mlock (2.6.28..4.14).
  void set_up(Action next) { ops_.mlock(site(), costs().dm_process_bytes, next); }
};

const StrategyRegistration kMlockall{
    {"mlockall", "mlockall(MCL_CURRENT|MCL_FUTURE) once; all process memory locked",
     "QEMU -overcommit mem-lock=on", true, 70,
     []() -> std::unique_ptr<HypercallBufferStrategy> { return std::make_unique<Mlockall>(); }}};

}  // namespace

}  // namespace ipistorm::model
