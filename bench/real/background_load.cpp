// background_load.cpp
#include "background_load.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipistorm::bench {

const char* load_name(LoadKind k) {
  switch (k) {
    case LoadKind::kIdle:
      return "idle";
    case LoadKind::kSpin:
      return "spin";
    case LoadKind::kFault:
      return "fault";
  }
  return "?";
}

BackgroundLoad::BackgroundLoad(const Machine& m, LoadKind kind, const std::vector<int>& cpus) {
  if (kind == LoadKind::kSpin) {
    spinners_ = std::make_unique<BusyPeers>(m, cpus);
    if (!spinners_->ok()) error_ = "spin load: " + spinners_->error();
  } else if (kind == LoadKind::kFault) {
    start_faulting(m, cpus);
  }
}

namespace {

// The child's whole life: touch 64 fresh pages, unmap them, again. Each
// first touch adds a page to this CPU's LRU batch (lru_add / pagevec).
[[noreturn]] void fault_forever() {
  const std::size_t len = 64 * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (;;) {
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) _exit(1);
    for (std::size_t off = 0; off < len; off += static_cast<std::size_t>(sysconf(_SC_PAGESIZE)))
      static_cast<volatile char*>(p)[off] = 1;
    munmap(p, len);
  }
}

}  // namespace

void BackgroundLoad::start_faulting(const Machine& m, const std::vector<int>& cpus) {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) {
    error_ = std::string("fault load: pipe: ") + std::strerror(errno);
    return;
  }
  const pid_t parent = getpid();
  for (int cpu : cpus) {
    const pid_t pid = fork();
    if (pid < 0) {
      error_ = std::string("fault load: fork: ") + std::strerror(errno);
      break;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);  // the parent died before the prctl
      close(ready[0]);
      const char ok = m.pin_this_thread(cpu) ? 1 : 0;
      if (write(ready[1], &ok, 1) != 1 || !ok) _exit(1);
      fault_forever();
    }
    children_.push_back(pid);
  }
  close(ready[1]);
  for (std::size_t i = 0; i < children_.size(); ++i) {
    char ok = 0;
    if (read(ready[0], &ok, 1) != 1 || !ok) {
      if (error_.empty()) error_ = "fault load: a child could not be pinned";
      break;
    }
  }
  close(ready[0]);
}

BackgroundLoad::~BackgroundLoad() {
  spinners_.reset();
  for (pid_t pid : children_) kill(pid, SIGKILL);
  for (pid_t pid : children_) {
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace ipistorm::bench
