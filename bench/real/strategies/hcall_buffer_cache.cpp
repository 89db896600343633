// hcall_buffer_cache.cpp: the Xen 4.1 cache, hits and misses counted as
// libxc counted them.
#include "strategies/hcall_buffer_cache.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "locked_memory.hpp"

namespace ipistorm::bench {

HcallBufferCache::~HcallBufferCache() {
  std::lock_guard<std::mutex> g(mutex_);
  for (int i = 0; i < cache_nr_; ++i) free_locked_pages(cache_[i], 1);
  cache_nr_ = 0;
}

void* HcallBufferCache::alloc_locked_pages(std::size_t pages) {
  void* p = nullptr;
  const std::size_t len = pages * page_size();
  if (posix_memalign(&p, page_size(), len) != 0) throw StrategyUnavailable("posix_memalign failed");
  std::memset(p, 0, len);
  if (sys_mlock(p, len) != 0) {
    const int err = errno;
    std::free(p);
    throw StrategyUnavailable(lock_error("mlock (hypercall buffer)", err));
  }
  return p;
}

void HcallBufferCache::free_locked_pages(void* p, std::size_t pages) {
  sys_munlock(p, pages * page_size());
  std::free(p);
}

void* HcallBufferCache::acquire(std::size_t bytes) {
  const std::size_t pages = round_up_pages(bytes) / page_size();
  void* p = nullptr;
  {
    std::lock_guard<std::mutex> g(mutex_);
    ++stats_.total_allocations;
    if (pages == 1 && cache_nr_ > 0) {
      p = cache_[--cache_nr_];
      ++stats_.cache_hits;
      stats_.cache_current = static_cast<std::uint64_t>(cache_nr_);
    } else if (pages == 1) {
      ++stats_.cache_misses;
    } else {
      ++stats_.cache_toobig;
    }
  }
  if (!p) {
    try {
      p = alloc_locked_pages(pages);
    } catch (...) {
      std::lock_guard<std::mutex> g(mutex_);
      --stats_.total_allocations;
      throw;
    }
  }
  std::lock_guard<std::mutex> g(mutex_);
  ++stats_.current_allocations;
  stats_.maximum_allocations = std::max(stats_.maximum_allocations, stats_.current_allocations);
  return p;
}

void HcallBufferCache::release(void* buffer, std::size_t bytes) {
  const std::size_t pages = round_up_pages(bytes) / page_size();
  {
    std::lock_guard<std::mutex> g(mutex_);
    ++stats_.total_releases;
    --stats_.current_allocations;
    if (pages == 1 && cache_nr_ < kCacheSize) {
      cache_[cache_nr_++] = buffer;
      stats_.cache_current = static_cast<std::uint64_t>(cache_nr_);
      stats_.cache_maximum = std::max(stats_.cache_maximum, stats_.cache_current);
      return;
    }
    if (pages == 1) ++stats_.cache_full_frees;
  }
  free_locked_pages(buffer, pages);
}

HcallBufferCache::Stats HcallBufferCache::stats() const {
  std::lock_guard<std::mutex> g(mutex_);
  return stats_;
}

std::vector<std::pair<std::string, double>> HcallBufferCache::counters() const {
  const Stats s = stats();
  return {{"cache_hits", static_cast<double>(s.cache_hits)},
          {"cache_misses", static_cast<double>(s.cache_misses)},
          {"cache_toobig", static_cast<double>(s.cache_toobig)}};
}

std::unique_ptr<HypercallBufferStrategy> make_hcall_buffer_cache() {
  return std::make_unique<HcallBufferCache>();
}

}  // namespace ipistorm::bench
