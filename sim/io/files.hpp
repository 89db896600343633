// files.hpp: every file the tool reads or writes goes through here.
//
// Inputs are read only when they are regular files of at most 64 MiB: a FIFO,
// a device (/dev/zero), a directory or a larger file is refused before it is
// read, so no input can hang the tool or exhaust its memory.
//
// Outputs are written atomically (a temporary file beside the target, then
// rename), and only over a regular file or a path that does not exist: a
// device node, a directory, a FIFO or a symbolic link is refused, first up
// front (before any work) and again just before the rename. A replaced file
// keeps its mode (and, for root, its owner); one the user may not write is
// not replaced. While an InputLedger is alive (the CLI holds one per
// command), every file read is recorded, and an output that is one of them
// (same device and inode) is refused: an output never replaces an input.
// The path "-" is standard output: the text is held until commit() and
// written there whole, so an error or an interrupt writes nothing.
// Every error is an InputError naming the path and the flag that gave it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipistorm::io {

constexpr std::int64_t kMaxInputBytes = std::int64_t{64} << 20;

// The whole text of an input file; `what` names it ("config file").
std::string read_input_file(const std::string& path, const std::string& what);

// The path that names standard output for every output flag.
inline bool is_stdout(const std::string& path) { return path == "-"; }

// Records the inputs of one command (read_input_file, note_input) while it
// lives; outputs are refused when they name one. One at a time per process.
class InputLedger {
 public:
  InputLedger();
  ~InputLedger();
  InputLedger(const InputLedger&) = delete;
  InputLedger& operator=(const InputLedger&) = delete;
};
// A file the command will read later (a topology XML named by a spec): an
// output may not name it either. Paths that are not existing files are ignored.
void note_input(const std::string& path, const std::string& what);

// Refuse an output path before spending time on a run: it must be a regular
// file the user may write, or not exist, in a directory where a file can be
// created, and none of the inputs read or noted so far. An empty path (the
// flag not given) and "-" pass. `what` names the flag ("--json").
void check_writable(const std::string& path, const std::string& what = "--json");
// check_writable for each (path, flag), and no two of them the same file
// (at most one "-").
void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

// The atomic writer: text goes to a temporary file beside `path`, and
// commit() renames it over the target. Destroyed without commit() (an error,
// an interrupted sweep), it removes the temporary: no partial file is left.
// For outputs written while they are computed (a streamed sweep).
class AtomicFile {
 public:
  AtomicFile(const std::string& path, const std::string& what);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  void write(std::string_view text);
  void commit();
  // The temporary's path, for a writer that opens it by name (Google
  // Benchmark's --benchmark_out); empty for standard output.
  const std::string& temp_path() const { return tmp_; }

 private:
  [[noreturn]] void fail(int err);
  void drop_temp();  // remove the temporary, if any
  std::string path_, what_, tmp_;
  int fd_ = -1;
  int slot_ = -1;  // in the table a fatal signal's handler empties
  bool to_stdout_ = false;
  std::string held_;  // the text for standard output, written at commit()
};

// Write atomically (AtomicFile); a failure leaves neither a partial file nor a temporary.
void write_file_atomic(const std::string& path, const std::string& content,
                       const std::string& what);

// For a command-line program: SIGHUP, SIGINT, SIGTERM, SIGXCPU and SIGPIPE
// remove every live AtomicFile temporary, then end the process as the
// signal would; SIGXFSZ is ignored, so that a write over `ulimit -f` fails
// (EFBIG) and is reported like any failed write. (Not for the Python module:
// Python owns its signals.)
void remove_temporaries_on_fatal_signals();

// Flush standard output; false if any write to it failed (`> /dev/full`).
bool flush_stdout();

}  // namespace ipistorm::io
