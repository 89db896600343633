// action.hpp: a callback the engine can store without allocating.
// An Action is a function pointer, an object pointer and one integer argument,
// bound to a member function at compile time. It is what the event queue holds
// and what model components pass as "continue here when done".
#pragma once

#include <cstdint>

namespace ipistorm::engine {

struct Action {
  void (*fn)(void*, std::int64_t) = nullptr;
  void* obj = nullptr;
  std::int64_t arg = 0;

  // Bind `obj->Method(arg)`. Method must take one std::int64_t.
  template <auto Method, class T>
  static Action bind(T* o, std::int64_t a = 0) {
    return Action{[](void* p, std::int64_t x) { (static_cast<T*>(p)->*Method)(x); }, o, a};
  }
  explicit operator bool() const { return fn != nullptr; }
  void operator()() const { fn(obj, arg); }
};

}  // namespace ipistorm::engine
