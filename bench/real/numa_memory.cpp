// numa_memory.cpp
#include "numa_memory.hpp"

#include <numa.h>
#include <numaif.h>
#include <sys/mman.h>

#include <cstring>
#include <new>
#include <stdexcept>

#include "locked_memory.hpp"

namespace ipistorm::bench {

bool numa_usable() {
  static const bool ok = numa_available() >= 0;
  return ok;
}

NumaChoice choose_numa_node(const std::string& which, int home_cpu) {
  NumaChoice c;
  const int local = numa_usable() ? numa_node_of_cpu(home_cpu) : -1;
  if (which == "local") {
    // A policy given to the whole process (numactl --membind, --interleave,
    // --preferred) is the user's choice and stays in force.
    int mode = MPOL_DEFAULT;
    if (local < 0 || get_mempolicy(&mode, nullptr, 0, nullptr, 0) != 0 || mode != MPOL_DEFAULT) {
      c.description = "the process's memory policy (" +
                      std::string(local < 0 ? "libnuma unusable" : "set by numactl or the like") +
                      ")";
      return c;
    }
    c.node = local;
    c.description =
        "local (node " + std::to_string(local) + " of CPU " + std::to_string(home_cpu) + ")";
    return c;
  }
  if (which != "remote") throw std::runtime_error("--numa must be local or remote, got " + which);
  if (!numa_usable() || local < 0) throw std::runtime_error("--numa=remote: libnuma unusable here");
  int best = -1, best_distance = -1;
  for (int n = 0; n <= numa_max_node(); ++n) {
    if (n == local || numa_node_size64(n, nullptr) <= 0) continue;
    const int d = numa_distance(local, n);
    if (d > best_distance) best = n, best_distance = d;
  }
  if (best < 0)
    throw std::runtime_error("--numa=remote: this machine has no NUMA node but " +
                             std::to_string(local));
  c.node = best;
  c.remote = true;
  c.description = "remote (node " + std::to_string(best) + ", distance " +
                  std::to_string(best_distance) + " from node " + std::to_string(local) + ")";
  return c;
}

ScopedMemoryNode::ScopedMemoryNode(const NumaChoice& c) {
  if (c.node < 0 || !numa_usable()) return;
  if (get_mempolicy(&saved_mode_, saved_mask_, sizeof(saved_mask_) * 8, nullptr, 0) != 0) return;
  numa_set_preferred(c.node);
  changed_ = true;
}

ScopedMemoryNode::~ScopedMemoryNode() {
  if (changed_)
    set_mempolicy(saved_mode_, saved_mode_ == MPOL_DEFAULT ? nullptr : saved_mask_,
                  sizeof(saved_mask_) * 8);
}

NodeBuffer::NodeBuffer(std::size_t bytes, int node) : n_(round_up_pages(bytes)) {
  if (node >= 0 && numa_usable()) {
    p_ = static_cast<char*>(numa_alloc_onnode(n_, node));
    numa_ = true;
  } else {
    void* p = mmap(nullptr, n_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
  }
  if (!p_) throw std::bad_alloc();
  std::memset(p_, 0x3c, n_);
}

NodeBuffer::~NodeBuffer() {
  if (numa_)
    numa_free(p_, n_);
  else
    munmap(p_, n_);
}

int node_of_address(const void* p) {
  int node = -1;
  if (get_mempolicy(&node, nullptr, 0, const_cast<void*>(p), MPOL_F_NODE | MPOL_F_ADDR) != 0)
    return -1;
  return node;
}

}  // namespace ipistorm::bench
