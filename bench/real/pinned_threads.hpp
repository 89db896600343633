// pinned_threads.hpp: threads of this process, each pinned to one CPU with
// hwloc_set_cpubind before it runs its body. Small stacks (so that an
// mlockall in the same process locks little of them). The owner signals its
// bodies to return, then join()s; the destructor joins as a last resort.
#pragma once

#include <pthread.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "machine.hpp"

namespace ipistorm::bench {

class PinnedThreads {
 public:
  PinnedThreads() = default;
  ~PinnedThreads() { join(); }
  PinnedThreads(const PinnedThreads&) = delete;
  PinnedThreads& operator=(const PinnedThreads&) = delete;

  // Start a thread pinned to OS CPU `cpu` that runs `body`; returns once the
  // thread is pinned and about to run it. False (and error()) if the thread
  // could not be created or pinned; then it never runs `body`.
  bool start(const Machine& m, int cpu, std::function<void()> body);
  void join();
  const std::string& error() const { return error_; }
  std::size_t size() const { return threads_.size(); }

 private:
  struct Thread {
    pthread_t id{};
    const Machine* machine = nullptr;
    int cpu = 0;
    std::function<void()> body;
    std::atomic<int> state{0};  // 0 starting, 1 pinned (running body), 2 pin failed
  };
  static void* trampoline(void* arg);
  std::vector<std::unique_ptr<Thread>> threads_;
  std::string error_;
};

}  // namespace ipistorm::bench
