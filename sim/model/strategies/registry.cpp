// registry.cpp: the one table of hypercall-buffer strategies. Adding one is
// one file and one line here.
#include "did_you_mean.hpp"
#include "errors.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::model {

const std::vector<StrategyEntry>& strategies() {
  static const std::vector<StrategyEntry> table = {
      {"mlock-per-call", "mlock + munlock of the argument page around every hypercall",
       "libxc <= 3.4 lock_pages()/unlock_pages()", true, make_mlock_per_call},
      {"no-lock", "no locking at all: the report's hack; a paged-out argument fails and is retried",
       "the 2009 report's experiment (mlock before HVMOP_set_isa_irq_level removed)", false,
       make_no_lock},
      {"prelocked-page", "one page per thread locked once; copy in; mlock fallback for big or busy",
       "Xen 4.0 hcall_buf_prep() (d6aaa9ee0f8b)", true, make_prelocked_page},
      {"hcall-buffer-cache",
       "4 cached single-page locked buffers behind a mutex; miss = alloc+mlock",
       "Xen 4.1 hypercall buffers (b545e27bc6 .. 04d1f61a1fd9)", true, make_hcall_buffer_cache},
      {"map-locked", "mmap(MAP_LOCKED)+MADV_DONTFORK per buffer, munmap with TLB-flush IPIs",
       "libxc 2012 (ec5dbe86ae)", true, make_map_locked},
      {"kernel-buffer", "kernel-allocated buffer from /dev/xen/hypercall: copy only",
       "Linux privcmd-buf (c51b3c639e01) + libxencall (Xen 4.11, 33be2c3858)", true,
       make_kernel_buffer},
      {"mlockall", "mlockall(MCL_CURRENT|MCL_FUTURE) once; all process memory locked",
       "QEMU -overcommit mem-lock=on", true, make_mlockall},
      {"irq-level-filter", "device model skips the hypercall when the IRQ level did not change",
       "a qemu_set_irq level check (DOMAIN.md s4, device model row)", true, make_irq_level_filter},
      {"multicall-batch", "level changes batched into one multicall of multicall_batch entries",
       "Xen 25f5b0ff15's suggestion: __HYPERVISOR_multicall", true, make_multicall_batch},
  };
  return table;
}

const StrategyEntry& find_strategy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : strategies()) {
    if (name == e.name) return e;
    names.emplace_back(e.name);
  }
  throw InputError(unknown_name_message("strategy", name, names));
}

}  // namespace ipistorm::model
