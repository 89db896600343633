// linux_4_15.cpp: Shakeel Butt's "mm: mlock: remove lru_add_drain_all()"
// (2017, v4.15): mlock() drains only the local CPU's pagevecs
// (lru_add_drain()). lru_add_drain_all() from other paths is still the
// selective, mutex-serialised drain of 3.12.
#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {
namespace {

class Linux415 : public KernelPolicy {
 public:
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    dom0.drain_local(*caller.vcpu, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    selective_.run(dom0, caller, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  SelectiveDrainAll selective_{/*share_generation=*/false};
};

}  // namespace

std::unique_ptr<KernelPolicy> make_linux_4_15() { return std::make_unique<Linux415>(); }

}  // namespace ipistorm::model
