// mlock2_onfault_per_call.cpp: the lock_pages() pattern with mlock2(
// MLOCK_ONFAULT) (Linux 4.4): lock without populating. The argument is
// resident already, so it is locked as it is; munlock() on release.
#include <sys/mman.h>

#include <cerrno>

#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class Mlock2OnfaultPerCall : public HypercallBufferStrategy {
 public:
  void* acquire(std::size_t bytes) override {
    if (sys_mlock2(arg_.data(), bytes, MLOCK_ONFAULT) != 0)
      throw StrategyUnavailable(lock_error("sys_mlock2(MLOCK_ONFAULT)", errno));
    return arg_.data();
  }
  void release(void* buffer, std::size_t bytes) override { sys_munlock(buffer, bytes); }

 private:
  AnonymousRegion arg_{max_argument_bytes()};
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_mlock2_onfault_per_call() {
  return std::make_unique<Mlock2OnfaultPerCall>();
}

}  // namespace ipistorm::bench
