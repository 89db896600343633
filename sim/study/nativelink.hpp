// nativelink.hpp: the second reproduction (`ipistorm reproduce --report
// nativelink-2026`): TraceMachina/nativelink issue 2607 (July 2026), a
// build-cache server calling posix_fadvise(POSIX_FADV_DONTNEED) on every
// blob on a 255-vCPU KVM guest: "each call is a many-millisecond stall"; a
// steady state of 1.2 actions/s with 173 actions executing at about 7 % CPU.
//
// Every figure is a band over draws of the unknowns the report does not
// give (blob CPU time, folios per blob, the other vCPUs' page activity,
// blobs per action, the Linux 6.x and KVM costs), each draw one `storm`
// run (run/storm.hpp) of 1 simulated second. The blob path decides whether
// a call drains; the main figures assume one that does (mapped, spliced, or
// read by another CPU), and the others are shown beside them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "study/bands.hpp"

namespace ipistorm::study {

struct NativelinkRow {
  std::string figure;  // what it is, with its unit
  std::string report;  // what the report says ("" none)
  Band model;
  std::string judged;  // how the model's band is judged against it ("" not judged)
  bool ok = true;
};

struct NativelinkResult {
  int draws = 0;
  std::uint64_t seed = 1;
  std::vector<std::string> assumptions;  // one line each
  std::vector<NativelinkRow> figures;    // the report's figures
  std::vector<NativelinkRow> ceiling;    // blobs/s by worker count
  std::vector<NativelinkRow> paths;      // the other blob paths
  bool ok() const;
};

// `draws` in 2..1000; InputError otherwise.
NativelinkResult reproduce_nativelink(int draws, std::uint64_t seed = 1);
nlohmann::json nativelink_json(const NativelinkResult& r);

}  // namespace ipistorm::study
