// test_params.cpp: the parameter table's rows (type, range, Costs field) and
// ParamValues::set as the one boundary for every parameter value.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "errors.hpp"
#include "io/number.hpp"
#include "model/costs.hpp"
#include "model/params.hpp"

namespace ipistorm::model {
namespace {

TEST(Params, EveryDefaultIsInsideItsRowAndTyped) {
  std::set<std::string> fields;
  for (const auto& s : param_specs()) {
    EXPECT_LE(s.min, s.value) << s.name;
    EXPECT_LE(s.value, s.max) << s.name;
    EXPECT_LT(s.max, 9007199254740992.0) << s.name << ": an integer row must fit a double exactly";
    if (s.integer()) {
      EXPECT_EQ(s.value, std::floor(s.value)) << s.name;
    }
    EXPECT_TRUE(*s.field) << s.name;
    EXPECT_TRUE(fields.insert(s.field).second) << s.name << " sets a field another row sets";
    EXPECT_EQ(s.apply == nullptr, std::string(s.group) == "workload") << s.name;
  }
}

TEST(Params, SetRefusesValuesOutsideTheRowNamingValueAndRange) {
  ParamValues p;
  for (const auto& s : param_specs()) {
    EXPECT_THROW(p.set(s.name, s.max * 2 + 1), InputError) << s.name;
    EXPECT_THROW(p.set(s.name, -1), InputError) << s.name;
    EXPECT_THROW(p.set(s.name, NAN), InputError) << s.name;
    EXPECT_NO_THROW(p.set(s.name, s.min)) << s.name;
    EXPECT_NO_THROW(p.set(s.name, s.max)) << s.name;
  }
  try {
    p.set("pagevec_size", 0);
    FAIL() << "pagevec_size=0 accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("pagevec_size=0"), std::string::npos) << m;
    EXPECT_NE(m.find("[1, 4096]"), std::string::npos) << m;
  }
  EXPECT_THROW(p.set("pagevec_size", 14.5), InputError);
}

TEST(Params, AHugeUnknownNameIsRefusedWithoutADistanceTable) {
  // The "did you mean" table was name length x known length: a 64 MiB key
  // in a config file needed about 20 GB (found by fuzz/config_json). A name
  // far longer than every parameter's cannot be close to one.
  model::ParamValues p;
  const std::string huge(std::size_t{1} << 20, 'y');
  try {
    p.set(huge, 1);
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("unknown parameter 'yyy", 0), 0u) << m.substr(0, 80);
    EXPECT_EQ(m.find("did you mean"), std::string::npos);
  }
  // Close names still get their hint.
  try {
    p.set("evtchn_sendus", 1);
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'evtchn_send_us'"), std::string::npos);
  }
}

TEST(Params, IntegerRowsTakeOnlyIntegerText) {
  ParamValues p;
  p.set_from_string("boot_probe_polls", "2000");
  EXPECT_EQ(p.get_count("boot_probe_polls"), 2000);
  for (const char* bad :
       {"1e20", "1e5", "2000.0", "0x10", " 5", "5 ", "", "-1", "99999999999999999999"})
    EXPECT_THROW(p.set_from_string("boot_probe_polls", bad), InputError) << bad;
  EXPECT_THROW(p.set_from_string("max_cstate", "1000000000000"), InputError);
  EXPECT_THROW(p.set_from_string("dm_process_bytes", "1e300"), InputError);
  p.set_from_string("ipi_same_core_us", "1e-3");
  EXPECT_DOUBLE_EQ(p.get("ipi_same_core_us"), 1e-3);
  for (const char* bad : {"nan", "inf", "1e400", "0x1p3", "1,5", "abc"})
    EXPECT_THROW(p.set_from_string("ipi_same_core_us", bad), InputError) << bad;
}

TEST(Params, CostsAreTheRowsWithoutClamps) {
  ParamValues p;
  p.set("max_cstate", 0);
  p.set("pagevec_size", 1);
  p.set("dm_process_bytes", 1099511627776.0);
  p.set("ipi_same_core_us", 2.5);
  const Costs c(p);
  EXPECT_EQ(c.max_cstate, 0);
  EXPECT_EQ(c.pagevec_size, 1);
  EXPECT_EQ(c.dm_process_bytes, 1099511627776LL);
  EXPECT_EQ(c.ipi[1], 2500);
  EXPECT_EQ(c.ipi[0], 0);
}

// An mlock or munlock range: the first page carries the VMA work, each
// further page its own cost (calibrate fits the two apart).
TEST(Params, ALockedRangeCostsItsFirstPageThenEachFurtherOne) {
  ParamValues p;
  p.set("mlock_page_us", 1.2);
  p.set("mlock_next_page_us", 0.1);
  p.set("munlock_page_us", 0.9);
  p.set("munlock_next_page_us", 0.08);
  const Costs c(p);
  EXPECT_EQ(c.mlock_pages(0), 0);
  EXPECT_EQ(c.mlock_pages(1), 1200);
  EXPECT_EQ(c.mlock_pages(16), 1200 + 15 * 100);
  EXPECT_EQ(c.munlock_pages(1), 900);
  EXPECT_EQ(c.munlock_pages(16), 900 + 15 * 80);
}

TEST(Number, ParsesWholeTextOnly) {
  EXPECT_EQ(io::parse_int("+7"), 7);
  EXPECT_EQ(io::parse_int("-7"), -7);
  EXPECT_FALSE(io::parse_int("+-7"));
  EXPECT_FALSE(io::parse_int("9223372036854775808"));
  EXPECT_FALSE(io::parse_int("7 "));
  EXPECT_EQ(io::parse_real("1e-3"), 1e-3);
  EXPECT_FALSE(io::parse_real("1e400"));
  EXPECT_FALSE(io::parse_real("infinity"));
  EXPECT_EQ(io::format_number(4294967297.0), "4294967297");
  EXPECT_EQ(io::format_number(1e300), "1e300");
  EXPECT_EQ(io::format_number(0.1), "0.1");
  EXPECT_EQ(io::format_number(1e-5), "1e-5");
}

}  // namespace
}  // namespace ipistorm::model
