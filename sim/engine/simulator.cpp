// simulator.cpp: the event loop and its heap.
#include "engine/simulator.hpp"

#include <stdexcept>

namespace ipistorm::engine {

void Simulator::at(SimTime t, Action a) {
  if (t < now_) throw std::logic_error("event scheduled in the past");
  heap_.push_back(Entry{t, seq_++, a});
  sift_up(heap_.size() - 1);
}

void Simulator::sift_up(std::size_t i) {
  Entry e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void Simulator::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Entry e = heap_[i];
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], e)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = e;
}

std::uint64_t Simulator::run(SimTime until) {
  stopped_ = false;
  std::uint64_t ran = 0;
  while (!heap_.empty() && !stopped_) {
    if (heap_.front().t > until) break;
    Entry top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    now_ = top.t;
    ++processed_;
    ++ran;
    top.action();
    if (cancel_ && (ran & 0xfff) == 0 && cancel_->load(std::memory_order_relaxed)) {
      cancelled_ = true;
      break;
    }
  }
  return ran;
}

}  // namespace ipistorm::engine
