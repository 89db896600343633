#!/usr/bin/env bash
# cli_sweep.sh IPISTORM: sweep output is byte-identical for -j 1 and -j 2;
# grid errors exit 2 with one line and write nothing; Ctrl-C stops a sweep
# within a second and leaves no file; compare writes CSV and JSON.
set -u
BIN=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
TINY=(--set boot_probe_polls=300 --set boot_firmware_polls=50 --set boot_firmware_sectors=10
      --set boot_init_polls=5 --set boot_init_cpu_s=0.01 --set boot_firmware_cpu_s=0.01)
cat >"$tmp/base.json" <<'J'
{"params": {"boot_probe_polls": 300, "boot_firmware_polls": 50, "boot_firmware_sectors": 10,
            "boot_init_polls": 5, "boot_init_cpu_s": 0.01, "boot_firmware_cpu_s": 0.01}}
J
cat >"$tmp/grid.json" <<'J'
{"kernel": ["linux-2.6.18-xen", "linux-2.6.31-pvops", "linux-3.12"],
 "strategy": ["mlock-per-call", "kernel-buffer"], "dom0_vcpus": [1, 4, 16], "seed": [1, 2],
 "params": {"evtchn_send_us": [1.0, 2.5]}}
J
"$BIN" sweep --config "$tmp/base.json" --grid "$tmp/grid.json" -j 1 --csv "$tmp/j1.csv" --json "$tmp/j1.json" >/dev/null || { echo "FAIL sweep -j1"; fail=1; }
"$BIN" sweep --config "$tmp/base.json" --grid "$tmp/grid.json" -j 2 --csv "$tmp/j2.csv" --json "$tmp/j2.json" >/dev/null || { echo "FAIL sweep -j2"; fail=1; }
if cmp -s "$tmp/j1.csv" "$tmp/j2.csv"; then echo "ok   sweep CSV identical for -j1/-j2 ($(wc -l <"$tmp/j1.csv") lines)"; else echo "FAIL sweep CSV differs"; fail=1; fi
/usr/bin/python3 - "$tmp" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
a, b = (json.load(open(f"{d}/j{n}.json")) for n in (1, 2))
a.pop("provenance"); b.pop("provenance")
assert a == b, "sweep JSON differs between -j1 and -j2"
assert len(a["runs"]) == 3 * 2 * 3 * 2 * 2, len(a["runs"])
print("ok   sweep JSON identical,", len(a["runs"]), "runs")
PY
# Flags build the same grid as the file.
"$BIN" sweep --config "$tmp/base.json" --kernel linux-2.6.18-xen,linux-2.6.31-pvops --kernel linux-3.12 \
  --strategy mlock-per-call,kernel-buffer --dom0-vcpus 1,4,16 --seed 1,2 \
  --set evtchn_send_us=1.0,2.5 -j 2 --csv "$tmp/flags.csv" >/dev/null
# --set via flags makes the swept parameter a column, like the grid file.
if cmp -s "$tmp/j1.csv" "$tmp/flags.csv"; then echo "ok   flags and grid file agree"; else echo "FAIL flags vs grid file"; fail=1; fi

bad() {  # bad NAME WANT ARGS...
  local name=$1 want=$2
  shift 2
  rm -f "$tmp/out.csv"
  "$BIN" sweep "$@" --csv "$tmp/out.csv" >/dev/null 2>"$tmp/err"
  local rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && ! ls "$tmp"/out.csv* >/dev/null 2>&1; then
    echo "ok   $name: $(cat "$tmp/err")"
  else
    echo "FAIL $name (exit $rc):"; cat "$tmp/err"; fail=1
  fi
}
printf '{"kernel": [' >"$tmp/malformed.json"
echo '{"kernel": ["linux-2.6.31-pvops", "linux-9.9"]}' >"$tmp/unknown.json"
echo '{"strategy": []}' >"$tmp/empty.json"
bad malformed-grid "not valid JSON" --grid "$tmp/malformed.json"
bad unknown-kernel-in-grid "linux-9.9" --grid "$tmp/unknown.json"
bad empty-list "empty list" --grid "$tmp/empty.json"
bad unknown-strategy-flag "pray" --strategy mlock-per-call,pray
bad too-many-runs "--yes" --seed "$(seq -s, 1 1001)" --set evtchn_send_us="$(seq -s, 1 1000)"
bad bad-vcpus "--dom0-vcpus" --dom0-vcpus two
bad missing-grid "cannot read" --grid "$tmp/none.json"

# Ctrl-C: a long sweep stops within a second, exit 130, no output file.
"$BIN" sweep --dom0-vcpus 16 --seed 1,2,3,4,5,6,7,8 -j 2 --csv "$tmp/long.csv" >/dev/null 2>"$tmp/int.err" &
pid=$!
sleep 1
start=$(date +%s.%N)
kill -INT $pid
wait $pid
rc=$?
took=$(echo "$(date +%s.%N) - $start" | bc)
if [ $rc -eq 130 ] && ! ls "$tmp"/long.csv* >/dev/null 2>&1 && [ "$(echo "$took < 1.0" | bc)" -eq 1 ]; then
  echo "ok   Ctrl-C: exit 130 after ${took}s, nothing written"
else
  echo "FAIL Ctrl-C: exit $rc after ${took}s"; ls "$tmp"; cat "$tmp/int.err"; fail=1
fi

# compare: a row per strategy, CSV and JSON.
"$BIN" compare "${TINY[@]}" --kernel linux-2.6.31-pvops,linux-4.15 --dom0-vcpus 4 \
  --csv "$tmp/cmp.csv" --json "$tmp/cmp.json" >"$tmp/cmp.txt" || { echo "FAIL compare"; fail=1; }
nstrat=$("$BIN" params | sed -n 's/^strategies: //p' | wc -w)
rows=$(($(wc -l <"$tmp/cmp.csv") - 1))
if [ "$rows" -eq $((2 * nstrat)) ] && grep -q "no-lock.*NO$" "$tmp/cmp.txt"; then
  echo "ok   compare: $rows rows for $nstrat strategies x 2 kernels"
else
  echo "FAIL compare rows $rows"; fail=1
fi
exit $fail
