#!/usr/bin/env bash
# cli_nativelink.sh IPISTORM GOLDEN_DIR: `ipistorm reproduce --report
# nativelink-2026`, the 2026 storm beside its report.
#  - With 4 draws its output is byte for byte the golden (regenerate on
#    purpose: ipistorm reproduce --report nativelink-2026 --draws 4 > FILE).
#  - Its JSON holds the mechanism the report describes: a per-call stall far
#    above a call that does not drain, low CPU use, blobs just written (no
#    drain on 6.1) retiring more than twice the blobs whose fadvise
#    drains, and more workers retiring less per worker.
#  - The 2009 report's flags, --uncertainty and a bad --draws are refused.
set -u
BIN=$1
GOLDEN=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

"$BIN" reproduce --report nativelink-2026 --draws 4 --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok "exit 0" || bad "exit $rc: $(cat "$tmp/err")"
grep -v '^wrote ' "$tmp/out" >"$tmp/table"
if cmp -s "$tmp/table" "$GOLDEN/reproduce-nativelink-2026-draws4.txt"; then ok "golden"
else bad "differs from the golden:"; diff "$GOLDEN/reproduce-nativelink-2026-draws4.txt" "$tmp/table" | head -20; fi
if /usr/bin/python3 - "$tmp/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fig = {f["figure"]: f for f in d["figures"]}
paths = {f["figure"]: f["model"]["p50"] for f in d["blob_paths"]}
stall = fig["stall: fadvise p50 (ms)"]["model"]["p50"]
assert stall > 0.2 and stall > 10 * paths["written (no drain on 6.1): stall p99 (ms)"], (fig, paths)
assert 2 <= fig["CPU use, all vCPUs (%)"]["model"]["p50"] <= 25, fig
drains = fig["blobs retired (/s)"]["model"]["p50"]
assert paths["written (no drain on 6.1): blobs/s"] > 2 * drains, (paths, drains)
c = [f["model"]["p50"] for f in d["ceiling"]]
workers = [8, 16, 32, 64, 128]
per_worker = [b / w for b, w in zip(c, workers)]
assert per_worker == sorted(per_worker, reverse=True), per_worker  # less per worker, always
assert c[-1] < 4 * c[2], c  # 4x the workers retire less than 4x the blobs
assert d["draws"] == 4 and d["provenance"]["git_commit"]
PY
then ok "JSON figures as the report describes them"; else bad "JSON figures"; fi

refused() {
  local name=$1 want=$2
  shift 2
  local rc=0
  "$BIN" reproduce "$@" >/dev/null 2>"$tmp/err" || rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$want" "$tmp/err"; then
    ok "$name refused"
  else bad "$name: exit $rc: $(cat "$tmp/err")"; fi
}
refused "--topology with nativelink" "do not apply to it" --report nativelink-2026 --topology nehalem-ex
refused "--draws without nativelink" "applies to --report nativelink-2026" --draws 5
refused "--set with nativelink" "do not apply to it" --report nativelink-2026 --set syscall_us=1
refused "--uncertainty with nativelink" "gives bands of its own" --report nativelink-2026 --uncertainty 4
refused "--draws 1" "outside 2..1000" --report nativelink-2026 --draws 1
refused "--draws 010x" "draws" --report nativelink-2026 --draws 010x
refused "unknown report" "report" --report nativelink-2025

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
