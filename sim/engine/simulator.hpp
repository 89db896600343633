// simulator.hpp: the discrete-event kernel. It knows nothing about Xen or
// Linux: it holds a heap of (time, sequence, action) and runs them in order.
// Time is an integer count of nanoseconds; the sequence number breaks ties
// in scheduling order, so a run is a pure function of its inputs and seed.
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
  std::size_t pending() const { return heap_.size(); }

  // Schedule `a` at absolute time t (t >= now()).
  void at(SimTime t, Action a);
  // Schedule `a` after a delay dt >= 0.
  void after(SimTime dt, Action a) { at(now_ + dt, a); }

  // Run events in (time, sequence) order until the queue is empty, stop() is
  // called, or the next event lies beyond `until`. Returns events run.
  std::uint64_t run(SimTime until = INT64_MAX);
  void stop() { stopped_ = true; }
  // A flag another thread may set to abandon the run: run() returns soon
  // after (checked every few thousand events) and cancelled() turns true.
  void set_cancel_flag(const std::atomic<bool>* flag) { cancel_ = flag; }
  bool cancelled() const { return cancelled_; }

 private:
  struct Entry {
    SimTime t;
    std::uint64_t seq;
    Action action;
  };
  // Min-heap on (t, seq): a binary heap kept by hand (sift up/down) because it
  // is the hot loop. NOTE: written out rather than std::push_heap for speed.
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  static bool before(const Entry& a, const Entry& b) {
    return a.t < b.t || (a.t == b.t && a.seq < b.seq);
  }

  std::vector<Entry> heap_;
  SimTime now_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t processed_ = 0;
  bool stopped_ = false;
  bool cancelled_ = false;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace ipistorm::engine
