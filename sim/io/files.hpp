// files.hpp: every file the tool reads or writes goes through here.
//
// Inputs are read only when they are regular files of at most 64 MiB: a FIFO,
// a device (/dev/zero), a directory or a larger file is refused before it is
// read, so no input can hang the tool or exhaust its memory.
//
// Outputs are written atomically (a temporary file beside the target, then
// rename), and only over a regular file or a path that does not exist: a
// device node, a directory or a FIFO is refused, first up front (before any
// work) and again just before the rename. Every error is an InputError
// naming the path and the flag that gave it.
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

// Refuse an output path before spending time on a run: it must be a regular
// file or not exist, in a directory where a file can be created. An empty
// path (the flag not given) passes. `what` names the flag ("--json").
void check_writable(const std::string& path, const std::string& what = "--json");
// check_writable for each (path, flag), and no two of them the same file.
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

 private:
  [[noreturn]] void fail(int err);
  std::string path_, what_, tmp_;
  int fd_ = -1;
};

// Write atomically (AtomicFile); a failure leaves neither a partial file nor a temporary.
void write_file_atomic(const std::string& path, const std::string& content,
                       const std::string& what);

// Flush standard output; false if any write to it failed (`> /dev/full`).
bool flush_stdout();

}  // namespace ipistorm::io
