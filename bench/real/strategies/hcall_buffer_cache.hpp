// hcall_buffer_cache.hpp: Xen 4.1's hypercall buffer cache (Ian Campbell,
// b545e27bc6 .. 04d1f61a1fd9, tools/libxc/xc_hcall_buf.c): up to 4 locked
// single-page buffers kept per handle behind a global mutex. A single-page
// request is served from the cache (hit) or by posix_memalign()+mlock()
// (miss); a multi-page request is never cached ("toobig"). On release a
// single page goes back into the cache unless it is full; anything not
// cached is munlock()ed and freed. The statistics mirror the ones libxc
// printed (cache_hits, cache_misses, cache_toobig, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

#include "strategies/strategy.hpp"

namespace ipistorm::bench {

class HcallBufferCache : public HypercallBufferStrategy {
 public:
  static constexpr int kCacheSize = 4;  // HYPERCALL_BUFFER_CACHE_SIZE

  struct Stats {
    std::uint64_t total_allocations = 0, total_releases = 0;
    std::uint64_t current_allocations = 0, maximum_allocations = 0;
    std::uint64_t cache_current = 0, cache_maximum = 0;
    std::uint64_t cache_hits = 0, cache_misses = 0, cache_toobig = 0;
    std::uint64_t cache_full_frees = 0;  // single pages freed because the cache was full
  };

  HcallBufferCache() = default;
  ~HcallBufferCache() override;  // munlock and free every cached page

  void* acquire(std::size_t bytes) override;
  void release(void* buffer, std::size_t bytes) override;
  std::vector<std::pair<std::string, double>> counters() const override;
  Stats stats() const;

 private:
  void* alloc_locked_pages(std::size_t pages);  // posix_memalign + mlock
  void free_locked_pages(void* p, std::size_t pages);

  mutable std::mutex mutex_;  // the global hypercall buffer mutex
  void* cache_[kCacheSize] = {};
  int cache_nr_ = 0;
  Stats stats_;
};

}  // namespace ipistorm::bench
