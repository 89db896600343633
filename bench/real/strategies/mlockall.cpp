// mlockall.cpp: what QEMU/KVM does with -overcommit mem-lock=on: one
// mlockall(MCL_CURRENT|MCL_FUTURE) at start, so every argument is locked
// already; munlockall() when the strategy is destroyed.
#include <sys/mman.h>

#include <cerrno>

#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define IPISTORM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IPISTORM_ASAN 1
#endif
#endif

namespace ipistorm::bench {
namespace {

class Mlockall : public HypercallBufferStrategy {
 public:
  Mlockall() {
#ifdef IPISTORM_ASAN
    // MCL_CURRENT would populate and lock the sanitizer's terabytes of shadow.
    throw StrategyUnavailable("mlockall skipped in an AddressSanitizer build (shadow memory)");
#endif
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
      throw StrategyUnavailable(lock_error("mlockall", errno));
  }
  ~Mlockall() override { munlockall(); }

  void* acquire(std::size_t) override { return arg_.data(); }
  void release(void*, std::size_t) override {}

 private:
  AnonymousRegion arg_{max_argument_bytes()};
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_mlockall() { return std::make_unique<Mlockall>(); }

}  // namespace ipistorm::bench
