// inline_fifo.hpp: a first-in first-out queue kept inside its owner, for
// the model's run queues, work queues and drawn page adds (moved here from
// model/dom0.hpp: it knows nothing of the model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace ipistorm::engine {

// A first-in first-out queue kept inside its owner: a ring of 4 slots,
// doubled on a heap buffer only when more are queued at once. Run queues,
// work queues and a pagevec's drawn page adds hold one or two entries;
// std::deque / std::vector kept theirs in a block apart, a cache miss per
// look at 1024 vCPUs. `buf_` points at the slots in use (inline or on the
// heap), so an access is a load and a mask, no test of where they are;
// copies and moves point their own.
template <class T>
class InlineFifo {
 public:
  InlineFifo() = default;
  InlineFifo(const InlineFifo& o) { copy_from(o); }
  InlineFifo& operator=(const InlineFifo& o) {
    if (this != &o) {
      big_.reset();
      buf_ = inline_;
      head_ = size_ = 0;
      mask_ = kInline - 1;
      copy_from(o);
    }
    return *this;
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const T& front() const { return buf_[head_]; }
  // The i-th entry from the front, i < size().
  const T& operator[](std::size_t i) const { return buf_[(head_ + i) & mask_]; }
  void push_back(const T& x) {
    if (size_ > mask_) grow();
    buf_[(head_ + size_) & mask_] = x;
    ++size_;
  }
  // Replace the front entry (size() > 0): a pop_front() and a push_back()
  // when it is the only one.
  void replace_front(const T& x) { buf_[head_] = x; }
  // Drop the first n <= size() entries.
  void pop_front(std::size_t n = 1) {
    head_ = static_cast<std::uint32_t>((head_ + n) & mask_);
    size_ -= static_cast<std::uint32_t>(n);
  }

 private:
  static constexpr std::uint32_t kInline = 4;
  void copy_from(const InlineFifo& o) {
    for (std::size_t i = 0; i < o.size(); ++i) push_back(o[i]);
  }
  void grow() {
    const std::size_t cap = 2 * (static_cast<std::size_t>(mask_) + 1);
    std::unique_ptr<T[]> b(new T[cap]());
    for (std::uint32_t i = 0; i < size_; ++i) b[i] = (*this)[i];
    big_ = std::move(b);
    buf_ = big_.get();
    mask_ = static_cast<std::uint32_t>(cap - 1);
    head_ = 0;
  }
  T* buf_ = inline_;
  std::uint32_t head_ = 0, size_ = 0, mask_ = kInline - 1;
  T inline_[kInline] = {};
  std::unique_ptr<T[]> big_;
};
}  // namespace ipistorm::engine
