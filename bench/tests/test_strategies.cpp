// test_strategies.cpp: each real strategy's invariants, on this machine:
// the buffer is locked (VM_LOCKED in /proc/self/smaps, and resident) while
// held; nothing stays locked after release (per-call strategies) or after
// the strategy is destroyed (caching ones), judged by VmLck; no-lock never
// locks. Strategies that cannot run here (no /dev/xen/hypercall; mlockall
// under a small RLIMIT_MEMLOCK or AddressSanitizer) are skipped with the
// reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class EachStrategy : public ::testing::TestWithParam<std::string> {};

std::unique_ptr<HypercallBufferStrategy> make_or_skip(const StrategyEntry& s, std::size_t bytes,
                                                      std::string* why) {
  const LockBudget b = LockBudget::current();
  std::uint64_t need = s.locked_bytes(bytes);
  if (need == kWholeAddressSpace) need = b.address_space;
  if (auto w = b.shortfall(need); !w.empty()) {
    *why = w;
    return nullptr;
  }
  try {
    return s.make();
  } catch (const StrategyUnavailable& e) {
    *why = e.what();
    return nullptr;
  }
}

TEST_P(EachStrategy, LockedWhileHeldAndNothingLockedAfter) {
  const StrategyEntry* s = find_strategy(GetParam());
  ASSERT_NE(s, nullptr);
  const std::uint64_t baseline = proc_status_bytes("VmLck");
  for (std::size_t bytes :
       {std::size_t{64}, page_size(), 3 * page_size() + 100, max_argument_bytes()}) {
    SCOPED_TRACE(std::string(s->name) + " bytes=" + std::to_string(bytes));
    std::string why;
    {
      auto st = make_or_skip(*s, bytes, &why);
      if (!st) {
        // Without /dev/xen/hypercall, kernel-buffer must refuse and say so:
        // that is the behaviour to check on a machine that is not a dom0.
        if (std::string(s->name) == "kernel-buffer" && access("/dev/xen/hypercall", F_OK) != 0) {
          EXPECT_NE(why.find("/dev/xen/hypercall"), std::string::npos) << why;
          return;
        }
        GTEST_SKIP() << s->name << " cannot run here: " << why;
      }
      for (int round = 0; round < 3; ++round) {
        void* b = st->acquire(bytes);
        ASSERT_NE(b, nullptr);
        std::memset(b, 0x11, bytes);  // the argument is copied in
        if (s->lock_use == LockUse::kNone) {
          EXPECT_FALSE(range_is_locked(b, bytes));
          EXPECT_EQ(proc_status_bytes("VmLck"), baseline);
        } else {
          EXPECT_TRUE(range_is_locked(b, bytes));
          EXPECT_TRUE(range_is_resident(b, bytes));
          EXPECT_GE(proc_status_bytes("VmLck"), baseline + round_up_pages(bytes));
        }
        st->release(b, bytes);
        if (s->lock_use == LockUse::kWhileHeld || s->lock_use == LockUse::kNone) {
          EXPECT_EQ(proc_status_bytes("VmLck"), baseline);
        }
      }
    }
    EXPECT_EQ(proc_status_bytes("VmLck"), baseline) << "locked memory left after destruction";
  }
}

// The strategies that hand out a separate buffer per acquire (the others
// lock the caller's one argument region in place or lock nothing).
TEST(SeparateBuffers, TwoHeldAtOnceAreBothLocked) {
  for (const char* name : {"prelocked-page", "hcall-buffer-cache", "map-locked"}) {
    SCOPED_TRACE(name);
    const StrategyEntry* s = find_strategy(name);
    ASSERT_NE(s, nullptr);
    std::string why;
    auto st = make_or_skip(*s, 2 * page_size(), &why);
    if (!st) GTEST_SKIP() << name << " cannot run here: " << why;
    void* a = st->acquire(100);
    void* b = st->acquire(100);
    EXPECT_NE(a, b);
    EXPECT_TRUE(range_is_locked(a, 100));
    EXPECT_TRUE(range_is_locked(b, 100));
    st->release(b, 100);
    st->release(a, 100);
  }
}

// Xen 4.0's hcall_buf_prep() bounces only len < PAGE_SIZE: a whole page is
// locked where it lies (fallback), like the simulator's prelocked-page.
TEST(PrelockedPage, AWholePageFallsBackToMlock) {
  const StrategyEntry* s = find_strategy("prelocked-page");
  ASSERT_NE(s, nullptr);
  std::string why;
  // Two pages of locked memory: within any RLIMIT_MEMLOCK a Debian user has.
  auto st = make_or_skip(*s, 2 * page_size(), &why);
  ASSERT_TRUE(st) << "prelocked-page cannot run here: " << why;
  auto fallbacks = [&] {
    for (const auto& [name, v] : st->counters())
      if (name == "fallback_mlocks") return v;
    return -1.0;
  };
  void* small = st->acquire(page_size() - 1);
  st->release(small, page_size() - 1);
  EXPECT_EQ(fallbacks(), 0);
  void* page = st->acquire(page_size());
  EXPECT_TRUE(range_is_locked(page, page_size()));
  st->release(page, page_size());
  EXPECT_EQ(fallbacks(), 1);
}

std::vector<std::string> strategy_names() {
  std::vector<std::string> v;
  for (const auto& s : strategies()) v.push_back(s.name);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Real, EachStrategy, ::testing::ValuesIn(strategy_names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(StrategyRegistry, NamesMatchTheSimulatorsAndAreUnique) {
  std::vector<std::string> names = strategy_names();
  EXPECT_EQ(names, (std::vector<std::string>{"mlock-per-call", "mlock2-onfault-per-call",
                                             "prelocked-page", "hcall-buffer-cache", "map-locked",
                                             "kernel-buffer", "mlockall", "no-lock"}));
  EXPECT_EQ(find_strategy("nonsense"), nullptr);
}

TEST(LockBudget, ShortfallNamesTheLimit) {
  LockBudget b;
  b.cap_ipc_lock = false;
  b.rlimit = 32 * 1024;
  b.locked_now = 4096;
  EXPECT_EQ(b.shortfall(16 * 1024), "");
  const std::string why = b.shortfall(64 * 1024);
  EXPECT_NE(why.find("RLIMIT_MEMLOCK is 32 KiB"), std::string::npos) << why;
  EXPECT_NE(why.find("no CAP_IPC_LOCK"), std::string::npos) << why;
  b.cap_ipc_lock = true;
  EXPECT_EQ(b.shortfall(1ull << 40), "");
}

}  // namespace
}  // namespace ipistorm::bench
