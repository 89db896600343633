// test_bench_flags.cpp: ipistorm-bench's check of Google Benchmark's flags.
#include <gtest/gtest.h>

#include "bench_flags.hpp"

namespace ipistorm::bench {
namespace {

TEST(BenchFlags, WellFormedFlagsAndOthersPass) {
  for (const char* ok :
       {"ipistorm-bench", "--numa=local", "--benchmark_repetitions=5", "--benchmark_min_time=0.2",
        "--benchmark_min_warmup_time=0", "--benchmark_enable_random_interleaving=true",
        "--benchmark_display_aggregates_only", "--benchmark_filter=^fanout/",
        "--benchmark_filter=", "--benchmark_out=run.json", "--benchmark_out_format=json",
        "--benchmark_format=console", "--benchmark_color=auto", "--benchmark_time_unit=us",
        "--benchmark_context=a=1,b=2", "--v=2", "-x"})
    EXPECT_EQ(check_benchmark_flag(ok), "") << ok;
}

TEST(BenchFlags, BadValuesAreRefusedNamingTheFlag) {
  for (const char* bad : {"--benchmark_repetitions=-1",
                          "--benchmark_repetitions=0",
                          "--benchmark_repetitions=2.5",
                          "--benchmark_repetitions=",
                          "--benchmark_repetitions",
                          "--benchmark_repetitions=1001",
                          "--benchmark_repetitions=99999999999999999999",
                          "--benchmark_min_time=0",
                          "--benchmark_min_time=-1",
                          "--benchmark_min_time=nan",
                          "--benchmark_min_time=1e400",
                          "--benchmark_min_time=0.2s",
                          "--benchmark_min_warmup_time=-0.1",
                          "--benchmark_enable_random_interleaving=banana",
                          "--benchmark_out_format=xml",
                          "--benchmark_out=",
                          "--benchmark_time_unit=h",
                          "--benchmark_context=novalue",
                          "--benchmark_color=purple",
                          "--v=-1",
                          "--benchmark_no_such_flag=1"}) {
    const std::string why = check_benchmark_flag(bad);
    EXPECT_NE(why, "") << bad;
    EXPECT_NE(why.find(bad), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  }
}

}  // namespace
}  // namespace ipistorm::bench
