// registry.cpp: the one table of real strategies.
#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

std::uint64_t pages_of(std::size_t bytes) { return round_up_pages(bytes); }
std::uint64_t nothing(std::size_t) { return 0; }
std::uint64_t one_page_or_fallback(std::size_t bytes) {
  // The prelocked page, plus the argument itself when it does not fit.
  return page_size() + (bytes > page_size() ? round_up_pages(bytes) : 0);
}
std::uint64_t cache_or_pages(std::size_t bytes) {
  // Up to 4 cached pages plus the buffer in use.
  return 4 * page_size() + round_up_pages(bytes);
}
std::uint64_t whole(std::size_t) { return kWholeAddressSpace; }

}  // namespace

std::size_t max_argument_bytes() { return 16 * page_size(); }

const std::vector<StrategyEntry>& strategies() {
  static const std::vector<StrategyEntry> table = {
      {"mlock-per-call", "mlock()+munlock() of the argument around every call",
       "libxc <= 3.4 lock_pages()/unlock_pages()", LockUse::kWhileHeld, pages_of,
       make_mlock_per_call},
      {"mlock2-onfault-per-call", "mlock2(MLOCK_ONFAULT)+munlock() around every call",
       "Linux 4.4 mlock2(); same pattern as lock_pages()", LockUse::kWhileHeld, pages_of,
       make_mlock2_onfault_per_call},
      {"prelocked-page", "one pre-mlocked page per thread; argument copied; mlock fallback",
       "Xen 4.0 hcall_buf_prep (d6aaa9ee0f8b)", LockUse::kCached, one_page_or_fallback,
       make_prelocked_page},
      {"hcall-buffer-cache", "4 cached single-page locked buffers behind a mutex",
       "Xen 4.1 hypercall buffers (b545e27bc6 .. 04d1f61a1fd9)", LockUse::kCached, cache_or_pages,
       make_hcall_buffer_cache},
      {"map-locked", "mmap(MAP_LOCKED|MAP_POPULATE)+MADV_DONTFORK, munmap on release",
       "Xen 4.2 libxc (ec5dbe86ae)", LockUse::kWhileHeld, pages_of, make_map_locked},
      {"kernel-buffer", "pages mapped from /dev/xen/hypercall; no mlock at all",
       "Linux c51b3c639e01 privcmd-buf, Xen 4.11 libxencall (33be2c3858)", LockUse::kNone, nothing,
       make_kernel_buffer},
      {"mlockall", "mlockall(MCL_CURRENT|MCL_FUTURE) once at set-up, munlockall at teardown",
       "QEMU -overcommit mem-lock=on", LockUse::kWholeProcess, whole, make_mlockall},
      {"no-lock", "nothing locked (unsafe: the page may move while Xen reads it)",
       "the unsafe baseline", LockUse::kNone, nothing, make_no_lock},
  };
  return table;
}

const StrategyEntry* find_strategy(const std::string& name) {
  for (const auto& s : strategies())
    if (name == s.name) return &s;
  return nullptr;
}

}  // namespace ipistorm::bench
