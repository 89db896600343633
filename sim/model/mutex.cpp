// mutex.cpp: mutex_lock, mutex_unlock (mutex.hpp).
#include "model/mutex.hpp"

namespace ipistorm::model {

void mutex_lock(Sched& s, Mutex& m, Task& t, Action then) {
  if (m.lock_or_wait(t)) {
    then();
    return;
  }
  t.mutex_waited = true;
  const SimTime now = s.sim().now();
  if (t.latency) t.latency->to(now, LatencyPart::kDrainMutexWait);
  if (TraceObserver* tr = s.trace(); tracing(tr))
    tr->begin(TraceTrack::task(t.id), now, "mutex wait", TraceCat::kWait);
  s.sleep(t, then);  // resumes holding the mutex (ownership passed on unlock)
}

SimTime mutex_unlock(Sched& s, Mutex& m, Task& t) {
  Task* next = m.unlock();
  return next ? s.wake(*next, t.vcpu, IpiKind::kOther) : 0;
}

}  // namespace ipistorm::model
