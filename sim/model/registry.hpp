// registry.hpp: how the model keeps its named choices (kernel eras,
// hypercall-buffer strategies, placements). An entry registers itself from
// the file that defines it, with a static Registration object; the registry
// lists entries by their `order` (then name), whatever order the linker ran
// the files' initialisers in, and finds one by name, suggesting the nearest
// name on a miss. Adding a kernel era or a strategy is one new file (and
// its line in sim/CMakeLists.txt); no list elsewhere names it.
//
// The files that register themselves are compiled into an OBJECT library
// (sim/CMakeLists.txt), so every program links all of them: a static
// archive would let the linker drop a file nothing refers to by name.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "did_you_mean.hpp"
#include "errors.hpp"

namespace ipistorm::model {

// Entry needs `const char* name` and `int order`.
template <class Entry>
class Registry {
 public:
  explicit Registry(const char* what) : what_(what) {}

  void add(Entry e) {
    for (const Entry& x : entries_)
      if (std::string(x.name) == e.name)
        throw std::logic_error(std::string(what_) + " '" + e.name + "' registered twice");
    const auto at = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& x) {
      return x.order > e.order || (x.order == e.order && std::string(x.name) > e.name);
    });
    entries_.insert(at, std::move(e));
  }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.emplace_back(e.name);
    return out;
  }
  // Throws InputError naming the accepted names (and the nearest one).
  const Entry& find(const std::string& name) const {
    for (const Entry& e : entries_)
      if (name == e.name) return e;
    throw InputError(unknown_name_message(what_, name, names()));
  }

 private:
  const char* what_;
  std::vector<Entry> entries_;
};

}  // namespace ipistorm::model
