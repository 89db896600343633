// cancellable.hpp: run work on a helper thread with a cancel flag, and poll
// from the calling thread in fixed steps until it finishes.
//   fn(const std::atomic<bool>* stop) -> R   the work (run::run and
//                                            study::run_sweep take the flag)
//   poll() -> bool                           called every `step` while the work
//                                            runs; true sets the flag (once)
// The result or the work's exception comes back to the caller. The Python
// module's Ctrl-C (pybindings/interrupt.hpp) polls Python's signals with it;
// the ThreadSanitizer tests (sim/tests/test_threads.cpp) poll a step count,
// so the same loop runs under TSan.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "io/limits.hpp"

namespace ipistorm::run {

template <class Fn>
using CancellableResult = std::invoke_result_t<Fn&, const std::atomic<bool>*>;

// What came back: the value (absent when the work threw), the work's
// exception, and whether poll() asked it to stop.
template <class R>
struct Cancelled {
  std::optional<R> value;
  std::exception_ptr error;
  bool stopped = false;
};

template <class Fn, class Poll>
Cancelled<CancellableResult<Fn>> run_cancellable(Fn&& fn, Poll&& poll,
                                                 std::chrono::milliseconds step) {
  Cancelled<CancellableResult<Fn>> out;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread worker;
  try {
    worker = std::thread([&] {
      try {
        out.value.emplace(fn(&stop));
      } catch (...) {
        out.error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu);
      done = true;
      cv.notify_all();
    });
  } catch (const std::system_error& e) {  // `ulimit -u` reached: one line, no abort
    out.error = std::make_exception_ptr(thread_start_error(e.code().message()));
    return out;
  }
  std::unique_lock<std::mutex> lock(mu);
  while (!cv.wait_for(lock, step, [&] { return done; })) {
    if (out.stopped) continue;
    lock.unlock();
    if (poll()) {
      out.stopped = true;
      stop = true;
    }
    lock.lock();
  }
  lock.unlock();
  worker.join();
  return out;
}

}  // namespace ipistorm::run
