// linux_5_10.cpp: as 4.15 for mlock (local drain only), and concurrent
// lru_add_drain_all() callers piggy-back on one drain generation
// (lru_drain_gen: eef1a429f234 Khlebnikov, 6446a5131e24 Darwish): a caller
// that waited for the mutex while another drain ran returns without
// draining again.
#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {
namespace {

class Linux510 : public KernelPolicy {
 public:
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    dom0.drain_local(*caller.vcpu, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    selective_.run(dom0, caller, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  SelectiveDrainAll selective_{/*share_generation=*/true};
};

}  // namespace

std::unique_ptr<KernelPolicy> make_linux_5_10() { return std::make_unique<Linux510>(); }

}  // namespace ipistorm::model
