#!/usr/bin/env bash
# test.sh: install, build and run the whole test suite.
#   1. Release build with -Wall -Wextra -Werror, every CTest test, then the
#      virtual lab's smoke test (bench/vlab/smoke.sh: a real 6.1 kernel with
#      4 vCPUs under QEMU, exact interrupt and drain counts; under a minute)
#   2. the same tests under AddressSanitizer + UBSan (build-asan/, -O1)
#   3. every libFuzzer harness on a fixed number of inputs (build-fuzz/, clang; fuzz/README.md)
#   4. the concurrency tests under ThreadSanitizer (build-tsan/, clang)
#   5. formatting against .clang-format
# .ci/run calls exactly this script (README "Quick start", second command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

echo "== release build (warnings are errors)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DIPISTORM_WERROR=ON \
      -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j "$jobs"
echo "== tests (release)"
ctest --test-dir build --output-on-failure -j "$jobs"
echo "== virtual lab smoke (a real Linux 6.1 kernel, 4 vCPUs under QEMU)"
bash bench/vlab/smoke.sh

echo "== sanitizer build (ASan + UBSan)"
# -O1 -g1: what ASan needs (line numbers in reports) at less than half the
# compile time of RelWithDebInfo's -O2 -g. GCC 12 at -O1 warns
# maybe-uninitialized inside libstdc++'s std::regex (test_topology.cpp), a
# false positive; the Release build keeps that warning as an error.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -Wno-maybe-uninitialized" \
      -DIPISTORM_SANITIZE=ON -DIPISTORM_WERROR=ON -DIPISTORM_BUILD_PYTHON=OFF \
      -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== fuzz harnesses (libFuzzer + ASan + UBSan, clang-14)"
# Only the harnesses and the libraries they link; no tests, benchmarks or module.
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DIPISTORM_FUZZ=ON -DIPISTORM_WERROR=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
      -DIPISTORM_BUILD_TESTS=OFF -DIPISTORM_BUILD_BENCH=OFF -DIPISTORM_BUILD_PYTHON=OFF >/dev/null
cmake --build build-fuzz --target fuzzers -j "$jobs"
bash scripts/fuzz.sh build-fuzz/fuzz "${IPISTORM_FUZZ_CAP:-90}" "$jobs"

echo "== ThreadSanitizer build (thread pool, concurrent runs, cancel flag)"
# Only the model, the CLI and sim_thread_tests (test_sweep.cpp, test_threads.cpp).
cmake -S . -B build-tsan -DCMAKE_CXX_COMPILER=clang++-14 -DIPISTORM_TSAN=ON -DIPISTORM_WERROR=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
      -DIPISTORM_BUILD_BENCH=OFF -DIPISTORM_BUILD_PYTHON=OFF >/dev/null
cmake --build build-tsan --target sim_thread_tests ipistorm -j "$jobs"
echo "== tests (TSan): sweep, threads, CLI sweep with -j 2 and Ctrl-C"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R '^(Sweep|Threads)[.]|^cli_sweep_compare$'

echo "== format"
bash scripts/check-format.sh
