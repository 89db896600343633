// mutex.hpp: a sleeping lock (struct mutex, kernel/mutex.c of 2.6.31) as
// lru_add_drain_all()'s global lock needs it (3.12+, 5fbc461636c3): an
// uncontended lock is taken at once; a contended one puts the caller to
// sleep in FIFO order, and mutex_unlock() hands it to the first waiter and
// wakes it.
//
// Limit, stated: no optimistic spinning (a waiter whose owner runs spins
// before it sleeps) and no stealing by a newcomer; the owner of this lock
// sleeps in flush_work(), where the kernel stops spinning too.
#pragma once

#include "engine/handoff_lock.hpp"
#include "model/sched.hpp"

namespace ipistorm::model {

// The owner and its FIFO of waiters; each waiter resumes as its sleep said,
// owning the mutex.
using Mutex = engine::HandoffLock<Task>;

// mutex_lock(m) by `t`; `then` runs (in t) once t owns m.
void mutex_lock(Sched& s, Mutex& m, Task& t, Action then);
// mutex_unlock(m) by `t`; returns t's cost (waking the next owner).
SimTime mutex_unlock(Sched& s, Mutex& m, Task& t);

}  // namespace ipistorm::model
