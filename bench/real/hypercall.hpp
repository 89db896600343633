// hypercall.hpp: "the call" of one benchmark iteration. In a Xen dom0 with
// /dev/xen/privcmd it is a real, harmless hypercall that writes into the
// argument buffer (xen_version(XENVER_extraversion, buf): Xen copies 16
// bytes to the guest address, so the buffer must be resident, which is what
// the strategies are for). Elsewhere it is a cheap real syscall (getppid)
// standing in for the trap. Which one ran is reported with every result.
#pragma once

#include <cstddef>
#include <string>

namespace ipistorm::bench {

class HypercallPath {
 public:
  HypercallPath();  // opens /dev/xen/privcmd if present
  ~HypercallPath();
  HypercallPath(const HypercallPath&) = delete;
  HypercallPath& operator=(const HypercallPath&) = delete;

  // One call with `buf` (>= 16 bytes) as its argument. Returns < 0 on error.
  long call(void* buf) const;
  bool real_hypercall() const { return fd_ >= 0; }
  // "xen_version(XENVER_extraversion) via /dev/xen/privcmd" or "getppid (stand-in: ...)"
  const std::string& description() const { return description_; }
  const char* label() const { return fd_ >= 0 ? "xen_version" : "getppid"; }

 private:
  int fd_ = -1;
  std::string description_;
};

// /dev/xen/hypercall (privcmd-buf, Linux 4.18+): kernel-allocated pages for
// hypercall buffers. True if the device node exists.
bool xen_hypercall_device_present();

}  // namespace ipistorm::bench
