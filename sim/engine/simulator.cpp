// simulator.cpp: the event loop and its 4-ary heap of compact keys.
#include "engine/simulator.hpp"

#include <algorithm>
#include <stdexcept>

namespace ipistorm::engine {

std::uint32_t Simulator::take_slot(Action a) {
  if (!free_slots_.empty()) {
    const std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    actions_[s] = a;
    return s;
  }
  if (actions_.size() > kSlotMask) throw std::length_error("more than 2^24 pending events");
  actions_.push_back(a);
  return static_cast<std::uint32_t>(actions_.size() - 1);
}

void Simulator::at(SimTime t, Action a) {
  if (t < now_) throw std::logic_error("event scheduled in the past");
  if (seq_ >> (64 - kSlotBits)) throw std::length_error("event sequence numbers exhausted");
  if (t <= clear_until_) clear_until_ = t - 1;
  if (root_free_) {
    // The running event's key is at the root and no later than k: put k
    // there and sift it down (one pass instead of pop + push), its action in
    // the running event's slot.
    root_free_ = false;
    actions_[running_slot_] = a;
    sift_down(0, Key{t, (seq_++ << kSlotBits) | running_slot_});
    return;
  }
  const Key k{t, (seq_++ << kSlotBits) | take_slot(a)};
  heap_.push_back(k);
  sift_up(heap_.size() - 1, k);
}

void Simulator::sift_up(std::size_t i, Key k) {
  Key* h = heap_.data();
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!before(k, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = k;
}

void Simulator::sift_down(std::size_t i, Key k) {
  Key* h = heap_.data();
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    if (first + 4 <= n) {  // all four children: the common case, unrolled
      const std::size_t a = before(h[first + 1], h[first]) ? first + 1 : first;
      const std::size_t b = before(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
      best = before(h[b], h[a]) ? b : a;
    } else {
      for (std::size_t c = first + 1; c < n; ++c)
        if (before(h[c], h[best])) best = c;
    }
    if (!before(h[best], k)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = k;
}

bool Simulator::advance_slow(SimTime t) {
  if (t < now_) throw std::logic_error("clock moved into the past");
  if (t > until_ || stopped_) return false;
  // The earliest pending event: the root, or when the root is the running
  // event, the earliest of its children.
  SimTime next = INT64_MAX;
  const std::size_t n = heap_.size();
  if (root_free_) {
    for (std::size_t c = 1; c < n && c <= 4; ++c)
      if (heap_[c].t < next) next = heap_[c].t;
  } else if (n > 0) {
    next = heap_.front().t;
  }
  if (next <= t) return false;
  clear_until_ = std::min(next - 1, until_);
  now_ = t;
  return true;
}

std::uint64_t Simulator::run(SimTime until) {
  stopped_ = false;
  until_ = until;
  clear_until_ = kNoClearance;
  std::uint64_t ran = 0;
  while (!heap_.empty() && !stopped_) {
    const Key top = heap_.front();
    if (top.t > until) break;
    running_slot_ = top.slot();
    clear_until_ = kNoClearance;
    const Action a = actions_[running_slot_];
    now_ = top.t;
    ++processed_;
    ++ran;
    root_free_ = true;
    a();
    if (root_free_) {  // nothing was scheduled: remove the root, free its slot
      root_free_ = false;
      free_slots_.push_back(running_slot_);
      const Key last = heap_.back();
      heap_.pop_back();
      if (!heap_.empty()) sift_down(0, last);
    }
    if (cancel_ && (ran & 0xfff) == 0 && cancel_->load(std::memory_order_relaxed)) {
      cancelled_ = true;
      break;
    }
  }
  until_ = INT64_MAX;
  clear_until_ = kNoClearance;
  return ran;
}

}  // namespace ipistorm::engine
