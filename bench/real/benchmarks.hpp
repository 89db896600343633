// benchmarks.hpp: the benchmark families of ipistorm-bench, registered at
// start-up from the machine's topology (names are data: family/args).
//   strategy/<name>/bytes:<N>/load:<idle|spin|fault>[/<distance>/k:<k>]
//   fanout/membarrier/<distance>/k:<k>
//   fanout/schedule_on_each_cpu/<distance>/k:<k>
//   wake/pingpong/<same_cpu|distance>
//   syscall/getppid, syscall/futex_wake_no_waiter, syscall/mlock_munlock/pages:<n>
// <distance> is same_core | same_package | other_package, or "nearest"
// (siblings first, then the package, then other packages) when the machine
// has more than one class. The label of every fan-out and wake benchmark
// names its CPUs ("home=0 targets=1,2"), which `ipistorm validate` reads.
#pragma once

#include <string>
#include <vector>

#include "hypercall.hpp"
#include "machine.hpp"
#include "numa_memory.hpp"

namespace ipistorm::bench {

struct BenchOptions {
  NumaChoice numa;
};
const BenchOptions& options();
void set_options(const BenchOptions& o);
const HypercallPath& hypercall_path();

// 1, 2, 4, ... below n, then n: the k values swept for n candidate CPUs.
std::vector<int> k_values(int n);

void register_strategy_benchmarks(const Machine& m);
void register_fanout_benchmarks(const Machine& m);
void register_syscall_benchmarks(const Machine& m);

}  // namespace ipistorm::bench
