// mutex.cpp: mutex_lock, mutex_unlock (mutex.hpp).
#include "model/mutex.hpp"

namespace ipistorm::model {

void mutex_lock(Sched& s, Mutex& m, Task& t, Action then) {
  if (m.owner == nullptr) {
    m.owner = &t;
    then();
    return;
  }
  m.waiters.push_back(&t);
  t.mutex_waited = true;
  const SimTime now = s.sim().now();
  if (t.latency) t.latency->to(now, LatencyPart::kDrainMutexWait);
  if (TraceObserver* tr = s.trace(); tracing(tr))
    tr->begin(TraceTrack::task(t.id), now, "mutex wait", TraceCat::kWait);
  s.sleep(t, then);  // resumes holding the mutex (ownership passed on unlock)
}

SimTime mutex_unlock(Sched& s, Mutex& m, Task& t) {
  m.owner = nullptr;
  if (m.waiters.empty()) return 0;
  Task* next = m.waiters.front();
  m.waiters.pop_front();
  m.owner = next;
  return s.wake(*next, t.vcpu, IpiKind::kOther);
}

}  // namespace ipistorm::model
