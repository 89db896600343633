// no_lock.cpp: the unsafe "fix": no lock at all. Fast, but the kernel may
// page out or migrate the argument's page while Xen reads it (docs/background.md s4).
#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class NoLock : public HypercallBufferStrategy {
 public:
  void* acquire(std::size_t) override { return arg_.data(); }
  void release(void*, std::size_t) override {}

 private:
  AnonymousRegion arg_{max_argument_bytes()};
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_no_lock() { return std::make_unique<NoLock>(); }

}  // namespace ipistorm::bench
