// steps.hpp: a call written as the list of its steps, in the order the real
// code runs them.
//
// A model operation that takes simulated time is asynchronous: it takes the
// Action to continue with (Dom0::compute, a syscall, a drain). A call made
// of several, one after the other, is written as their list:
//
//   // libxc <= 3.4: lock_pages(), do_xen_hypercall(), unlock_pages()
//   static constexpr Step kCall[] = {&MlockPerCall::sys_mlock,
//                                    &MlockPerCall::hypercall_locked,
//                                    &MlockPerCall::sys_munlock};
//
// and a Steps runs it. Each step is a member of the owner,
// `void step(Action next)`, that runs `next` when it is done (inline or from
// an event, as any model operation) and never names the step after it; the
// Steps holds where the list is and what runs after its last step, so no
// step saves another's continuation. A step may skip itself by running
// `next` at once (a branch such as a cache hit). One list runs at a time per
// Steps: a strategy serves one thread, as the libxc call it mirrors.
// NOTE: C++20 coroutines (helper C's prototype, branch `coro`) read better
// still but cost 7-9 % at 16 and 256 vCPUs (three frames per mlock); this
// costs one indirect call per step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/action.hpp"

namespace ipistorm::model {

template <class Owner>
class Steps {
 public:
  using Step = void (Owner::*)(engine::Action next);

  // Run `list` on `owner`, then `then`.
  template <std::size_t N>
  void run(Owner& owner, const Step (&list)[N], engine::Action then) {
    owner_ = &owner;
    at_ = list;
    end_ = list + N;
    then_ = then;
    next(0);
  }

 private:
  void next(std::int64_t) {
    if (at_ == end_) {
      const engine::Action then = then_;  // it may start the next list here
      then();
      return;
    }
    const Step step = *at_++;
    (owner_->*step)(engine::Action::bind<&Steps::next>(this));
  }

  Owner* owner_ = nullptr;
  const Step* at_ = nullptr;
  const Step* end_ = nullptr;
  engine::Action then_;
};

// The state of one call in flight per calling task (its Steps, what it has
// seen), by the task's id: made on the task's first call, reused after (a
// task makes one call at a time; calls of different tasks overlap). Stable
// addresses: an Action may point into it.
template <class Call>
class PerTask {
 public:
  Call& operator[](int task_id) {
    const auto id = static_cast<std::size_t>(task_id);
    if (calls_.size() <= id) calls_.resize(id + 1);
    if (!calls_[id]) calls_[id] = std::make_unique<Call>();
    return *calls_[id];
  }

 private:
  std::vector<std::unique_ptr<Call>> calls_;
};

}  // namespace ipistorm::model
