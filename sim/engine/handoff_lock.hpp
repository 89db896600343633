// handoff_lock.hpp: the state of a sleeping lock whose unlock hands it to
// the first waiter, in FIFO order: struct mutex (kernel/locking/mutex.c)
// without optimistic spinning or stealing by a newcomer. Only the owner and
// the queue: who sleeps and who is woken is the scheduler's, so the 2.6.x
// dom0 (model/mutex.cpp) and Linux 6.x (model/linux6/mutex.cpp) share this
// one rule and each sleeps and wakes in its own vocabulary.
#pragma once

#include "engine/inline_fifo.hpp"

namespace ipistorm::engine {

template <class T>
struct HandoffLock {
  T* owner = nullptr;
  InlineFifo<T*> waiters;

  // mutex_lock()'s test: a free lock is t's at once (true); else t joins
  // the queue (false) and must sleep until unlock() hands it the lock.
  bool lock_or_wait(T& t) {
    if (owner == nullptr) {
      owner = &t;
      return true;
    }
    waiters.push_back(&t);
    return false;
  }
  // mutex_unlock(): the first waiter owns the lock now and must be woken
  // (nullptr: none waits, the lock is free).
  T* unlock() {
    owner = nullptr;
    if (waiters.empty()) return nullptr;
    owner = waiters.front();
    waiters.pop_front();
    return owner;
  }
};

}  // namespace ipistorm::engine
