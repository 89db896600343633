// simulator.hpp: the discrete-event kernel. It knows nothing about Xen or
// Linux: it runs actions in (time, sequence) order. Time is an integer count
// of nanoseconds; the sequence number breaks ties in scheduling order, so a
// run is a pure function of its inputs and seed.
//
// The queue: a 4-ary min-heap of 16-byte keys (time, then sequence and slot
// packed in one word); the 24-byte actions stay put in a slot pool and only
// the keys move. An action that schedules while it runs (the usual case:
// a model step continuing itself) replaces the heap's root in one sift-down
// instead of a pop and a push.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "engine/action.hpp"

namespace ipistorm::engine {

using SimTime = std::int64_t;  // nanoseconds of simulated time

constexpr SimTime kNsPerUs = 1000;
constexpr SimTime kNsPerSec = 1000000000;

// Convert a cost in microseconds (as configured) to simulated nanoseconds,
// rounding to nearest so that 0.0005 us steps do not silently vanish.
inline SimTime us(double microseconds) {
  return static_cast<SimTime>(microseconds * 1000.0 + (microseconds >= 0 ? 0.5 : -0.5));
}

class Simulator {
 public:
  SimTime now() const { return now_; }
  std::uint64_t events_processed() const { return processed_; }
  std::size_t pending() const { return heap_.size() - (root_free_ ? 1 : 0); }

  // Schedule `a` at absolute time t (t >= now()).
  void at(SimTime t, Action a);
  // Schedule `a` after a delay dt >= 0.
  void after(SimTime dt, Action a) { at(now_ + dt, a); }

  // Move the clock to t >= now() without an event, when no pending event
  // lies at or before t and t is within the current run's horizon: a
  // stretch of work that nothing else can observe continues inline, in the
  // order it would have run as an event (the result is the same). Returns
  // false, clock unchanged, otherwise.
  // Inline while t lies within the horizon found by the last look (no
  // event scheduled since can lie at or before it): a drain's loop over
  // 1024 CPUs advances once per CPU.
  bool advance(SimTime t) {
    if (t <= clear_until_ && t >= now_) {
      now_ = t;
      return true;
    }
    return advance_slow(t);
  }

  // Run `a` after dt >= 0: inline when advance(now() + dt) succeeds (it
  // would have been the next event anyway), else as an event. Inline calls
  // nest at most kMaxInlineDepth deep, so a loop of steps cannot exhaust
  // the stack.
  // NOTE: this is the model's way to skip events for stretches of work
  // nothing else can observe; the result is the same as after(dt, a).
  void continue_after(SimTime dt, Action a) {
    if (inline_depth_ < kMaxInlineDepth && advance(now_ + dt)) {
      ++inline_depth_;
      a();
      --inline_depth_;
      return;
    }
    at(now_ + dt, a);
  }

  // Run events in (time, sequence) order until the queue is empty, stop() is
  // called, or the next event lies beyond `until`. Returns events run.
  std::uint64_t run(SimTime until = INT64_MAX);
  void stop() {
    stopped_ = true;
    clear_until_ = kNoClearance;
  }
  // A flag another thread may set to abandon the run: run() returns soon
  // after (checked every few thousand events) and cancelled() turns true.
  void set_cancel_flag(const std::atomic<bool>* flag) { cancel_ = flag; }
  bool cancelled() const { return cancelled_; }

 private:
  // Low bits of Key::order: the action's slot; high bits: the sequence
  // number. Sequence numbers are unique, so comparing the packed word
  // compares sequences.
  static constexpr int kMaxInlineDepth = 48;
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  struct Key {
    SimTime t;
    std::uint64_t order;
    std::uint32_t slot() const { return static_cast<std::uint32_t>(order & kSlotMask); }
  };
  // (t, order) as one 128-bit number: times are never negative.
  static bool before(const Key& a, const Key& b) {
    using U = unsigned __int128;
    return ((U(static_cast<std::uint64_t>(a.t)) << 64) | a.order) <
           ((U(static_cast<std::uint64_t>(b.t)) << 64) | b.order);
  }
  // NOTE: written out rather than std::push_heap (binary) for speed.
  void sift_up(std::size_t i, Key k);
  void sift_down(std::size_t i, Key k);
  std::uint32_t take_slot(Action a);
  bool advance_slow(SimTime t);
  static constexpr SimTime kNoClearance = INT64_MIN;

  std::vector<Key> heap_;  // 4-ary: the children of i are 4i+1 .. 4i+4
  std::vector<Action> actions_;
  std::vector<std::uint32_t> free_slots_;
  bool root_free_ = false;  // the root's event is running: the next at() may reuse its place
  std::uint32_t running_slot_ = 0;  // its action's slot, free for that at() too
  SimTime now_ = 0;
  SimTime until_ = INT64_MAX;  // the running run()'s horizon
  // advance() may move the clock to any t in [now_, clear_until_] without
  // a look at the heap: no pending event lies at or before it, it is within
  // until_ and the run is not stopped. Set by advance_slow(), lowered by
  // at(), cleared when an event starts or the run ends.
  SimTime clear_until_ = kNoClearance;
  std::uint64_t seq_ = 0;
  std::uint64_t processed_ = 0;
  int inline_depth_ = 0;
  bool stopped_ = false;
  bool cancelled_ = false;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace ipistorm::engine
