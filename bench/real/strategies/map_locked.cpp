// map_locked.cpp: libxc since ec5dbe86ae (2012): each buffer is a fresh
// mmap(MAP_LOCKED|MAP_POPULATE) marked MADV_DONTFORK (a forked child must not
// share the pages Xen writes), munmap()ed on release. No mlock(), but munmap
// flushes the TLB of every CPU that ran the process (TLB shootdown IPIs).
#include <sys/mman.h>

#include <cerrno>

#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class MapLocked : public HypercallBufferStrategy {
 public:
  void* acquire(std::size_t bytes) override {
    const std::size_t len = round_up_pages(bytes);
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) throw StrategyUnavailable(lock_error("mmap(MAP_LOCKED)", errno));
    if (madvise(p, len, MADV_DONTFORK) != 0) {
      const int err = errno;
      munmap(p, len);
      throw StrategyUnavailable(lock_error("madvise(MADV_DONTFORK)", err));
    }
    return p;
  }
  void release(void* buffer, std::size_t bytes) override { munmap(buffer, round_up_pages(bytes)); }
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_map_locked() { return std::make_unique<MapLocked>(); }

}  // namespace ipistorm::bench
