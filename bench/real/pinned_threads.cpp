// pinned_threads.cpp
#include "pinned_threads.hpp"

#include <sched.h>

#include <cstring>

namespace ipistorm::bench {

namespace {
// Enough for the bodies here and hwloc's binding calls, sanitizers included.
constexpr std::size_t kStackBytes = 256 * 1024;
}  // namespace

void* PinnedThreads::trampoline(void* arg) {
  auto* t = static_cast<Thread*>(arg);
  if (!t->machine->pin_this_thread(t->cpu)) {
    t->state.store(2, std::memory_order_release);
    return nullptr;
  }
  t->state.store(1, std::memory_order_release);
  t->body();
  return nullptr;
}

bool PinnedThreads::start(const Machine& m, int cpu, std::function<void()> body) {
  auto t = std::make_unique<Thread>();
  t->machine = &m;
  t->cpu = cpu;
  t->body = std::move(body);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  const int rc = pthread_create(&t->id, &attr, &PinnedThreads::trampoline, t.get());
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    error_ = "pthread_create: " + std::string(std::strerror(rc));
    return false;
  }
  while (t->state.load(std::memory_order_acquire) == 0) sched_yield();
  if (t->state.load() == 2) {
    pthread_join(t->id, nullptr);
    error_ = "cannot pin a thread to CPU " + std::to_string(cpu);
    return false;
  }
  threads_.push_back(std::move(t));
  return true;
}

void PinnedThreads::join() {
  for (auto& t : threads_) pthread_join(t->id, nullptr);
  threads_.clear();
}

}  // namespace ipistorm::bench
