#!/usr/bin/env bash
# test.sh: install, build and run the whole test suite.
#   1. Release build with -Wall -Wextra -Werror, every CTest test
#   2. the same tests under AddressSanitizer + UBSan (build-asan/)
#   3. formatting against .clang-format
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

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPISTORM_SANITIZE=ON \
      -DIPISTORM_WERROR=ON -DIPISTORM_BUILD_PYTHON=OFF \
      -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== format"
bash scripts/check-format.sh
