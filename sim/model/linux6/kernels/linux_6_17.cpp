// linux_6_17.cpp: 6.12's drain with Hugh Dickins's "mm: lru_add_drain_all()
// do local lru_add_drain() first" (<c50129a4-a07e-869e-604e-3952f8530316@google.com>,
// 2025; merged for 6.17 with the series on GUP pins, and taken into stable
// kernels): the caller drains its own CPU after reading the generation and
// before taking the mutex, so its own CPU needs no work item and competing
// callers find less to drain.
//
//   this_gen = smp_load_acquire(&lru_drain_gen);
//   /* It helps everyone if we do our own local drain immediately. */
//   lru_add_drain();
//   mutex_lock(&lock);
#include "model/linux6/kernels/lru_add_drain_all.hpp"

namespace ipistorm::model::linux6 {
namespace {

class LocalDrainFirst : public LruAddDrainAll {
 public:
  explicit LocalDrainFirst(Kernel& k) : LruAddDrainAll(k) {}

 protected:
  void before_mutex(Task& caller, Action next) override {
    k_.lru.lru_add_drain_cpu(caller.cpu, next);
  }
};

const LinuxPolicyRegistration kLinux617{
    {"linux-6.17", "as 6.12, and each caller drains its own CPU before taking the mutex",
     "Dickins, 'mm: lru_add_drain_all() do local lru_add_drain() first' "
     "<c50129a4-a07e-869e-604e-3952f8530316@google.com>",
     61700, true, [](Kernel& k) -> std::unique_ptr<LinuxPolicy> {
       return std::make_unique<LocalDrainFirst>(k);
     }}};

}  // namespace
}  // namespace ipistorm::model::linux6
