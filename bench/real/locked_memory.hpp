// locked_memory.hpp: what this process may lock and what it has locked.
// RLIMIT_MEMLOCK bounds mm->locked_vm for a process without CAP_IPC_LOCK
// (root has it and ignores the limit); VmLck in /proc/self/status is
// locked_vm. Strategies ask the budget before they run so that a small limit
// skips them with the reason instead of failing half-way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ipistorm::bench {

std::size_t page_size();
std::size_t round_up_pages(std::size_t bytes);

// A field of /proc/self/status in bytes ("VmLck", "VmSize"); 0 if absent.
std::uint64_t proc_status_bytes(const char* field);

struct LockBudget {
  bool cap_ipc_lock = false;        // CAP_IPC_LOCK in the effective set
  std::uint64_t rlimit = 0;         // soft RLIMIT_MEMLOCK, bytes (UINT64_MAX: unlimited)
  std::uint64_t locked_now = 0;     // VmLck
  std::uint64_t address_space = 0;  // VmSize (what mlockall(MCL_CURRENT) would lock)

  static LockBudget current();
  // "" if `bytes` more can be locked; else the reason, in one line.
  std::string shortfall(std::uint64_t bytes) const;
};

// Every page of [p, p+bytes) lies in a VMA with VM_LOCKED ("lo" in the
// VmFlags of /proc/self/smaps).
bool range_is_locked(const void* p, std::size_t bytes);
// Every page of [p, p+bytes) is resident (mincore).
bool range_is_resident(const void* p, std::size_t bytes);

// Page-aligned anonymous memory, faulted in at construction and unmapped on
// destruction: the caller's own argument memory (a stack frame in libxc).
class AnonymousRegion {
 public:
  explicit AnonymousRegion(std::size_t bytes);
  ~AnonymousRegion();
  AnonymousRegion(const AnonymousRegion&) = delete;
  AnonymousRegion& operator=(const AnonymousRegion&) = delete;
  char* data() const { return p_; }
  std::size_t size() const { return n_; }

 private:
  char* p_ = nullptr;
  std::size_t n_ = 0;
};

// mlock(2), mlock2(2) and munlock(2) as raw system calls. Sanitizer
// runtimes (ASan, TSan) replace the libc functions with no-ops that return
// 0, which would make every lock in a sanitizer build a silent lie.
int sys_mlock(const void* p, std::size_t bytes);
int sys_mlock2(const void* p, std::size_t bytes, unsigned flags);
int sys_munlock(const void* p, std::size_t bytes);

// Reason text for a failed lock call: "mlock: Cannot allocate memory
// (RLIMIT_MEMLOCK 32 KiB, no CAP_IPC_LOCK)".
std::string lock_error(const char* call, int err);

}  // namespace ipistorm::bench
