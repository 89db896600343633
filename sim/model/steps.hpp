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

}  // namespace ipistorm::model
