// mutex.cpp: mutex_lock, mutex_unlock (mutex.hpp).
#include "model/mutex.hpp"

namespace ipistorm::model {

void mutex_lock(Dom0& dom0, Mutex& m, Task& t, Action then) {
  if (m.owner == nullptr) {
    m.owner = &t;
    then();
    return;
  }
  m.waiters.push_back(&t);
  t.mutex_waited = true;
  const SimTime now = dom0.sim().now();
  if (t.latency) t.latency->to(now, LatencyPart::kDrainMutexWait);
  if (TraceObserver* tr = dom0.trace(); tracing(tr))
    tr->begin(TraceTrack::task(t.id), now, "mutex wait", TraceCat::kWait);
  dom0.sleep(t, then);  // resumes owning m (handed over by mutex_unlock)
}

SimTime mutex_unlock(Dom0& dom0, Mutex& m, Task& t) {
  m.owner = nullptr;
  if (m.waiters.empty()) return 0;
  Task* next = m.waiters.front();
  m.waiters.pop_front();
  m.owner = next;
  return dom0.wake(*next, t.vcpu, IpiKind::kOther);
}

}  // namespace ipistorm::model
