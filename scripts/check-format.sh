#!/usr/bin/env bash
# check-format.sh: every C++ file matches .clang-format (fix: --fix).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i $files
  exit 0
fi
clang-format --dry-run -Werror $files
echo "format ok ($(echo "$files" | wc -w) files)"
