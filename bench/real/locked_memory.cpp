// locked_memory.cpp: the lock budget and /proc/self views of locked memory.
#include "locked_memory.hpp"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace ipistorm::bench {

std::size_t page_size() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

std::size_t round_up_pages(std::size_t bytes) {
  const std::size_t p = page_size();
  return (bytes + p - 1) / p * p;
}

std::uint64_t proc_status_bytes(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0)
      return std::strtoull(line.c_str() + key.size(), nullptr, 10) * 1024;
  return 0;
}

namespace {

bool has_cap_ipc_lock() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("CapEff:", 0) == 0) {
      const std::uint64_t caps = std::strtoull(line.c_str() + 7, nullptr, 16);
      return caps & (1ull << 14);  // CAP_IPC_LOCK
    }
  return false;
}

std::string kib(std::uint64_t b) {
  if (b == UINT64_MAX) return "unlimited";
  return std::to_string(b / 1024) + " KiB";
}

}  // namespace

LockBudget LockBudget::current() {
  LockBudget b;
  b.cap_ipc_lock = has_cap_ipc_lock();
  struct rlimit rl {};
  b.rlimit = UINT64_MAX;
  if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) b.rlimit = rl.rlim_cur;
  b.locked_now = proc_status_bytes("VmLck");
  b.address_space = proc_status_bytes("VmSize");
  return b;
}

std::string LockBudget::shortfall(std::uint64_t bytes) const {
  if (cap_ipc_lock || rlimit == UINT64_MAX) return "";
  if (locked_now + bytes <= rlimit) return "";
  return "needs " + kib(bytes) + " of locked memory, RLIMIT_MEMLOCK is " + kib(rlimit) + " (" +
         kib(locked_now) + " locked already) and no CAP_IPC_LOCK";
}

bool range_is_locked(const void* p, std::size_t bytes) {
  const auto lo = reinterpret_cast<std::uintptr_t>(p);
  const auto hi = lo + bytes;
  std::ifstream in("/proc/self/smaps");
  std::string line;
  std::uintptr_t covered = lo;  // [lo, covered) seen in locked VMAs so far
  std::uintptr_t start = 0, end = 0;
  while (std::getline(in, line)) {
    unsigned long a = 0, b = 0;
    char dash = 0;
    std::istringstream ls(line);
    if (line.rfind("VmFlags:", 0) == 0) {
      const bool locked = line.find(" lo") != std::string::npos;
      if (locked && start <= covered && end > covered) covered = end;
      if (covered >= hi) return true;
      continue;
    }
    if ((ls >> std::hex >> a >> dash >> b) && dash == '-') {
      start = a;
      end = b;
    }
  }
  return covered >= hi;
}

bool range_is_resident(const void* p, std::size_t bytes) {
  const std::size_t ps = page_size();
  auto base = reinterpret_cast<std::uintptr_t>(p) / ps * ps;
  const std::size_t len = reinterpret_cast<std::uintptr_t>(p) + bytes - base;
  std::vector<unsigned char> vec((len + ps - 1) / ps);
  if (mincore(reinterpret_cast<void*>(base), len, vec.data()) != 0) return false;
  for (unsigned char v : vec)
    if (!(v & 1)) return false;
  return true;
}

AnonymousRegion::AnonymousRegion(std::size_t bytes) : n_(round_up_pages(bytes)) {
  void* p = mmap(nullptr, n_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  p_ = static_cast<char*>(p);
  std::memset(p_, 0x5a, n_);  // fault in: the argument exists before the call
}

AnonymousRegion::~AnonymousRegion() {
  if (p_) munmap(p_, n_);
}

int sys_mlock(const void* p, std::size_t bytes) {
  return static_cast<int>(syscall(SYS_mlock, p, bytes));
}

int sys_mlock2(const void* p, std::size_t bytes, unsigned flags) {
  return static_cast<int>(syscall(SYS_mlock2, p, bytes, flags));
}

int sys_munlock(const void* p, std::size_t bytes) {
  return static_cast<int>(syscall(SYS_munlock, p, bytes));
}

std::string lock_error(const char* call, int err) {
  const LockBudget b = LockBudget::current();
  return std::string(call) + ": " + std::strerror(err) + " (RLIMIT_MEMLOCK " + kib(b.rlimit) +
         ", " + (b.cap_ipc_lock ? "CAP_IPC_LOCK" : "no CAP_IPC_LOCK") + ")";
}

}  // namespace ipistorm::bench
