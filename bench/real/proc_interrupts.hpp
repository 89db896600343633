// proc_interrupts.hpp: per-CPU interrupt counts from /proc/interrupts, and
// the IPIs a measured loop caused: the RES (reschedule), CAL (function call)
// and TLB (shootdown) rows, sampled before and after, differenced per CPU.
// The header line names the online CPUs ("CPU0 CPU1 CPU3"); a CPU that went
// offline or came online between two samples is not in both headers, so it
// is left out of the difference and reported as such, never misread as
// another column.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ipistorm::bench {

struct InterruptSample {
  std::vector<int> cpus;  // OS CPU numbers, in header (column) order
  // Row name ("RES", "CAL", "TLB", "LOC", "24", ...) -> one count per column.
  // Rows with fewer numbers than columns (ERR, MIS) keep what they have.
  std::map<std::string, std::vector<std::uint64_t>> rows;

  // Throws std::runtime_error when the text has no "CPUn" header, names a
  // CPU column twice, or holds a counter above 2^64-1.
  static InterruptSample parse(std::istream& in);
  // nullopt when the file cannot be read or parsed (the counters are then
  // absent, not zero).
  static std::optional<InterruptSample> read(const std::string& path = "/proc/interrupts");

  // Count of `row` on OS CPU `cpu`; nullopt when the row or CPU is absent.
  std::optional<std::uint64_t> count(const std::string& row, int cpu) const;
};

// The IPI rows this project counts, in report order.
enum class IpiKind { kRes = 0, kCal = 1, kTlb = 2 };
constexpr int kIpiKinds = 3;
const char* ipi_row_name(IpiKind k);  // "RES", "CAL", "TLB"

struct IpiDelta {
  std::vector<int> cpus;  // OS CPUs present in both samples, ascending
  // Per kind: nullopt when the row is missing from either sample; else one
  // delta per entry of `cpus`.
  std::optional<std::vector<std::uint64_t>> by_kind[kIpiKinds];
  std::vector<int> cpus_gone;      // in `before` only (went offline)
  std::vector<int> cpus_new;       // in `after` only (came online)
  bool counter_went_back = false;  // some count decreased; that delta is 0

  // Sum over CPUs of one kind (nullopt when the row is missing).
  std::optional<std::uint64_t> total(IpiKind k) const;
  // The IPIs, over the rows present (nullopt when none is): RES + CAL + TLB,
  // or RES + CAL when the TLB row counts a subset of the CAL one (below).
  std::optional<std::uint64_t> total(bool tlb_within_cal) const;
  // The same per CPU of `cpus` (rows present only).
  std::vector<std::uint64_t> per_cpu(bool tlb_within_cal) const;
};

IpiDelta ipi_delta(const InterruptSample& before, const InterruptSample& after);

// Whether a kernel counts each TLB shootdown IPI twice: since Linux 3.6
// (52aec3308db8, "x86/tlb: replace INVALIDATE_TLB_VECTOR by
// CALL_FUNCTION_VECTOR") x86 sends them as function-call IPIs, counted in
// CAL (irq_call_count, sysvec_call_function) and again in TLB
// (irq_tlb_count, flush_tlb_func in arch/x86/mm/tlb.c). `release` is
// uname -r, `machine` uname -m.
bool tlb_within_cal(const std::string& release, const std::string& machine);

}  // namespace ipistorm::bench
