// trace_writer.hpp: a TraceObserver that keeps the events of one window of
// simulated time and writes them as Trace Event Format JSON, the format
// ui.perfetto.dev and chrome://tracing open.
//
// The run is whole; only what lies in [from, to) is kept: slices are clipped
// to the window, instants and counters outside it are dropped, and a flow is
// kept when it starts in the window (its end may lie a little beyond it).
// Slices come out as B/E pairs, per track in nesting order; tracks are
// threads of two processes, Xen (pCPUs, the guest vCPU) and dom0 (vCPUs,
// blocking tasks). "IPIs in the last 1 ms" is a counter derived from the IPI
// flows. A size cap bounds the file: passing it throws InputError at once.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/trace_hooks.hpp"

namespace ipistorm::run {

using model::SimTime;
using model::TraceCat;
using model::TraceFlow;
using model::TraceTrack;

class TraceRecorder : public model::TraceObserver {
 public:
  // Window [from, to) in simulated ns; `max_bytes`: the cap on the file.
  TraceRecorder(SimTime from, SimTime to, std::size_t max_bytes);

  void name_track(TraceTrack t, std::string_view name, int sort_index) override;
  void slice(TraceTrack t, SimTime t0, SimTime t1, std::string_view name, TraceCat cat) override;
  void begin(TraceTrack t, SimTime t0, std::string_view name, TraceCat cat) override;
  void end(TraceTrack t, SimTime t1) override;
  void instant(TraceTrack t, SimTime at, std::string_view name) override;
  std::uint64_t flow_start(TraceTrack t, SimTime at, TraceFlow kind) override;
  void flow_end(std::uint64_t id, TraceTrack t, SimTime at) override;
  void counter(TraceTrack::Process pid, std::string_view name, SimTime at, double value) override;
  void finish(SimTime end) override;

  // The JSON document: {"traceEvents": [...], "displayTimeUnit": "ns",
  // "otherData": metadata}. Call after finish().
  std::string json(const nlohmann::json& metadata) const;

  // What the window holds (for tests and the metadata).
  std::uint64_t ipi_flows() const { return ipi_flows_; }
  std::uint64_t clipped_overlaps() const { return clipped_; }
  std::size_t estimated_bytes() const { return bytes_; }
  SimTime from() const { return from_; }
  SimTime to() const { return to_; }

  static const char* cat_name(TraceCat c);
  static const char* flow_name(TraceFlow f);

 private:
  struct Slice {
    SimTime t0, t1;
    std::uint32_t name;
    TraceCat cat;
    std::uint64_t seq;
  };
  struct Open {
    SimTime t0;
    std::uint32_t name;
    TraceCat cat;
  };
  // A zero-width event on a track: instant or flow end point.
  struct Point {
    SimTime at;
    std::uint64_t seq;
    char ph;             // 'i', 's', 'f'
    std::uint32_t name;  // instants
    std::uint64_t id;    // flows
    TraceFlow flow;
  };
  struct Track {
    std::vector<Open> open;
    std::vector<Slice> slices;
    std::vector<Point> points;
  };
  struct Counter {
    SimTime at;
    std::int32_t pid;
    std::uint32_t name;
    double value;
  };
  struct Flow {
    TraceTrack track;
    SimTime at;
    TraceFlow kind;
    std::uint64_t seq;
    bool ended = false;
  };

  static std::uint64_t key(TraceTrack t) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(t.pid)) << 32) |
           static_cast<std::uint32_t>(t.tid);
  }
  bool in_window(SimTime at) const { return at >= from_ && at < to_; }
  std::uint32_t intern(std::string_view s);
  void grow(std::size_t bytes);
  void record_slice(Track& tr, SimTime t0, SimTime t1, std::uint32_t name, TraceCat cat);
  void ipi_counter_until(SimTime at);

  SimTime from_, to_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t ipi_flows_ = 0;
  mutable std::uint64_t clipped_ = 0;
  std::unordered_map<std::string, std::uint32_t> name_ids_;
  std::vector<std::string> names_;
  std::map<std::uint64_t, Track> tracks_;  // ordered: stable output
  std::map<std::uint64_t, std::pair<std::string, int>> track_names_;
  std::vector<Flow> flows_;  // index = id - 1
  std::vector<Counter> counters_;
  std::deque<SimTime> recent_ipis_;  // IPI sends in the last 1 ms
  std::uint32_t ipi_counter_name_ = 0;
  SimTime finished_at_ = -1;
};

}  // namespace ipistorm::run
