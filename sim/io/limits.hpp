// limits.hpp: a process limit the run ran into. No thread or process could
// be started (`ulimit -u`, RLIMIT_NPROC): one line and exit 2 like bad
// input, never an abort (std::terminate from a thread left joinable) and
// never a safety check skipped; the Python module raises OSError for it.
#pragma once

#include <string>

#include "errors.hpp"

namespace ipistorm {

class ResourceError : public InputError {
 public:
  explicit ResourceError(const std::string& what) : InputError(what) {}
};

// The ResourceError for a thread that could not be started (`why` is the
// system_error's text, e.g. "Resource temporarily unavailable").
inline ResourceError thread_start_error(const std::string& why) {
  return ResourceError("cannot start a thread (" + why +
                       "): the process limit (ulimit -u) is reached; lower -j or raise the limit");
}

}  // namespace ipistorm
