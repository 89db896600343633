// fadvise_pool.cpp: the worker loop (fadvise_pool.hpp).
#include "model/linux6/workloads/fadvise_pool.hpp"

#include <string>

namespace ipistorm::model::linux6 {

FadvisePool::FadvisePool(Kernel& k, LinuxPolicy& policy, const FadvisePoolConfig& cfg,
                         std::uint64_t seed)
    : k_(k), policy_(policy), cfg_(cfg), rng_(seed, /*stream=*/11) {
  workers_.resize(cfg.worker_cpus.size());
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    Worker& w = workers_[i];
    w.pool = this;
    w.task = &k.sched.create_task("worker/" + std::to_string(i), cfg.worker_cpus[i], false);
    w.task->resume = Action::bind<&Worker::read_blob>(&w);
  }
  if (cfg.strategy == FadviseStrategy::kBackgroundThread) {
    background_.pool = this;
    background_.background = true;
    background_.task = &k.sched.create_task("fadvise thread", cfg.background_cpu, false);
    background_.task->resume = Action::bind<&Worker::fadvise>(&background_);
  }
}

void FadvisePool::start() {
  for (Worker& w : workers_) k_.sched.start(*w.task);
}

bool FadvisePool::drains() {
  return cfg_.drain_fraction >= 1 ||
         (cfg_.drain_fraction > 0 && rng_.uniform() < cfg_.drain_fraction);
}

// Reading the blob: its folios go to this CPU's batch at the read's pace
// (drawn when someone looks), and QPW's local lock costs each of them.
void FadvisePool::Worker::read_blob(std::int64_t) {
  FadvisePool& p = *pool;
  const SimTime cpu = static_cast<SimTime>(p.rng_.exponential(p.cfg_.blob_cpu_us * 1e3)) + 1;
  p.k_.lru.set_add_rate(task->cpu, p.cfg_.folios_per_blob / static_cast<double>(cpu));
  const SimTime lock = static_cast<SimTime>(p.cfg_.folios_per_blob *
                                            static_cast<double>(p.policy_.local_batch_op_cost()));
  p.k_.sched.user_compute(*task, cpu + lock, Action::bind<&Worker::blob_read>(this));
}

void FadvisePool::Worker::blob_read(std::int64_t) {
  FadvisePool& p = *pool;
  p.k_.lru.set_add_rate(task->cpu, 0);
  ++p.blobs_;
  switch (p.cfg_.strategy) {
    case FadviseStrategy::kPerBlob:
      fadvise(0);
      return;
    case FadviseStrategy::kEveryN:
      if (++blobs_since_fadvise >= p.cfg_.every) {
        blobs_since_fadvise = 0;
        fadvise(0);
        return;
      }
      break;
    case FadviseStrategy::kNone:
      break;
    case FadviseStrategy::kBackgroundThread:
      ++p.backlog_;
      p.k_.sched.compute(p.k_.sched.try_to_wake_up(*p.background_.task, task->cpu),
                         Action::bind<&Worker::read_blob>(this));
      return;
  }
  read_blob(0);
}

// posix_fadvise(DONTNEED) -> generic_fadvise(): syscall entry, the local
// drain, then the global one when a folio failed to invalidate.
void FadvisePool::Worker::fadvise(std::int64_t) {
  FadvisePool& p = *pool;
  if (background) {
    if (p.backlog_ == 0) {  // nothing handed over: sleep until a worker wakes us
      p.k_.sched.schedule_out(*task, Action::bind<&Worker::fadvise>(this));
      return;
    }
    --p.backlog_;
  }
  called_at = p.k_.sched.sim().now();
  p.k_.sched.compute(p.k_.sched.costs().syscall, Action::bind<&Worker::local_drained>(this));
}

void FadvisePool::Worker::local_drained(std::int64_t) {
  FadvisePool& p = *pool;
  // lru_add_drain(): this CPU's batch, inline. (The background thread's CPU
  // read nothing: an empty drain.)
  p.k_.lru.lru_add_drain_cpu(task->cpu, Action::bind<&Worker::next>(this));
}

void FadvisePool::Worker::next(std::int64_t) {
  FadvisePool& p = *pool;
  if (p.drains()) {
    ++p.drained_;
    p.policy_.lru_add_drain_all(*task, Action::bind<&Worker::fadvise_returned>(this));
    return;
  }
  fadvise_returned(0);
}

void FadvisePool::Worker::fadvise_returned(std::int64_t) {
  FadvisePool& p = *pool;
  ++p.calls_;
  p.latency_.add(p.k_.sched.sim().now() - called_at);
  if (background)
    fadvise(0);
  else
    read_blob(0);
}

}  // namespace ipistorm::model::linux6
