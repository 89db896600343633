// py_json.cpp: Python <-> nlohmann::json (see py_json.hpp).
// Covered by tests/test_module.py (conversion errors) and every test that
// passes a config, a grid or reads metrics.
#include "py_json.hpp"

#include <Python.h>

#include <cstdint>
#include <limits>

namespace ipistorm::py {

using nlohmann::json;

namespace {

std::string type_name(pyb::handle h) { return pyb::str(pyb::type::handle_of(h).attr("__name__")); }

json int_to_json(pyb::handle h, const std::string& where) {
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
  if (overflow == 0) {
    if (v == -1 && PyErr_Occurred()) throw pyb::error_already_set();
    // Non-negative: unsigned, like nlohmann's parser.
    if (v >= 0) return json(static_cast<std::uint64_t>(v));
    return json(static_cast<std::int64_t>(v));
  }
  if (overflow > 0) {
    const unsigned long long u = PyLong_AsUnsignedLongLong(h.ptr());
    if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred()))
      return json(static_cast<std::uint64_t>(u));
    PyErr_Clear();
  }
  throw pyb::value_error(where + ": integer " + std::string(pyb::str(h)) +
                         " does not fit in 64 bits");
}

// Deeper than any config or grid; a self-containing list stops here instead
// of overflowing the C stack.
constexpr int kMaxDepth = 32;

json convert(pyb::handle h, const std::string& where, int depth);

}  // namespace

json to_json(pyb::handle h, const std::string& where) { return convert(h, where, 0); }

namespace {

json convert(pyb::handle h, const std::string& where, int depth) {
  if (depth > kMaxDepth)
    throw pyb::value_error(where + ": nested more than " + std::to_string(kMaxDepth) +
                           " levels deep");
  if (h.is_none()) return nullptr;
  if (PyBool_Check(h.ptr())) return h.ptr() == Py_True;
  if (PyLong_Check(h.ptr())) return int_to_json(h, where);
  if (PyFloat_Check(h.ptr())) return PyFloat_AsDouble(h.ptr());
  if (PyUnicode_Check(h.ptr())) return h.cast<std::string>();
  if (PyBytes_Check(h.ptr()) || PyByteArray_Check(h.ptr()))
    throw pyb::type_error(where + ": expected str, got " + type_name(h));
  // numpy scalars and 0-d arrays: take the Python value they hold.
  if (pyb::hasattr(h, "ndim") && pyb::hasattr(h, "item") &&
      pyb::getattr(h, "ndim").equal(pyb::int_(0)))
    return convert(pyb::reinterpret_borrow<pyb::object>(h).attr("item")(), where, depth + 1);
  // Sequences first: a numpy array or pandas Series (which also has items())
  // is a list of its values.
  if (PyList_Check(h.ptr()) || PyTuple_Check(h.ptr()) || pyb::hasattr(h, "__array__") ||
      PyObject_TypeCheck(h.ptr(), &PyRange_Type)) {
    json out = json::array();
    std::size_t i = 0;
    for (auto e : pyb::reinterpret_borrow<pyb::iterable>(h))
      out.push_back(convert(e, where + "[" + std::to_string(i++) + "]", depth + 1));
    return out;
  }
  if (PyMapping_Check(h.ptr()) && pyb::hasattr(h, "items")) {
    json out = json::object();
    for (auto item : pyb::reinterpret_borrow<pyb::object>(h).attr("items")()) {
      auto kv = item.cast<pyb::tuple>();
      if (!PyUnicode_Check(kv[0].ptr()))
        throw pyb::type_error(where + ": keys must be str, got " + type_name(kv[0]));
      const std::string key = kv[0].cast<std::string>();
      out[key] = convert(kv[1], where + "." + key, depth + 1);
    }
    return out;
  }
  // Other integer-like objects implement __index__.
  if (PyIndex_Check(h.ptr())) {
    pyb::object i = pyb::reinterpret_steal<pyb::object>(PyNumber_Index(h.ptr()));
    if (!i) throw pyb::error_already_set();
    return int_to_json(i, where);
  }
  if (pyb::hasattr(h, "__float__") && !PyComplex_Check(h.ptr())) {
    const double d = PyFloat_AsDouble(h.ptr());
    if (d == -1.0 && PyErr_Occurred()) throw pyb::error_already_set();
    return d;
  }
  throw pyb::type_error(where + ": cannot use a " + type_name(h) +
                        " here (expected str, int, float, bool, list or dict)");
}

}  // namespace

pyb::object from_json(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return pyb::none();
    case json::value_t::boolean:
      return pyb::bool_(j.get<bool>());
    case json::value_t::number_unsigned:
      return pyb::int_(j.get<std::uint64_t>());
    case json::value_t::number_integer:
      return pyb::int_(j.get<std::int64_t>());
    case json::value_t::number_float:
      return pyb::float_(j.get<double>());
    case json::value_t::string:
      return pyb::str(j.get_ref<const std::string&>());
    case json::value_t::array: {
      pyb::list l;
      for (const auto& e : j) l.append(from_json(e));
      return std::move(l);
    }
    case json::value_t::object: {
      pyb::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[pyb::str(it.key())] = from_json(it.value());
      return std::move(d);
    }
    default:
      throw pyb::type_error("cannot convert this JSON value to Python");
  }
}

}  // namespace ipistorm::py
