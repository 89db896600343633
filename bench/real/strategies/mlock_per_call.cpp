// mlock_per_call.cpp: libxc <= 3.4. lock_pages()/unlock_pages() around every
// hypercall: mlock() and munlock() of the argument where it lies (the
// caller's stack frame; here a region of the caller's memory). On Linux
// 2.6.28..4.14 the mlock() is what runs lru_add_drain_all().
#include <sys/mman.h>

#include <cerrno>

#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class MlockPerCall : public HypercallBufferStrategy {
 public:
  void* acquire(std::size_t bytes) override {
    if (sys_mlock(arg_.data(), bytes) != 0) throw StrategyUnavailable(lock_error("mlock", errno));
    return arg_.data();
  }
  void release(void* buffer, std::size_t bytes) override { sys_munlock(buffer, bytes); }

 private:
  AnonymousRegion arg_{max_argument_bytes()};
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_mlock_per_call() {
  return std::make_unique<MlockPerCall>();
}

}  // namespace ipistorm::bench
