// limits.hpp: a process limit the run ran into. No thread or process could
// be started (`ulimit -u`, RLIMIT_NPROC): one line and exit 2 like bad
// input, never an abort (std::terminate from a thread left joinable) and
// never a safety check skipped; the Python module raises OSError for it.
#pragma once

#include <csignal>
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

// While it lives, SIGXFSZ is ignored (when its action was the default,
// which ends the process): a write over `ulimit -f` then fails with EFBIG
// and is reported as one line like any failed write, and the writer removes
// its temporary. For the Python module, whose process ipistorm does not own
// (the CLI ignores SIGXFSZ for its whole life: io::remove_temporaries_on_fatal_signals).
class FileSizeLimitReported {
 public:
  FileSizeLimitReported() {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    struct sigaction old {};
    if (::sigaction(SIGXFSZ, nullptr, &old) == 0 && old.sa_handler == SIG_DFL &&
        !(old.sa_flags & SA_SIGINFO)) {
      ::sigaction(SIGXFSZ, &ign, nullptr);
      active_ = true;
    }
  }
  ~FileSizeLimitReported() {
    if (!active_) return;
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGXFSZ, &dfl, nullptr);
  }
  FileSizeLimitReported(const FileSizeLimitReported&) = delete;
  FileSizeLimitReported& operator=(const FileSizeLimitReported&) = delete;

 private:
  bool active_ = false;
};

}  // namespace ipistorm
