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
# reproduce exits 0 when it ran; with --check, 1 while a figure is out of
# tolerance (README: the IPI peak), and the same table.
[ "$rc" -eq 0 ] || { echo "reproduce: exit $rc, want 0"; exit 1; }
"$BIN" reproduce -j 2 --check >"$out.check"
rc=$?
grep -q "SOME FIGURES OUT OF TOLERANCE" "$out" && want=1 || want=0
[ "$rc" -eq "$want" ] || { echo "reproduce --check: exit $rc, want $want"; exit 1; }
cmp -s "$out" "$out.check" || { echo "reproduce --check printed another table"; exit 1; }
rm -f "$out.check"
echo "golden summary matches (exit 0; --check exit $rc)"
