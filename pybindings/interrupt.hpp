// interrupt.hpp: run simulator work without the GIL and keep Ctrl-C live.
// The work runs on a helper thread with a cancel flag (run/cancellable.hpp;
// run::run and study::run_sweep take one); this thread, GIL released, wakes
// every 100 ms to let Python check its signals. On KeyboardInterrupt it sets
// the flag, waits for the work to stop (runs in flight are cancelled) and
// lets the interrupt propagate. Other Python threads run meanwhile.
// tests/test_simulate.py: test_gil_released, test_keyboard_interrupt_stops_run
// tests/test_sweep.py: test_keyboard_interrupt_stops_sweep
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <utility>

#include "run/cancellable.hpp"

namespace ipistorm::py {

template <class Fn>
auto call_interruptible(Fn&& fn) -> run::CancellableResult<Fn> {
  run::Cancelled<run::CancellableResult<Fn>> out;
  {
    pybind11::gil_scoped_release release;
    out = run::run_cancellable(
        std::forward<Fn>(fn),
        [] {
          pybind11::gil_scoped_acquire gil;
          // Non-zero: a signal handler raised (KeyboardInterrupt); the error stays set.
          return PyErr_CheckSignals() != 0;
        },
        std::chrono::milliseconds(100));
  }
  if (out.stopped) throw pybind11::error_already_set();
  if (out.error) std::rethrow_exception(out.error);
  return std::move(*out.value);
}

}  // namespace ipistorm::py
