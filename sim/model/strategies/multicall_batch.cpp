// multicall_batch.cpp: gather IRQ level changes and send them as one
// __HYPERVISOR_multicall of `multicall_batch` entries (the batching Xen
// 25f5b0ff15 suggests): one mlock-per-call per batch, with an argument
// `multicall_batch` times larger. The price is latency: a level change
// waits for the batch to fill (the model sends it at the batch-th update).
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class MulticallBatch : public HypercallBufferStrategy {
 public:
  MulticallBatch() : locked_calls_(find_strategy("mlock-per-call").make()) {}
  void set_irq_level(HypercallSite& site, int, Action then) override {
    if (++pending_ < site.dom0.costs().multicall_batch) {
      then();
      return;
    }
    pending_ = 0;
    hypercall(site, site.arg_bytes * site.dom0.costs().multicall_batch, then);
  }
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    locked_calls_->hypercall(site, bytes, then);
  }

 private:
  std::unique_ptr<HypercallBufferStrategy> locked_calls_;
  int pending_ = 0;
};

const StrategyRegistration kMulticallBatch{
    {"multicall-batch", "level changes batched into one multicall of multicall_batch entries",
     "Xen 25f5b0ff15's suggestion: __HYPERVISOR_multicall", true, 90,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<MulticallBatch>();
     }}};

}  // namespace

}  // namespace ipistorm::model
