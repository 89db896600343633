// topology_xml.cpp: an hwloc XML topology file (`--topology FILE.xml`):
// the input is written to a temporary file whose path goes through
// topo::Topology::load, as the CLI does.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "harness.hpp"
#include "topology_check.hpp"

using namespace ipistorm;

namespace {

// One file per process, removed at exit.
struct TempFile {
  std::string path;
  TempFile() {
    char name[] = "/tmp/ipistorm-fuzz-XXXXXX.xml";
    const int fd = ::mkstemps(name, 4);
    if (fd < 0) fuzz::fail("cannot create a temporary file");
    ::close(fd);
    path = name;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static TempFile file;
  {
    std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) fuzz::fail("cannot write the temporary file");
  }
  return fuzz::run_one([&] { fuzz::check_topology(topo::Topology::load(file.path)); });
}
