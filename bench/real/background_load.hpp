// background_load.hpp: what the other CPUs do while a strategy is measured.
//   idle   nothing: the CPUs sleep (the common dom0 case of the report)
//   spin   threads of this process spinning: they share its mm, like the
//          device model's other threads, so its munmap()s shoot down their
//          TLBs too
//   fault  one child process per CPU touching fresh anonymous pages and
//          unmapping them: fills that CPU's per-CPU LRU batches (what a
//          2.6.28..4.14 mlock() would have to drain) without sharing our mm
// Children get SIGKILL when the load ends or this process dies (RAII and
// PR_SET_PDEATHSIG), so no load outlives a benchmark, even a failed one.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "fanout.hpp"
#include "machine.hpp"

namespace ipistorm::bench {

enum class LoadKind { kIdle, kSpin, kFault };
const char* load_name(LoadKind k);  // idle | spin | fault

class BackgroundLoad {
 public:
  BackgroundLoad(const Machine& m, LoadKind kind, const std::vector<int>& cpus);
  ~BackgroundLoad();
  BackgroundLoad(const BackgroundLoad&) = delete;
  BackgroundLoad& operator=(const BackgroundLoad&) = delete;
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void start_faulting(const Machine& m, const std::vector<int>& cpus);
  std::unique_ptr<BusyPeers> spinners_;
  std::vector<pid_t> children_;
  std::string error_;
};

}  // namespace ipistorm::bench
