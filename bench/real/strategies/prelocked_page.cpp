// prelocked_page.cpp: Xen 4.0 hcall_buf_prep() (d6aaa9ee0f8b): one page per
// thread, mlocked once; an argument smaller than the page is copied into it.
// An argument of a page or more (`if ( (len < PAGE_SIZE) && !oldbuf )` in
// tools/libxc/xc_private.c, as the simulator's prelocked_page.cpp), or a
// second one while the page is in use, falls back to lock_pages() (mlock of
// the argument where it lies) as before.
#include <sys/mman.h>

#include <cerrno>

#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class PrelockedPage : public HypercallBufferStrategy {
 public:
  PrelockedPage() {
    if (sys_mlock(page_.data(), page_.size()) != 0)
      throw StrategyUnavailable(lock_error("mlock (prelocked page)", errno));
  }
  ~PrelockedPage() override { sys_munlock(page_.data(), page_.size()); }

  void* acquire(std::size_t bytes) override {
    if (bytes < page_.size() && !in_use_) {
      in_use_ = true;
      ++page_uses_;
      return page_.data();
    }
    ++fallbacks_;
    if (sys_mlock(fallback_.data(), bytes) != 0)
      throw StrategyUnavailable(lock_error("mlock (fallback)", errno));
    return fallback_.data();
  }
  void release(void* buffer, std::size_t bytes) override {
    if (buffer == page_.data()) {
      in_use_ = false;
      return;
    }
    sys_munlock(buffer, bytes);
  }
  std::vector<std::pair<std::string, double>> counters() const override {
    return {{"fallback_mlocks", static_cast<double>(fallbacks_)}};
  }

 private:
  AnonymousRegion page_{page_size()};
  AnonymousRegion fallback_{max_argument_bytes()};
  bool in_use_ = false;
  std::uint64_t page_uses_ = 0, fallbacks_ = 0;
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_prelocked_page() {
  return std::make_unique<PrelockedPage>();
}

}  // namespace ipistorm::bench
