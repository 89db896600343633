// interrupt.hpp: run simulator work without the GIL and keep Ctrl-C live.
// The work runs on a helper thread with a cancel flag (model::run and
// model::run_sweep take one); this thread, GIL released, wakes every 100 ms
// to let Python check its signals. On KeyboardInterrupt it sets the flag,
// waits for the work to stop (runs in flight are cancelled) and lets the
// interrupt propagate. Other Python threads run meanwhile.
// tests/test_simulate.py: test_gil_released, test_keyboard_interrupt_stops_run
// tests/test_sweep.py: test_keyboard_interrupt_stops_sweep
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace ipistorm::py {

template <class Fn>
auto call_interruptible(Fn&& fn) -> decltype(fn(static_cast<const std::atomic<bool>*>(nullptr))) {
  using R = decltype(fn(static_cast<const std::atomic<bool>*>(nullptr)));
  std::atomic<bool> stop{false};
  std::optional<R> result;
  std::exception_ptr error;
  bool interrupted = false;
  {
    pybind11::gil_scoped_release release;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread worker([&] {
      try {
        result.emplace(fn(&stop));
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu);
      done = true;
      cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) {
      if (interrupted) continue;
      lock.unlock();
      {
        pybind11::gil_scoped_acquire gil;
        // Non-zero: a signal handler raised (KeyboardInterrupt); the error stays set.
        if (PyErr_CheckSignals() != 0) interrupted = true;
      }
      if (interrupted) stop = true;
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  if (interrupted) throw pybind11::error_already_set();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace ipistorm::py
