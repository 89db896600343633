// test_only_strategy.cpp: a strategy that exists only in the test binary,
// to prove that a strategy is one file: this file registers it, and
// test_strategies.cpp finds it in strategies() with no other change (its
// hand count sits with the others there). It passes the argument with no
// locking and never fails: copy in, trap, copy out.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class TestOnlyCopy : public StepStrategy<TestOnlyCopy> {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    run(site, bytes, kCall, then);
  }

 private:
  static constexpr Step kCall[] = {&TestOnlyCopy::hypercall_locked};
};

const StrategyRegistration kTestOnlyCopy{{"test-only-copy",
                                          "tests only: copy and trap, no locking, never fails",
                                          "sim/tests/test_only_strategy.cpp", true, 1000,
                                          []() -> std::unique_ptr<HypercallBufferStrategy> {
                                            return std::make_unique<TestOnlyCopy>();
                                          }}};

}  // namespace
}  // namespace ipistorm::model
