// kernel_buffer.cpp: /dev/xen/hypercall (privcmd-buf, Linux c51b3c639e01,
// used by libxencall since Xen 4.11, 33be2c3858): the kernel allocates the
// buffer pages and maps them into the process. They are not on the LRU and
// cannot migrate, so nothing is mlocked, ever: open + mmap once, then a copy
// per call. The pinned page is counted as locked memory.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class KernelBuffer : public SetUpOnceThenCopy<KernelBuffer> {
  friend SetUpOnceThenCopy<KernelBuffer>;
  // open("/dev/xen/hypercall") + mmap: the kernel allocates and pins the page.
  void set_up(Action next) {
    const Costs& c = costs();
    Metrics& m = site().dom0.metrics();
    m.syscalls += 2;
    m.buffer_syscalls += 2;
    m.lock_bytes(BufferOps::pages(c, bytes()) * c.page_bytes);
    site().dom0.compute(2 * c.syscall + c.mmap + c.alloc, next);
  }
};

const StrategyRegistration kKernelBuffer{
    {"kernel-buffer", "kernel-allocated buffer from /dev/xen/hypercall: copy only",
     "Linux privcmd-buf (c51b3c639e01) + libxencall (Xen 4.11, 33be2c3858)", true, 60,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<KernelBuffer>();
     }}};

}  // namespace

}  // namespace ipistorm::model
