// fanout.cpp: futexes, membarrier, busy peers and the user-space
// schedule_on_each_cpu().
#include "fanout.hpp"

#include <linux/futex.h>
#include <linux/membarrier.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

namespace ipistorm::bench {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "a futex word must be a plain 32-bit word");

void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

long futex_wake(std::atomic<std::uint32_t>* word) {
  return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
                 nullptr, 0);
}

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string membarrier_private_expedited_ready() {
  static std::once_flag once;
  static std::string reason;
  std::call_once(once, [] {
    const long mask = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (mask < 0) {
      reason = std::string("membarrier unsupported: ") + std::strerror(errno);
      return;
    }
    if (!(mask & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
      reason = "membarrier: MEMBARRIER_CMD_PRIVATE_EXPEDITED not supported (kernel < 4.14?)";
      return;
    }
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) != 0)
      reason = std::string("membarrier register: ") + std::strerror(errno);
  });
  return reason;
}

long membarrier_private_expedited() {
  return syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}

BusyPeers::BusyPeers(const Machine& m, const std::vector<int>& cpus, int nice) {
  for (int cpu : cpus)
    if (!threads_.start(m, cpu, [this, nice] {
          if (nice != 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0)
            refused_.fetch_add(1);
          while (!stop_.load(std::memory_order_relaxed)) {
          }
        })) {
      error_ = threads_.error();
      break;
    }
}

BusyPeers::~BusyPeers() {
  stop_.store(true);
  threads_.join();
}

FanoutWorkers::FanoutWorkers(const Machine& m, const std::vector<int>& cpus) {
  for (std::size_t i = 0; i < cpus.size(); ++i) slots_.push_back(std::make_unique<Slot>());
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    Slot* s = slots_[i].get();
    if (!threads_.start(m, cpus[i], [this, s] { worker(*s); })) {
      error_ = threads_.error();
      break;
    }
  }
}

FanoutWorkers::~FanoutWorkers() {
  stop_.store(true);
  for (auto& s : slots_) {
    s->queued.fetch_add(1);
    futex_wake(&s->queued);
  }
  threads_.join();
}

// Mirrors worker_thread(): sleep until work is queued, run it, complete().
void FanoutWorkers::worker(Slot& s) {
  std::uint32_t seen = s.queued.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t q = s.queued.load(std::memory_order_acquire);
    if (q == seen) {
      futex_wait(&s.queued, seen);
      continue;
    }
    if (stop_.load()) return;
    seen = q;
    s.woke_ns.store(monotonic_ns(), std::memory_order_relaxed);
    // The work: lru_add_drain_per_cpu() on empty pagevecs, i.e. nothing.
    s.done.store(q, std::memory_order_release);
    futex_wake(&s.done);  // complete(): wake the flush_work() waiter
  }
}

// Mirrors flush_work(): return if done, else sleep until it is.
void FanoutWorkers::flush(Slot& s, std::uint32_t gen) {
  std::uint32_t d;
  while ((d = s.done.load(std::memory_order_acquire)) != gen) {
    ++caller_sleeps_;
    futex_wait(&s.done, d);
  }
}

void FanoutWorkers::schedule_on_each_cpu() {
  const std::uint32_t gen = ++gen_;
  for (auto& s : slots_) {
    s->queued.store(gen, std::memory_order_release);
    futex_wake(&s->queued);
  }
  for (auto& s : slots_) flush(*s, gen);
}

void FanoutWorkers::wake_round_trip(std::uint64_t& wake_call_ns, std::uint64_t& wake_latency_ns) {
  const std::uint32_t gen = ++gen_;
  Slot& s = *slots_.front();
  s.queued.store(gen, std::memory_order_release);
  const std::uint64_t t0 = monotonic_ns();
  futex_wake(&s.queued);
  wake_call_ns += monotonic_ns() - t0;
  flush(s, gen);
  const std::uint64_t woke = s.woke_ns.load(std::memory_order_relaxed);
  if (woke > t0) wake_latency_ns += woke - t0;
}

}  // namespace ipistorm::bench
