// harness.hpp: what every libFuzzer harness shares (fuzz/README.md).
// A harness feeds one input to the entry point the product uses. The
// parser's documented input error (InputError, or std::runtime_error for the
// /proc/interrupts parser) is a normal outcome; any other exception, a
// crash, a leak, a sanitizer report or a hang is a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "errors.hpp"

namespace ipistorm::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A property of an accepted input that does not hold: a failure, so that
// libFuzzer keeps the input (abort() is a crash to it).
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz property failed: %s\n", what);
  std::abort();
}
#define IPISTORM_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::ipistorm::fuzz::fail(#cond " (" __FILE__ ")"))

// Run `parse`; Error is the documented refusal. Its message must name the
// problem (not be empty). Anything else thrown aborts.
template <class Error = InputError, class Fn>
int run_one(Fn&& parse) {
  try {
    parse();
  } catch (const Error& e) {
    if (e.what()[0] == '\0') fail("an input error with an empty message");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: uncaught exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}

}  // namespace ipistorm::fuzz
