// numa_memory.hpp: where the benchmark's memory lives, through libnuma.
// "local" is the node of the home CPU; "remote" the farthest other node
// with memory (only when the machine has one). The caller's argument and
// result buffers come from numa_alloc_onnode(); the strategies' own
// allocations follow the thread's memory policy, which ScopedMemoryNode
// sets to the chosen node for a benchmark's duration (MPOL_PREFERRED) and
// restores afterwards. A memory policy given to the whole process (numactl
// --membind, --interleave) wins over "local": then nothing is changed.
#pragma once

#include <cstddef>
#include <string>

namespace ipistorm::bench {

struct NumaChoice {
  int node = -1;        // -1: the process's own policy (local allocation)
  bool remote = false;  // true: node is not the home CPU's
  std::string description;
};

// "local" or "remote" relative to `home_cpu`; throws std::runtime_error with
// the reason when "remote" is asked on a machine without another node.
NumaChoice choose_numa_node(const std::string& which, int home_cpu);
bool numa_usable();  // libnuma's numa_available() >= 0

class ScopedMemoryNode {
 public:
  explicit ScopedMemoryNode(const NumaChoice& c);
  ~ScopedMemoryNode();
  ScopedMemoryNode(const ScopedMemoryNode&) = delete;
  ScopedMemoryNode& operator=(const ScopedMemoryNode&) = delete;

 private:
  bool changed_ = false;
  int saved_mode_ = 0;
  unsigned long saved_mask_[16] = {};
};

// A page-aligned buffer on a node (numa_alloc_onnode), or anonymous memory
// when node < 0 or libnuma is unusable; faulted in at construction.
class NodeBuffer {
 public:
  NodeBuffer(std::size_t bytes, int node);
  ~NodeBuffer();
  NodeBuffer(const NodeBuffer&) = delete;
  NodeBuffer& operator=(const NodeBuffer&) = delete;
  char* data() const { return p_; }

 private:
  char* p_ = nullptr;
  std::size_t n_ = 0;
  bool numa_ = false;
};

// NUMA node of the page holding `p` (get_mempolicy MPOL_F_NODE|MPOL_F_ADDR);
// -1 if unknown.
int node_of_address(const void* p);

}  // namespace ipistorm::bench
