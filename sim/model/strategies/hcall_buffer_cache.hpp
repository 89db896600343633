// hcall_buffer_cache.hpp: the bookkeeping of Xen 4.1's hypercall buffer
// cache (tools/libxc/xc_hcall_buf.c, Ian Campbell): up to 4 single-page
// locked buffers per handle behind a global mutex. Allocation of one page
// takes a cached buffer (hit) or allocates and mlocks a new one (miss);
// multi-page buffers are never cached. Freeing one page returns it to the
// cache while there is room, else munlocks and frees it.
#pragma once

#include <cstdint>

namespace ipistorm::model {

class HcallBufferCache {
 public:
  static constexpr int kCapacity = 4;  // HYPERCALL_BUFFER_CACHE_SIZE
  enum class Alloc { kHit, kMiss, kUncached };
  enum class Free { kCached, kReleased };

  Alloc acquire(std::int64_t pages) {
    if (pages != 1) return Alloc::kUncached;
    if (cached_ > 0) {
      --cached_;
      ++hits_;
      return Alloc::kHit;
    }
    ++misses_;
    return Alloc::kMiss;
  }
  Free release(std::int64_t pages) {
    if (pages == 1 && cached_ < kCapacity) {
      ++cached_;
      return Free::kCached;
    }
    return Free::kReleased;
  }
  int cached() const { return cached_; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  int cached_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace ipistorm::model
