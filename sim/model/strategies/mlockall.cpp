// mlockall.cpp: lock everything once, as QEMU/KVM's -overcommit
// mem-lock=on does: mlockall(MCL_CURRENT|MCL_FUTURE) at the first call (one
// drain on 2.6.28..4.14, like any mlock), then no locking per call. The
// price is that all of the process's memory counts as locked.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class Mlockall : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    site_ = &site;
    bytes_ = bytes;
    then_ = then;
    if (!locked_) {
      locked_ = true;
      ops_.mlockall(site, site.dom0.costs().dm_process_bytes, Action::bind<&Mlockall::call>(this));
      return;
    }
    call(0);
  }

 private:
  void call(std::int64_t) { ops_.hypercall(*site_, bytes_, false, then_); }

  BufferOps ops_;
  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
  Action then_;
  bool locked_ = false;
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_mlockall() { return std::make_unique<Mlockall>(); }

}  // namespace ipistorm::model
