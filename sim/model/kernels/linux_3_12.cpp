// linux_3_12.cpp: mlock() still calls lru_add_drain_all(), but since
// 5fbc461636c3 (Chris Metcalf, "mm: make lru_add_drain_all() selective",
// v3.12) it queues work only on CPUs whose pagevecs are non-empty, under a
// global mutex that serialises concurrent callers. Idle CPUs with empty
// pagevecs get no IPI.
#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {
namespace {

class Linux312 : public KernelPolicy {
 public:
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    drain_all(dom0, caller, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    selective_.run(dom0, caller, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  SelectiveDrainAll selective_{/*share_generation=*/false};
};

}  // namespace

std::unique_ptr<KernelPolicy> make_linux_3_12() { return std::make_unique<Linux312>(); }

}  // namespace ipistorm::model
