// bench_flags.hpp: ipistorm-bench's command line checked before Google
// Benchmark 1.7.1 sees it. The library aborts on some bad values
// (--benchmark_repetitions=-1 fails a BM_CHECK) and reads others as
// something else (any word but false/no/off/0 is a true boolean), so every
// --benchmark_* flag and --v is checked here against its type and a
// physical range, and the program exits 2 with one line naming the flag.
#pragma once

#include <string>

namespace ipistorm::bench {

// "" when `arg` is a well-formed Google Benchmark flag (or not one of
// theirs at all: program name, our own --numa=); else the one-line reason.
// Accepted: --benchmark_list_tests[=BOOL], --benchmark_filter=REGEX,
// --benchmark_min_time=S (0 < S <= 3600), --benchmark_min_warmup_time=S
// (0 <= S <= 3600), --benchmark_repetitions=N (1..1000),
// --benchmark_enable_random_interleaving[=BOOL],
// --benchmark_report_aggregates_only[=BOOL],
// --benchmark_display_aggregates_only[=BOOL], --benchmark_format=F and
// --benchmark_out_format=F (console|json|csv), --benchmark_out=PATH,
// --benchmark_color=auto|BOOL, --benchmark_counters_tabular[=BOOL],
// --benchmark_perf_counters=LIST, --benchmark_context=K=V[,K=V...],
// --benchmark_time_unit=ns|us|ms|s, --v=N (0..10). BOOL is true|false|yes|
// no|on|off|1|0.
std::string check_benchmark_flag(const std::string& arg);

}  // namespace ipistorm::bench
