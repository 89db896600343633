// test_report.cpp: the reporters (report/rows.hpp): one Rows, written as
// CSV, JSON and a table, whole or streamed; and a command's outputs are
// what the reporters write of its rows (so a new format reaches them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/sweep_command.hpp"
#include "report/rows.hpp"
#include "report/table.hpp"
#include "study/sweep.hpp"
#include "study/sweep_output.hpp"

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

// An empty last cell (a CPU no vCPU runs on, in `ipistorm topology`) leaves
// neither the gap before it nor padding: no line of a table ends in a space.
TEST(Report, ALineEndsAtItsLastCharacter) {
  Rows r;
  r.columns = {"CPU", "tag"};
  r.add({std::int64_t{0}, std::string("dom0")});
  r.add({std::int64_t{1}, std::string("")});
  const std::string t = to_table(r);
  EXPECT_NE(t.find("\n1\n"), std::string::npos) << t;
  std::istringstream lines(t);
  for (std::string l; std::getline(lines, l);) EXPECT_NE(l.back(), ' ') << '[' << l << ']';
}

TEST(Report, MarkdownIsOneLinePerRowAfterTheRule) {
  EXPECT_EQ(to_markdown(sample()),
            "| kernel | seed | boot_time_s | safe |\n"
            "|---|---|---|---|\n"
            "| linux-3.12 | 18446744073709551615 | 41.5 | yes |\n"
            "| a,\"b\" | 2 | 0.1 | no |\n");
}

TEST(Report, AClippedColumnIsCutBeforeLaterColumnsAreLeftOut) {
  Rows r;
  r.columns = {"name", "value", "source", "unit"};
  r.add({std::string("a"), 1.0, std::string(150, 's'), std::string("us")});
  set_table_width(60);
  const std::string clipped = to_table(r, 2), whole = to_table(r);
  set_table_width(kTableWidth);
  // Clipped: the source is cut to the width, ending in "..."; the unit after it is left out.
  EXPECT_NE(clipped.find(std::string(44, 's') + "...\n"), std::string::npos) << clipped;
  EXPECT_NE(clipped.find("left out to fit 60 characters: unit;"), std::string::npos) << clipped;
  // Not clipped: the source is too wide, and left out with the unit.
  EXPECT_EQ(whole.find("sss"), std::string::npos) << whole;
  EXPECT_NE(whole.find("left out to fit 60 characters: source, unit;"), std::string::npos) << whole;
}

TEST(Report, RowOfTheWrongLengthIsRefused) {
  Rows r;
  r.columns = {"a", "b"};
  EXPECT_THROW(r.add({1.0}), std::logic_error);
}

TEST(Report, ATextRowIsPaddedAndNeverTooLong) {
  Rows r;
  r.columns = {"a", "b", "c"};
  r.add_text({"x", "1"});
  r.add_text({"..."});
  EXPECT_EQ(to_csv(r), "a,b,c\nx,1,\n...,,\n");
  EXPECT_THROW(r.add_text({"1", "2", "3", "4"}), std::logic_error);
}

TEST(Report, ADocumentIsItsIndentedDumpAndANewline) {
  EXPECT_EQ(to_text({{"a", 1}, {"b", {1.5, "x"}}}),
            "{\n  \"a\": 1,\n  \"b\": [\n    1.5,\n    \"x\"\n  ]\n}\n");
}

TEST(Report, JsonArrayTextIsTheDocumentsDump) {
  for (int n : {0, 1, 3}) {
    SCOPED_TRACE(n);
    nlohmann::json head = {{"a", 1}, {"z", nlohmann::json::array()}}, whole = head;
    nlohmann::json top = nlohmann::json::array();
    JsonArrayText keyed(head, "z"), bare(nlohmann::json::array());
    std::string k = keyed.begin(), b = bare.begin();
    for (int i = 0; i < n; ++i) {
      const nlohmann::json e = {{"i", i}, {"v", {1.5, "x"}}};
      whole["z"].push_back(e);
      top.push_back(e);
      k += keyed.element(e);
      b += bare.element(e);
    }
    EXPECT_EQ(k + keyed.end(), whole.dump(2) + "\n");
    EXPECT_EQ(b + bare.end(), top.dump(2) + "\n");
  }
  // The streamed array must be the last key, and empty.
  EXPECT_THROW(JsonArrayText({{"a", nlohmann::json::array()}, {"b", 1}}, "a"), std::logic_error);
  EXPECT_THROW(JsonArrayText({{"a", {1}}}, "a"), std::logic_error);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TempDir {
  char path[32] = "/tmp/ipistorm_report_XXXXXX";
  TempDir() {
    if (!mkdtemp(path)) throw std::runtime_error("mkdtemp");
  }
  ~TempDir() { rmdir(path); }
  std::string file(const std::string& name) const { return std::string(path) + "/" + name; }
};

TEST(Report, StreamsWriteWhatTheWholeWritersWrite) {
  TempDir dir;
  const Rows all = sample();
  for (Format f : {Format::kCsv, Format::kJson, Format::kTable, Format::kMarkdown}) {
    const std::string whole = dir.file("whole"), streamed = dir.file("streamed");
    write(all, f, whole, "--out");
    {
      RowStream s(all.columns, f, streamed, "--out");
      for (const auto& row : all.rows) {
        Rows one;
        one.columns = all.columns;
        one.add(row);
        s.add(one);
      }
      // Not renamed into place before commit().
      EXPECT_NE(access(streamed.c_str(), F_OK), 0);
      s.commit();
    }
    EXPECT_EQ(read_file(streamed), read_file(whole));
    std::remove(whole.c_str());
    std::remove(streamed.c_str());
  }
  {
    RowStream s(all.columns, Format::kCsv, dir.file("dropped"), "--csv");
    s.add(all);
    Rows other;
    other.columns = {"x"};
    EXPECT_THROW(s.add(other), std::logic_error);
  }  // dropped without commit(): no file, no temporary
  EXPECT_NE(access(dir.file("dropped").c_str(), F_OK), 0);
  const nlohmann::json doc = {{"head", "h"}, {"runs", {1, 2}}};
  write(doc, dir.file("doc"));
  EXPECT_EQ(read_file(dir.file("doc")), doc.dump(2) + "\n");
  {
    DocumentStream s({{"head", "h"}, {"runs", nlohmann::json::array()}}, "runs", dir.file("ds"),
                     "--json");
    s.add(1);
    s.add(2);
    s.commit();
  }
  EXPECT_EQ(read_file(dir.file("ds")), doc.dump(2) + "\n");
  std::remove(dir.file("doc").c_str());
  std::remove(dir.file("ds").c_str());
}

// A command's files are the reporters' text of its rows and document:
// `sweep --csv --json`, streamed, is to_csv(sweep_rows) and the document's
// dump, so a change to a reporter (a new format) reaches the command.
TEST(Report, SweepsFilesAreTheReportersTextOfItsRows) {
  TempDir dir;
  cli::SweepOptions o;
  o.topologies = {"nehalem-ep"};
  o.kernels = {"linux-2.6.18-xen"};
  o.vcpus = {"1,2"};
  o.seeds = {"1,2"};
  o.jobs = 2;
  o.csv_file = dir.file("s.csv");
  o.json_file = dir.file("s.json");
  testing::internal::CaptureStdout();
  cli::run_sweep_command(o);
  testing::internal::GetCapturedStdout();
  const study::Grid g = cli::sweep_grid(o);
  const auto results = study::run_sweep(study::expand(g), 1);
  EXPECT_EQ(read_file(o.csv_file), to_csv(study::sweep_rows(g, results)));
  EXPECT_EQ(read_file(o.json_file), study::sweep_json(g, results).dump(2) + "\n");
  EXPECT_EQ(nlohmann::json::parse(read_file(o.json_file))["runs"].size(), 4u);
  std::remove(o.csv_file.c_str());
  std::remove(o.json_file.c_str());
}

}  // namespace
}  // namespace ipistorm::report
