// test_io.cpp: the CSV writer (RFC 4180) against a strict reader, and the
// docs/cli.md's list of input bounds against the constants of the code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/sweep_command.hpp"
#include "engine/stats.hpp"
#include "errors.hpp"
#include "io/csv.hpp"
#include "io/files.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "model/costs.hpp"
#include "model/scenario.hpp"
#include "run/traced_run.hpp"
#include "run/world.hpp"
#include "study/sampling.hpp"
#include "study/sweep.hpp"
#include "topology/prescan.hpp"
#include "topology/topology.hpp"
#include "toy.hpp"

namespace {

using ipistorm::io::csv_field;
using ipistorm::io::csv_line;
using ipistorm::io::csv_number;

// A strict RFC 4180 reader: rows of fields; a quoted field may hold commas,
// doubled quotes and line breaks. Fails the test on a malformed quote.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "quote inside an unquoted field";
      quoted = was_quoted = true;
    } else if (c == ',' || c == '\n') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      if (c == '\n') rows.emplace_back();
    } else {
      EXPECT_FALSE(was_quoted) << "text after a closing quote";
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(Csv, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csv_field("linux-3.12"), "linux-3.12");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_number(0.1), "0.1");
  EXPECT_EQ(csv_number(4294967297.0), "4294967297");
  EXPECT_EQ(std::stod(csv_number(1.0 / 3.0)), 1.0 / 3.0);  // reads back exactly
}

TEST(Csv, AwkwardFieldsSurviveARoundTrip) {
  const std::vector<std::vector<std::string>> rows = {
      {"run", "topology", "metric", "value"},
      {"0", "pack:2 [numa] core:4 pu:2(indexes=0,8,1,9,2,10,3,11,4,12,5,13,6,14,7,15)",
       "boot_time_s", csv_number(41.73)},
      {"1", "/tmp/box \"quoted\",\nnew line.xml", "a,b", ""},
      {"2", "\"", ",", "\n"},
  };
  std::string text;
  for (const auto& r : rows) text += csv_line(r);
  EXPECT_EQ(read_csv(text), rows);
}

TEST(Csv, ASweepOnATopologyWithCommasKeepsItsColumns) {
  // An unquoted synthetic topology with indexes= split every row of the
  // sweep CSV into more columns than its header.
  namespace model = ipistorm::model;
  namespace run = ipistorm::run;
  namespace study = ipistorm::study;
  model::Config c = model::testing::short_boot(0.01, 20);
  c.topology = "pack:2 pu:1(indexes=0,1)";
  c.dom0_vcpus = 2;
  study::Grid g;
  g.base = c;
  const std::vector<model::Result> results = {run::run(c)};
  const auto rows = read_csv(study::sweep_csv(g, results));
  ASSERT_GT(rows.size(), 2u);
  for (const auto& r : rows) ASSERT_EQ(r.size(), rows[0].size());
  EXPECT_EQ(rows[0][1], "topology");
  EXPECT_EQ(rows[1][1], c.topology);
}

// The bad-input bounds of docs/cli.md, between its bounds markers.
std::string readme_bounds() {
  std::ifstream in(IPISTORM_CLI_DOC);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const auto a = text.find("<!-- bounds:begin -->");
  const auto b = text.find("<!-- bounds:end -->");
  EXPECT_NE(a, std::string::npos);
  EXPECT_NE(b, std::string::npos);
  text = text.substr(a, b - a);
  // One line: the list wraps anywhere.
  std::string flat;
  for (char c : text) {
    const char d = c == '\n' ? ' ' : c;
    if (!(d == ' ' && !flat.empty() && flat.back() == ' ')) flat += d;
  }
  return flat;
}

TEST(Readme, TheBadInputBoundsAreTheCodes) {
  namespace io = ipistorm::io;
  namespace model = ipistorm::model;
  const std::string r = readme_bounds();
  auto has = [&](const std::string& fragment) {
    EXPECT_NE(r.find(fragment), std::string::npos) << "docs/cli.md bounds lack: " << fragment;
  };
  const std::string cpus = std::to_string(ipistorm::topo::kMaxCpus);
  has("`--dom0-vcpus` in [1, " + cpus + "]");
  has("[0, 18446744073709551615]");
  has("or in " + io::format_range(model::kMinGhz, model::kMaxGhz));
  has("`window_s` in " + io::format_range(model::kMinWindowS, model::kMaxWindowS) + " s");
  has("`--uncertainty` in [2, " + std::to_string(ipistorm::study::kMaxSamples) + "]");
  has("more than 1,000,000 runs");
  EXPECT_EQ(ipistorm::cli::kMaxRunsWithoutYes, 1000000u);
  const double horizon_s = static_cast<double>(model::kMaxSimTime) / 1e9;
  has("beyond " + io::format_number(horizon_s) + " s");
  has("at least " + io::format_number(model::kMinOtherDrainPerS) + " per s");
  has("at most " + cpus + " PUs");
  has("at most " + std::to_string(ipistorm::topo::kMaxXmlDepth) + " elements deep with at most " +
      std::to_string(ipistorm::topo::kMaxXmlObjects) + " objects");
  has("at most " + std::to_string(io::kMaxInputBytes >> 20) + " MiB");
  has("JSON nested at most " + std::to_string(io::kMaxJsonDepth) + " levels");
  // Bounds the code holds as literals: checked by behaviour.
  has("`--trace-max-mb` in [1, 4096]");
  for (double mb : {0.99, 4096.01}) {
    ipistorm::run::TraceRequest req;
    req.max_mb = mb;
    EXPECT_THROW(ipistorm::run::check_trace_request(req), ipistorm::InputError) << mb;
  }
  for (double mb : {1.0, 4096.0}) {
    ipistorm::run::TraceRequest req;
    req.max_mb = mb;
    EXPECT_NO_THROW(ipistorm::run::check_trace_request(req)) << mb;
  }
}

}  // namespace

// A key given twice in one object is refused wherever the project reads
// JSON (config, grid, calibration, bench results, lab metadata: one parser),
// instead of nlohmann's silent "last one wins".
TEST(Json, ADuplicateKeyInOneObjectIsRefused) {
  using ipistorm::io::parse_json;
  auto error = [](const std::string& text) {
    try {
      parse_json(text, "config file 'c.json'");
    } catch (const ipistorm::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error(R"({"seed": 1, "seed": 2})").find("has the key \"seed\" twice"),
            std::string::npos);
  EXPECT_NE(error(R"({"params": {"evtchn_send_us": 1, "evtchn_send_us": 1}})").find("twice"),
            std::string::npos);
  EXPECT_NE(error(R"([{"a": [{"b": 1, "b": 1}]}])").find("\"b\""), std::string::npos);
  EXPECT_EQ(error("{\"a\\nb\": 1, \"a\\nb\": 2}").find('\n'), std::string::npos);  // one line
  // The same key in different objects is fine, at any depth.
  EXPECT_EQ(error(R"([{"a": 1}, {"a": 2}])"), "");
  EXPECT_EQ(error(R"({"a": {"a": {"a": 1}}, "b": {"a": 2}})"), "");
  EXPECT_EQ(error(R"({"x": [{"y": 1}, {"y": 2}], "y": 3})"), "");
}

TEST(InputErrorText, IsOnePrintableLineOfBoundedLength) {
  const ipistorm::InputError e("unknown key 'a\nb\r\t\x01'");
  EXPECT_STREQ(e.what(), "unknown key 'a\\nb\\r\\t\\x01'");
  const ipistorm::InputError big("unknown key '" + std::string(1u << 20, 'k') + "'");
  const std::string w = big.what();
  EXPECT_EQ(w.find('\n'), std::string::npos);
  EXPECT_LE(w.size(), 2003u);
  EXPECT_EQ(w.substr(w.size() - 3), "...");
  // UTF-8 passes through as it is.
  EXPECT_STREQ(ipistorm::InputError("caf\xc3\xa9").what(), "caf\xc3\xa9");
}
