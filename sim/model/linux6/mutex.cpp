// mutex.cpp: mutex_lock, mutex_unlock (mutex.hpp).
#include "model/linux6/mutex.hpp"

namespace ipistorm::model::linux6 {

void mutex_lock(Sched& s, Mutex& m, Task& t, Action then) {
  if (m.lock_or_wait(t)) {
    then();
    return;
  }
  ++m.contended;
  s.schedule_out(t, then);  // resumes owning m (handed over by mutex_unlock)
}

SimTime mutex_unlock(Sched& s, Mutex& m, Task& t) {
  Task* next = m.unlock();
  return next ? s.try_to_wake_up(*next, t.cpu) : 0;
}

}  // namespace ipistorm::model::linux6
