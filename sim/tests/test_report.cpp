// test_report.cpp: the reporters (report/rows.hpp): one Rows, written as
// CSV, JSON and a table.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "report/rows.hpp"
#include "report/table.hpp"

namespace ipistorm::report {
namespace {

Rows sample() {
  Rows r;
  r.columns = {"kernel", "seed", "boot_time_s", "safe"};
  r.add({std::string("linux-3.12"), std::uint64_t{18446744073709551615u}, 41.5, true});
  r.add({std::string("a,\"b\""), std::uint64_t{2}, 0.1, false});
  return r;
}

TEST(Report, CsvQuotesAndKeepsFullPrecision) {
  EXPECT_EQ(to_csv(sample()),
            "kernel,seed,boot_time_s,safe\n"
            "linux-3.12,18446744073709551615,41.5,true\n"
            "\"a,\"\"b\"\"\",2,0.1,false\n");
}

TEST(Report, JsonIsOneObjectPerRow) {
  const nlohmann::json j = to_json(sample());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["seed"].get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(j[0]["boot_time_s"].get<double>(), 41.5);
  EXPECT_EQ(j[1]["kernel"], "a,\"b\"");
  EXPECT_EQ(j[1]["safe"], false);
}

TEST(Report, TableAlignsAndSaysYesNo) {
  const std::string t = to_table(sample());
  EXPECT_NE(t.find("kernel      seed"), std::string::npos) << t;
  EXPECT_NE(t.find("41.5  yes\n"), std::string::npos) << t;
  EXPECT_NE(t.find("0.1  no\n"), std::string::npos) << t;  // text left-aligned
}

TEST(Report, RowOfTheWrongLengthIsRefused) {
  Rows r;
  r.columns = {"a", "b"};
  EXPECT_THROW(r.add({1.0}), std::logic_error);
}

}  // namespace
}  // namespace ipistorm::report
