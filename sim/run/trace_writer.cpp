// trace_writer.cpp: keep the window's events, write Trace Event Format JSON.
#include "run/trace_writer.hpp"

#include <algorithm>
#include <cstdio>

#include "errors.hpp"

namespace ipistorm::run {

namespace {

// Rough bytes one event takes in the file; the cap is checked against it as
// events arrive, so an oversized window fails early instead of at the end.
constexpr std::size_t kSliceBytes = 2 * 80;  // a B and an E
constexpr std::size_t kPointBytes = 90;
constexpr SimTime kIpiCounterSpan = 1000000;  // 1 ms

// Timestamps are microseconds with nanosecond digits: "1234.567".
void put_ts(std::string& out, SimTime ns) {
  char buf[32];
  const long long q = ns / 1000, r = ns % 1000;
  std::snprintf(buf, sizeof buf, "%lld.%03lld", q, r < 0 ? -r : r);
  out += buf;
}

void put_str(std::string& out, const std::string& s) { out += nlohmann::json(s).dump(); }

}  // namespace

TraceRecorder::TraceRecorder(SimTime from, SimTime to, std::size_t max_bytes)
    : from_(from), to_(to), max_bytes_(max_bytes) {
  ipi_counter_name_ = intern("IPIs in the last 1 ms");
}

const char* TraceRecorder::cat_name(TraceCat c) {
  switch (c) {
    case TraceCat::kSched:
      return "sched";
    case TraceCat::kIdle:
      return "idle";
    case TraceCat::kXen:
      return "xen";
    case TraceCat::kLock:
      return "lock";
    case TraceCat::kWait:
      return "wait";
    case TraceCat::kKernel:
      return "kernel";
    case TraceCat::kUser:
      return "user";
  }
  return "other";
}

const char* TraceRecorder::flow_name(TraceFlow f) {
  switch (f) {
    case TraceFlow::kIpi:
      return "IPI";
    case TraceFlow::kEvtchn:
      return "event channel";
    case TraceFlow::kComplete:
      return "complete()";
  }
  return "flow";
}

std::uint32_t TraceRecorder::intern(std::string_view s) {
  auto it = name_ids_.find(std::string(s));
  if (it != name_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(s);
  name_ids_.emplace(names_.back(), id);
  return id;
}

void TraceRecorder::grow(std::size_t bytes) {
  bytes_ += bytes;
  if (bytes_ > max_bytes_) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(to_ - from_) / 1e9);
    throw InputError(std::string("the trace window (") + buf + ") holds more than the " +
                     std::to_string(max_bytes_ >> 20) +
                     " MiB cap of --trace-max-mb; trace a shorter window (--trace-for)");
  }
}

void TraceRecorder::name_track(TraceTrack t, std::string_view name, int sort_index) {
  track_names_[key(t)] = {std::string(name), sort_index};
}

void TraceRecorder::record_slice(Track& tr, SimTime t0, SimTime t1, std::uint32_t name,
                                 TraceCat cat) {
  if (t1 < from_ || t0 >= to_) return;
  grow(kSliceBytes);
  tr.slices.push_back(Slice{std::max(t0, from_), std::min(t1, to_), name, cat, seq_++});
}

void TraceRecorder::slice(TraceTrack t, SimTime t0, SimTime t1, std::string_view name,
                          TraceCat cat) {
  if (t1 < from_ || t0 >= to_) return;
  record_slice(tracks_[key(t)], t0, t1, intern(name), cat);
}

void TraceRecorder::begin(TraceTrack t, SimTime t0, std::string_view name, TraceCat cat) {
  tracks_[key(t)].open.push_back(Open{t0, intern(name), cat});
}

void TraceRecorder::end(TraceTrack t, SimTime t1) {
  Track& tr = tracks_[key(t)];
  if (tr.open.empty()) return;  // nothing open on this track (before the observer attached)
  const Open o = tr.open.back();
  tr.open.pop_back();
  record_slice(tr, o.t0, t1, o.name, o.cat);
}

void TraceRecorder::instant(TraceTrack t, SimTime at, std::string_view name) {
  if (!in_window(at)) return;
  grow(kPointBytes);
  tracks_[key(t)].points.push_back(Point{at, seq_++, 'i', intern(name), 0, TraceFlow::kIpi});
}

void TraceRecorder::ipi_counter_until(SimTime at) {
  // The count drops as IPIs age past 1 ms: a step at each expiry.
  while (!recent_ipis_.empty() && recent_ipis_.front() + kIpiCounterSpan <= at) {
    const SimTime expiry = recent_ipis_.front() + kIpiCounterSpan;
    recent_ipis_.pop_front();
    if (in_window(expiry)) {
      grow(kPointBytes);
      counters_.push_back(Counter{expiry, TraceTrack::kDom0, ipi_counter_name_,
                                  static_cast<double>(recent_ipis_.size())});
    }
  }
}

std::uint64_t TraceRecorder::flow_start(TraceTrack t, SimTime at, TraceFlow kind) {
  if (kind == TraceFlow::kIpi) {
    ipi_counter_until(at);
    recent_ipis_.push_back(at);
    if (in_window(at)) {
      grow(kPointBytes);
      counters_.push_back(Counter{at, TraceTrack::kDom0, ipi_counter_name_,
                                  static_cast<double>(recent_ipis_.size())});
    }
  }
  if (!in_window(at)) return 0;
  if (kind == TraceFlow::kIpi) ++ipi_flows_;
  grow(2 * kPointBytes);
  flows_.push_back(Flow{t, at, kind, seq_++});
  const std::uint64_t id = flows_.size();
  tracks_[key(t)].points.push_back(Point{at, seq_++, 's', 0, id, kind});
  return id;
}

void TraceRecorder::flow_end(std::uint64_t id, TraceTrack t, SimTime at) {
  if (id == 0 || id > flows_.size()) return;
  Flow& f = flows_[id - 1];
  if (f.ended) return;
  f.ended = true;
  tracks_[key(t)].points.push_back(Point{at, seq_++, 'f', 0, id, f.kind});
}

void TraceRecorder::counter(TraceTrack::Process pid, std::string_view name, SimTime at,
                            double value) {
  if (!in_window(at)) return;
  grow(kPointBytes);
  counters_.push_back(Counter{at, pid, intern(name), value});
}

void TraceRecorder::finish(SimTime end) {
  finished_at_ = end;
  ipi_counter_until(std::min(end, to_));
  for (auto& [k, tr] : tracks_)
    while (!tr.open.empty()) {
      const Open o = tr.open.back();
      tr.open.pop_back();
      record_slice(tr, o.t0, end, o.name, o.cat);
    }
}

std::string TraceRecorder::json(const nlohmann::json& metadata) const {
  // One event as it goes out, sorted by time at the end; `order` keeps each
  // track's B/E nesting order among events of equal time.
  struct Ev {
    SimTime ts;
    std::uint64_t order;
    std::string text;
    int rank = 0;  // 1: a flow end, after every other event of its time (its start too)
  };
  std::vector<Ev> evs;
  evs.reserve(bytes_ / 80 + 16);
  std::uint64_t order = 0;
  auto head = [](std::string& s, char ph, SimTime ts, std::int32_t pid, std::int32_t tid) {
    s += "{\"ph\":\"";
    s += ph;
    s += "\",\"ts\":";
    put_ts(s, ts);
    s += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid);
  };

  for (const auto& [k, tr0] : tracks_) {
    const auto pid = static_cast<std::int32_t>(k >> 32);
    const auto tid = static_cast<std::int32_t>(static_cast<std::uint32_t>(k));
    std::vector<Slice> sl = tr0.slices;
    // Outer before inner: by begin, then longer first, then as reported.
    std::sort(sl.begin(), sl.end(), [](const Slice& a, const Slice& b) {
      if (a.t0 != b.t0) return a.t0 < b.t0;
      if (a.t1 != b.t1) return a.t1 > b.t1;
      return a.seq < b.seq;
    });
    std::vector<Point> pts = tr0.points;
    std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) {
      return a.at != b.at ? a.at < b.at : a.seq < b.seq;
    });
    std::vector<SimTime> stack;  // ends of the open slices
    std::size_t pi = 0;
    auto emit_end = [&](SimTime t1) {
      std::string s;
      head(s, 'E', t1, pid, tid);
      s += "}";
      evs.push_back(Ev{t1, order++, std::move(s)});
    };
    // A point goes after the B events of its own time, so that a flow
    // binds to the innermost slice that begins there.
    auto emit_points_before = [&](SimTime t, bool inclusive) {
      while (pi < pts.size() && (inclusive ? pts[pi].at <= t : pts[pi].at < t)) {
        const Point& p = pts[pi++];
        std::string s;
        if (p.ph == 's' || p.ph == 'f') {
          if (!flows_[p.id - 1].ended) continue;  // its end never came: leave both out
          head(s, p.ph, p.at, pid, tid);
          s += ",\"id\":" + std::to_string(p.id) + ",\"name\":";
          put_str(s, flow_name(p.flow));
          s += ",\"cat\":\"flow\"";
          if (p.ph == 'f') s += ",\"bp\":\"e\"";
        } else {
          head(s, 'i', p.at, pid, tid);
          s += ",\"s\":\"t\",\"name\":";
          put_str(s, names_[p.name]);
        }
        s += "}";
        evs.push_back(Ev{p.at, order++, std::move(s), p.ph == 'f' ? 1 : 0});
      }
    };
    for (Slice s : sl) {
      while (!stack.empty() && stack.back() <= s.t0) {
        emit_points_before(stack.back(), false);
        emit_end(stack.back());
        stack.pop_back();
      }
      if (!stack.empty() && s.t1 > stack.back()) {  // overlaps its parent: clip (a model bug)
        ++clipped_;
        s.t1 = stack.back();
      }
      emit_points_before(s.t0, false);
      std::string t;
      head(t, 'B', s.t0, pid, tid);
      t += ",\"name\":";
      put_str(t, names_[s.name]);
      t += ",\"cat\":\"";
      t += cat_name(s.cat);
      t += "\"}";
      evs.push_back(Ev{s.t0, order++, std::move(t)});
      stack.push_back(s.t1);
    }
    while (!stack.empty()) {
      emit_points_before(stack.back(), false);
      emit_end(stack.back());
      stack.pop_back();
    }
    emit_points_before(INT64_MAX, true);
  }
  for (const Counter& c : counters_) {
    std::string s;
    head(s, 'C', c.at, c.pid, 0);
    s += ",\"name\":";
    put_str(s, names_[c.name]);
    char buf[48];
    std::snprintf(buf, sizeof buf, ",\"args\":{\"value\":%.17g}}", c.value);
    s += buf;
    evs.push_back(Ev{c.at, order++, std::move(s)});
  }
  std::stable_sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    return a.rank != b.rank ? a.rank < b.rank : a.order < b.order;
  });

  // Metadata events: process and thread names for the tracks that hold events.
  std::string out =
      "{\"displayTimeUnit\":\"ns\",\"otherData\":" + metadata.dump() + ",\n\"traceEvents\":[\n";
  bool first = true;
  auto add = [&](const std::string& s) {
    if (!first) out += ",\n";
    first = false;
    out += s;
  };
  auto meta = [&](std::int32_t pid, std::int32_t tid, const char* what, const std::string& key,
                  const nlohmann::json& value) {
    add("{\"ph\":\"M\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) +
        ",\"name\":\"" + what + "\",\"args\":{\"" + key + "\":" + value.dump() + "}}");
  };
  meta(TraceTrack::kXen, 0, "process_name", "name", "Xen");
  meta(TraceTrack::kXen, 0, "process_sort_index", "sort_index", 1);
  meta(TraceTrack::kDom0, 0, "process_name", "name", "dom0");
  meta(TraceTrack::kDom0, 0, "process_sort_index", "sort_index", 2);
  for (const auto& [k, tr] : tracks_) {
    if (tr.slices.empty() && tr.points.empty()) continue;
    const auto pid = static_cast<std::int32_t>(k >> 32);
    const auto tid = static_cast<std::int32_t>(static_cast<std::uint32_t>(k));
    auto it = track_names_.find(k);
    const std::string name =
        it != track_names_.end() ? it->second.first : "track " + std::to_string(tid);
    meta(pid, tid, "thread_name", "name", name);
    meta(pid, tid, "thread_sort_index", "sort_index",
         it != track_names_.end() ? it->second.second : tid);
  }
  out.reserve(out.size() + bytes_);
  for (const Ev& e : evs) add(e.text);
  out += "\n]}\n";
  return out;
}

}  // namespace ipistorm::run
