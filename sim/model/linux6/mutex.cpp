// mutex.cpp: mutex_lock, mutex_unlock (mutex.hpp).
#include "model/linux6/mutex.hpp"

namespace ipistorm::model::linux6 {

void mutex_lock(Sched& s, Mutex& m, Task& t, Action then) {
  if (m.owner == nullptr) {
    m.owner = &t;
    then();
    return;
  }
  ++m.contended;
  m.waiters.push_back(&t);
  s.schedule_out(t, then);  // resumes owning m (handed over by mutex_unlock)
}

SimTime mutex_unlock(Sched& s, Mutex& m, Task& t) {
  m.owner = nullptr;
  if (m.waiters.empty()) return 0;
  Task* next = m.waiters.front();
  m.waiters.pop_front();
  m.owner = next;
  return s.try_to_wake_up(*next, t.cpu);
}

}  // namespace ipistorm::model::linux6
