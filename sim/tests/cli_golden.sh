#!/usr/bin/env bash
# cli_golden.sh IPISTORM GOLDEN_DIR: the canonical scenarios' summary, byte
# for byte. Regenerate only on purpose: scripts/regen-golden.sh.
set -u
BIN=$1
DIR=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$BIN" reproduce -j 2 >"$out"
rc=$?
if ! diff -u "$DIR/reproduce.txt" "$out"; then
  echo "golden summary differs (if on purpose: scripts/regen-golden.sh)"
  exit 1
fi
# reproduce exits 1 while a figure is out of tolerance (README: the IPI peak).
grep -q "SOME FIGURES OUT OF TOLERANCE" "$out" && want=1 || want=0
[ "$rc" -eq "$want" ] || { echo "exit $rc, want $want"; exit 1; }
echo "golden summary matches (exit $rc)"
