// files.cpp: checked input files and the one atomic writer (see files.hpp).
#include "io/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>

#include "errors.hpp"

namespace ipistorm::io {

namespace {

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dev_ino(const struct stat& st) {
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

// The inputs of the command in flight (InputLedger): device:inode and how
// to name each in a refusal. Sweeps read topologies on several threads.
struct Ledger {
  std::mutex mu;
  bool active = false;
  std::vector<std::pair<std::string, std::string>> inputs;  // dev:ino, "the config file 'x'"
};
Ledger& ledger() {
  static Ledger l;
  return l;
}

void record_input(const struct stat& st, const std::string& path, const std::string& what) {
  Ledger& l = ledger();
  std::lock_guard<std::mutex> lock(l.mu);
  if (!l.active) return;
  const std::string id = dev_ino(st);
  for (const auto& in : l.inputs)
    if (in.first == id) return;  // read again (each run of a sweep loads its topology)
  l.inputs.emplace_back(id, "the " + what + " '" + path + "'");
}

// An output may not be a file the command reads (followed through links).
void check_not_input(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  Ledger& l = ledger();
  std::lock_guard<std::mutex> lock(l.mu);
  for (const auto& [id, name] : l.inputs)
    if (id == dev_ino(st))
      throw InputError(what + " '" + path + "' is " + name +
                       " this command reads; give the output its own path");
}

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// The output must be a regular file the user may write, or absent; never a
// symbolic link (the rename would replace the link, not its target) and
// never one of the command's inputs.
void check_target_kind(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      throw InputError(what + " '" + path +
                       "' is a symbolic link; name the file itself or a new path");
    if (!S_ISREG(st.st_mode))
      throw InputError(what + " '" + path + "' is " + kind_of(st.st_mode) +
                       "; an output must be a regular file or a new path");
    if (::access(path.c_str(), W_OK) != 0)
      throw InputError(what + " '" + path + "' is not writable for you (mode " +
                       octal_mode(st.st_mode) + "); it is not replaced");
    check_not_input(path, what);
  } else if (errno != ENOENT) {
    throw InputError("cannot write " + what + " file '" + path + "': " + std::strerror(errno));
  }
}

// A temporary file beside `path`, created exclusively; returns its fd.
int make_temp(const std::string& path, std::string& tmp) {
  tmp = path + ".tmp.XXXXXX";
  std::vector<char> buf(tmp.begin(), tmp.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  tmp.assign(buf.data());
  return fd;
}

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// An identity for "the same file": device and inode when it exists, else the
// resolved directory plus the name.
std::string identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return "ino:" + dev_ino(st);
  char resolved[PATH_MAX];
  const std::string dir = parent_dir(path);
  if (::realpath(dir.c_str(), resolved))
    return std::string("path:") + resolved + "/" + base_name(path);
  return "path:" + path;
}

// The temporaries alive now, for a fatal signal's handler to remove: a
// fixed table it may read without locks or allocation (async-signal-safe).
// state: 0 free, 1 being filled, 2 holds a path to unlink.
constexpr int kMaxLiveTemps = 32;
struct LiveTemp {
  std::atomic<int> state{0};
  char path[PATH_MAX];
};
LiveTemp g_live_temps[kMaxLiveTemps];

int track_temp(const std::string& tmp) {
  if (tmp.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kMaxLiveTemps; ++i) {
    int free = 0;
    if (g_live_temps[i].state.compare_exchange_strong(free, 1)) {
      std::memcpy(g_live_temps[i].path, tmp.c_str(), tmp.size() + 1);
      g_live_temps[i].state.store(2);
      return i;
    }
  }
  return -1;  // more at once than the table holds: only the handler misses it
}

void untrack_temp(int slot) {
  if (slot >= 0) g_live_temps[slot].state.store(0);
}

void remove_temps_and_die(int sig) {
  for (auto& t : g_live_temps)
    if (t.state.load() == 2) ::unlink(t.path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

InputLedger::InputLedger() {
  Ledger& l = ledger();
  std::lock_guard<std::mutex> lock(l.mu);
  l.active = true;
  l.inputs.clear();
}

InputLedger::~InputLedger() {
  Ledger& l = ledger();
  std::lock_guard<std::mutex> lock(l.mu);
  l.active = false;
  l.inputs.clear();
}

void note_input(const std::string& path, const std::string& what) {
  struct stat st {};
  if (!path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    record_input(st, path, what);
}

std::string read_input_file(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(what + " path is empty");
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw InputError("cannot read " + what + " '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const mode_t m = st.st_mode;
    ::close(fd);
    throw InputError(what + " '" + path + "' is " + kind_of(m) +
                     "; an input must be a regular file");
  }
  if (st.st_size > kMaxInputBytes) {
    ::close(fd);
    throw InputError(what + " '" + path + "' is larger than 64 MiB");
  }
  record_input(st, path, what);
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw InputError("cannot read " + what + " '" + path + "': " + std::strerror(e));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (static_cast<std::int64_t>(text.size()) > kMaxInputBytes) {  // grew while read
      ::close(fd);
      throw InputError(what + " '" + path + "' is larger than 64 MiB");
    }
  }
  ::close(fd);
  return text;
}

void check_writable(const std::string& path, const std::string& what) {
  if (path.empty() || is_stdout(path)) return;
  check_target_kind(path, what);
  std::string tmp;
  const int fd = make_temp(path, tmp);
  if (fd < 0)
    throw InputError("cannot write " + what + " file '" + path + "': " + std::strerror(errno));
  ::close(fd);
  ::unlink(tmp.c_str());
}

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::vector<std::pair<std::string, std::string>> seen;  // identity, flag
  const std::string* on_stdout = nullptr;
  for (const auto& [path, what] : outputs) {
    if (path.empty()) continue;
    if (is_stdout(path)) {
      if (on_stdout)
        throw InputError(what + " and " + *on_stdout +
                         " both name standard output ('-'); give one of them a file");
      on_stdout = &what;
      continue;
    }
    check_writable(path, what);
    const std::string id = identity(path);
    for (const auto& [other, other_what] : seen)
      if (other == id)
        throw InputError(what + " and " + other_what + " name the same file '" + path +
                         "'; give each output its own path");
    seen.emplace_back(id, what);
  }
}

void remove_temporaries_on_fatal_signals() {
  struct sigaction sa {};
  sa.sa_handler = remove_temps_and_die;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGXCPU, SIGPIPE}) ::sigaction(sig, &sa, nullptr);
  // Over `ulimit -f` a write fails with EFBIG instead: one line, exit 2.
  ::signal(SIGXFSZ, SIG_IGN);
}

AtomicFile::AtomicFile(const std::string& path, const std::string& what)
    : path_(path), what_(what), to_stdout_(is_stdout(path)) {
  if (to_stdout_) return;
  check_target_kind(path, what);
  fd_ = make_temp(path, tmp_);
  if (fd_ < 0)
    throw InputError("cannot write " + what + " file '" + path + "': " + std::strerror(errno));
  slot_ = track_temp(tmp_);
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0) {
    // Replacing: the file keeps its mode, and its owner where we may set it (root).
    ::fchmod(fd_, old.st_mode & 07777);
    if (::geteuid() == 0 && ::fchown(fd_, old.st_uid, old.st_gid) != 0) {
      // Best effort: the mode is kept either way.
    }
    return;
  }
  static const mode_t umask_now = [] {  // read once: umask() can only be read by setting it
    const mode_t m = ::umask(022);
    ::umask(m);
    return m;
  }();
  ::fchmod(fd_, 0666 & ~umask_now);  // as a plain open() would create it, not mkstemp's 0600
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  drop_temp();
}

void AtomicFile::drop_temp() {
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  tmp_.clear();
  untrack_temp(slot_);
  slot_ = -1;
}

void AtomicFile::fail(int err) {
  if (to_stdout_)
    throw InputError("cannot write " + what_ + " to standard output: " + std::strerror(err));
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  drop_temp();
  throw InputError("cannot write " + what_ + " file '" + path_ + "': " + std::strerror(err));
}

void AtomicFile::write(std::string_view text) {
  if (to_stdout_)
    held_.append(text);
  else if (!write_all(fd_, text.data(), text.size()))
    fail(errno);
}

void AtomicFile::commit() {
  if (to_stdout_) {
    std::cout.flush();  // what was printed before comes first
    std::fflush(stdout);
    if (!write_all(STDOUT_FILENO, held_.data(), held_.size())) fail(errno);
    held_.clear();
    return;
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail(errno);
  // Again just before the rename: the target may have changed during the run.
  try {
    check_target_kind(path_, what_);
  } catch (...) {
    drop_temp();
    throw;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail(errno);
  tmp_.clear();  // renamed: nothing left to remove
  untrack_temp(slot_);
  slot_ = -1;
}

void write_file_atomic(const std::string& path, const std::string& content,
                       const std::string& what) {
  AtomicFile f(path, what);
  f.write(content);
  f.commit();
}

bool flush_stdout() {
  std::cout.flush();
  const bool cout_ok = static_cast<bool>(std::cout);
  return std::fflush(stdout) == 0 && !std::ferror(stdout) && cout_ok;
}

}  // namespace ipistorm::io
