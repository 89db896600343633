// irq_level_filter.cpp: fix the device model instead of libxc: remember the
// level last sent for the line and skip xc_hvm_set_isa_irq_level() when it
// did not change (a status poll on an already-low IRQ). The calls that
// remain still go through lock_pages(), i.e. mlock-per-call.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class IrqLevelFilter : public HypercallBufferStrategy {
 public:
  IrqLevelFilter() : locked_calls_(find_strategy("mlock-per-call").make()) {}
  void set_irq_level(HypercallSite& site, int level, Action then) override {
    if (level == level_) {
      then();
      return;
    }
    level_ = level;
    hypercall(site, site.arg_bytes, then);
  }
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    locked_calls_->hypercall(site, bytes, then);
  }

 private:
  std::unique_ptr<HypercallBufferStrategy> locked_calls_;
  int level_ = 0;  // the line starts low
};

const StrategyRegistration kIrqLevelFilter{
    {"irq-level-filter", "device model skips the hypercall when the IRQ level did not change",
     "a qemu_set_irq level check (DOMAIN.md s4, device model row)", true, 80,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<IrqLevelFilter>();
     }}};

}  // namespace

}  // namespace ipistorm::model
