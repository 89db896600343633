// mutex.hpp: a sleeping lock (struct mutex, kernel/locking/mutex.c) as the
// drain's global lock needs it: an uncontended lock is taken at once; a
// contended one puts the caller to sleep in FIFO order, and mutex_unlock()
// hands it to the first waiter and wakes it.
//
// Limit, stated: no optimistic spinning (a waiter whose owner runs spins
// before it sleeps) and no stealing by a newcomer; the owner of this lock
// sleeps in flush_work(), where the kernel stops spinning too.
#pragma once

#include "engine/handoff_lock.hpp"
#include "model/linux6/sched.hpp"

namespace ipistorm::model::linux6 {

struct Mutex : engine::HandoffLock<Task> {
  std::uint64_t contended = 0;  // lock calls that slept
};

// mutex_lock(m) by `t`; `then` runs (in t) once t owns m.
void mutex_lock(Sched& s, Mutex& m, Task& t, Action then);
// mutex_unlock(m) by `t` on its CPU; returns t's cost (waking the next owner).
SimTime mutex_unlock(Sched& s, Mutex& m, Task& t);

}  // namespace ipistorm::model::linux6
