// inline_fifo.hpp: a first-in first-out queue kept inside its owner, for
// the model's run queues, work queues and drawn page adds (moved here from
// model/dom0.hpp: it knows nothing of the model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ipistorm::engine {

// A first-in first-out queue kept inside its owner: a ring of 4 slots,
// doubled on a heap buffer only when more are queued at once. Run queues,
// work queues and a pagevec's drawn page adds hold one or two entries;
// std::deque / std::vector kept theirs in a block apart, a cache miss per
// look at 1024 vCPUs.
template <class T>
class InlineFifo {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const T& front() const { return (*this)[0]; }
  // The i-th entry from the front, i < size().
  const T& operator[](std::size_t i) const { return data()[(head_ + i) & (cap_ - 1)]; }
  void push_back(const T& x) {
    if (size_ == cap_) grow();
    data()[(head_ + size_) & (cap_ - 1)] = x;
    ++size_;
  }
  // Drop the first n <= size() entries.
  void pop_front(std::size_t n = 1) {
    head_ = static_cast<std::uint32_t>((head_ + n) & (cap_ - 1));
    size_ -= static_cast<std::uint32_t>(n);
  }

 private:
  static constexpr std::uint32_t kInline = 4;
  const T* data() const { return cap_ == kInline ? inline_ : big_.data(); }
  T* data() { return cap_ == kInline ? inline_ : big_.data(); }
  void grow() {
    std::vector<T> b(2 * static_cast<std::size_t>(cap_));
    for (std::uint32_t i = 0; i < size_; ++i) b[i] = (*this)[i];
    big_ = std::move(b);
    cap_ *= 2;
    head_ = 0;
  }
  T inline_[kInline] = {};
  std::vector<T> big_;
  std::uint32_t head_ = 0, size_ = 0, cap_ = kInline;
};
}  // namespace ipistorm::engine
