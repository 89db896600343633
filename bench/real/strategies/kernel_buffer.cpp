// kernel_buffer.cpp: /dev/xen/hypercall (Linux c51b3c639e01, privcmd-buf;
// used by libxencall since Xen 4.11, 33be2c3858): the kernel allocates the
// pages and maps them into the process. They are not on the LRU and cannot
// move, so there is no mlock at all. Each buffer is one mmap of the device,
// munmap()ed on release.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hypercall.hpp"
#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

class KernelBuffer : public HypercallBufferStrategy {
 public:
  KernelBuffer() {
    if (!xen_hypercall_device_present())
      throw StrategyUnavailable("/dev/xen/hypercall not present (not a Xen dom0 with privcmd-buf)");
    fd_ = ::open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    if (fd_ < 0)
      throw StrategyUnavailable(std::string("/dev/xen/hypercall: ") + std::strerror(errno));
  }
  ~KernelBuffer() override { ::close(fd_); }

  void* acquire(std::size_t bytes) override {
    void* p = mmap(nullptr, round_up_pages(bytes), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED)
      throw StrategyUnavailable(std::string("mmap /dev/xen/hypercall: ") + std::strerror(errno));
    return p;
  }
  void release(void* buffer, std::size_t bytes) override { munmap(buffer, round_up_pages(bytes)); }

 private:
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_kernel_buffer() {
  return std::make_unique<KernelBuffer>();
}

}  // namespace ipistorm::bench
