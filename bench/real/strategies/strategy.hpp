// strategy.hpp: how dom0 user space makes a hypercall argument safe for Xen
// to read, done for real (docs/background.md section 4). Names match the simulator's
// strategies. One file per strategy, all listed in the one table in
// registry.cpp.
//
// One use = acquire() a buffer for an argument of N bytes, the caller copies
// the argument in, makes the call, copies the result out, release(). The
// strategy object owns whatever it keeps between calls (a prelocked page, a
// cache, an mlockall) and gives it all back in its destructor, so nothing
// stays locked when a benchmark ends, even on an error (RAII).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ipistorm::bench {

// The strategy cannot run here (no privilege, limit too small, no device);
// what() is the one-line reason shown by SkipWithError.
class StrategyUnavailable : public std::runtime_error {
 public:
  explicit StrategyUnavailable(const std::string& why) : std::runtime_error(why) {}
};

class HypercallBufferStrategy {
 public:
  virtual ~HypercallBufferStrategy() = default;
  // Throws StrategyUnavailable when the memory cannot be made safe.
  virtual void* acquire(std::size_t bytes) = 0;
  virtual void release(void* buffer, std::size_t bytes) = 0;
  // Totals worth reporting, e.g. cache hits (name, value since creation).
  virtual std::vector<std::pair<std::string, double>> counters() const { return {}; }
};

// What a strategy keeps locked, for the tests' invariants.
enum class LockUse {
  kNone,          // nothing is ever locked
  kWhileHeld,     // locked from acquire to release, nothing after release
  kCached,        // some buffers stay locked after release, until destruction
  kWholeProcess,  // everything is locked from creation to destruction
};

// locked_bytes() returns this for "the whole address space" (mlockall).
constexpr std::uint64_t kWholeAddressSpace = UINT64_MAX;

struct StrategyEntry {
  const char* name;
  const char* summary;
  const char* source;  // the Xen/Linux commit or release it mirrors
  LockUse lock_use;
  // Locked memory the strategy needs at most for one argument of `bytes`.
  std::uint64_t (*locked_bytes)(std::size_t bytes);
  // Throws StrategyUnavailable (e.g. no /dev/xen/hypercall).
  std::unique_ptr<HypercallBufferStrategy> (*make)();
};

// The registry, in docs/background.md section 4 order.
const std::vector<StrategyEntry>& strategies();
const StrategyEntry* find_strategy(const std::string& name);

// The largest argument the benchmarks use: 16 pages.
std::size_t max_argument_bytes();

std::unique_ptr<HypercallBufferStrategy> make_mlock_per_call();
std::unique_ptr<HypercallBufferStrategy> make_mlock2_onfault_per_call();
std::unique_ptr<HypercallBufferStrategy> make_prelocked_page();
std::unique_ptr<HypercallBufferStrategy> make_hcall_buffer_cache();
std::unique_ptr<HypercallBufferStrategy> make_map_locked();
std::unique_ptr<HypercallBufferStrategy> make_kernel_buffer();
std::unique_ptr<HypercallBufferStrategy> make_mlockall();
std::unique_ptr<HypercallBufferStrategy> make_no_lock();

}  // namespace ipistorm::bench
