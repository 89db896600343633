#!/usr/bin/env bash
# cli_sweep.sh IPISTORM: sweep output is byte-identical for -j 1 and -j 2;
# grid errors exit 2 with one line and write nothing; Ctrl-C cancels the
# runs in flight and leaves no file; a 10^7-run sweep streams in flat
# memory; compare writes CSV and JSON. No step waits a fixed time or judges
# a duration: each waits for what it needs to see, under a hang guard.
set -u
BIN=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# until SECONDS CONDITION: poll CONDITION every 0.1 s; false after SECONDS.
# A hang guard only: each condition holds within a second or so here.
until_ok() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do eval "$2" && return 0; sleep 0.1; done
  return 1
}
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
if cmp -s "$tmp/j1.json" "$tmp/j2.json"; then echo "ok   sweep JSON byte-identical for -j1/-j2"; else echo "FAIL sweep JSON bytes differ"; fail=1; fi
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
echo '[]' >"$tmp/list.json"
bad grid-not-object "JSON object with keys" --grid "$tmp/list.json"

# --grid's help lists the keys a grid file takes, as its error does (both
# from the config field table, not from a list written twice).
want=$(sed -n 's/.*JSON object with keys //p' "$tmp/err")
have=$("$BIN" sweep --help | tr -s ' \n' ' ' | sed -n 's/.*JSON grid file (keys: \([^)]*\)).*/\1/p')
if [ -n "$want" ] && [ "$have" = "$want" ]; then
  echo "ok   --grid help lists the grid keys: $have"
else
  echo "FAIL --grid help lists '$have', a grid takes '$want'"; fail=1
fi

# Ctrl-C: a sweep of runs that each take hours by construction (64 vCPUs,
# 10^8 IDE polls) exits 130 once the runs are in flight, so the runs in
# flight were cancelled; nothing is written.
"$BIN" sweep --topology nehalem-ex --set boot_probe_polls=100000000 --seed 1,2,3,4,5,6,7,8 -j 2 \
  --yes --csv "$tmp/long.csv" >/dev/null 2>"$tmp/int.err" &
pid=$!
# In flight: the temporary CSV is open and the run threads are up.
until_ok 120 'ls "$tmp"/long.csv.tmp.* >/dev/null 2>&1 && [ "$(ls /proc/$pid/task | wc -l)" -ge 2 ]' ||
  echo "(no run seen in flight before Ctrl-C)"
kill -INT $pid
if until_ok 120 '! kill -0 $pid 2>/dev/null'; then
  wait $pid
  rc=$?
else
  kill -KILL $pid; wait $pid; rc=hung
fi
if [ "$rc" = 130 ] && grep -q "interrupted" "$tmp/int.err" && ! ls "$tmp"/long.csv* >/dev/null 2>&1; then
  echo "ok   Ctrl-C: runs in flight cancelled, exit 130, nothing written"
else
  echo "FAIL Ctrl-C: exit $rc"; ls "$tmp"; cat "$tmp/int.err"; fail=1
fi

# A 10,000,000-run sweep streams its grid: long before its end its rows are
# going to the temporary beside --csv, in a bounded memory (holding its
# points it needed tens of GB and died of bad_alloc before the first run;
# the bound is loose for the sanitizer builds); Ctrl-C then leaves neither
# file nor temporary.
"$BIN" sweep --config "$tmp/base.json" --seed "$(seq -s, 1 10000)" --set evtchn_send_us="$(seq -s, 1 1000)" \
  --yes -j 2 --csv "$tmp/huge.csv" --json "$tmp/huge.json" >/dev/null 2>"$tmp/big-sweep.err" &
pid=$!
until_ok 300 '[ "$(cat "$tmp"/huge.csv.tmp.* 2>/dev/null | wc -l)" -gt 1 ]'
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
rows=$(cat "$tmp"/huge.csv.tmp.* 2>/dev/null | wc -l)
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && [ "$rows" -gt 1 ] && [ -n "$hwm" ] && [ "$hwm" -lt 1000000 ] &&
   ! ls "$tmp"/huge.* >/dev/null 2>&1; then
  echo "ok   10^7-run sweep: $rows CSV lines streamed, peak RSS ${hwm} kB; Ctrl-C: exit 130, nothing written"
else
  echo "FAIL 10^7-run sweep: exit $rc, $rows CSV lines streamed, peak RSS '${hwm}' kB"; ls "$tmp"
  cat "$tmp/big-sweep.err"; fail=1
fi

# compare: a row per strategy, CSV and JSON.
"$BIN" compare "${TINY[@]}" --kernel linux-2.6.31-pvops,linux-4.15 --dom0-vcpus 4 \
  --csv "$tmp/cmp.csv" --wide --json "$tmp/cmp.json" >"$tmp/cmp.txt" || { echo "FAIL compare"; fail=1; }
nstrat=$("$BIN" params --wide | sed -n 's/^strategies: //p' | wc -w)
rows=$(($(wc -l <"$tmp/cmp.csv") - 1))
# + the 2.6.18 baseline run, not among the kernels asked for
if [ "$rows" -eq $((2 * nstrat + 1)) ] && grep -Eq "no-lock +NO " "$tmp/cmp.txt"; then
  echo "ok   compare: $rows rows for $nstrat strategies x 2 kernels"
else
  echo "FAIL compare rows $rows"; fail=1
fi

# The sweep table has a column per swept dimension, --set parameters and the
# placement included; what is not swept is named once above the table.
"$BIN" sweep --config "$tmp/base.json" --kernel linux-2.6.31-pvops --placement pinned,spread \
  --dom0-vcpus 2,4 --set evtchn_send_us=1,2.5 --set xen_wake_jitter_us=0.5,1 -j 2 >"$tmp/sw.txt"
header=$(grep -m1 "^run " "$tmp/sw.txt")
missing=""
for col in placement vCPUs "evtchn_send_us (us)" "xen_wake_jitter_us (us)"; do
  [[ "$header" == *"$col"* ]] || missing+=" '$col'"
done
[[ "$header" == *kernel* ]] && missing+=" (kernel is not swept but has a column)"
grep -q "fixed: .*kernel linux-2.6.31-pvops" "$tmp/sw.txt" || missing+=" (no fixed-kernel line)"
# Rows that differ only in evtchn_send_us differ in that column.
body() { awk 'f&&!NF{exit} f{print} /^---/{f=1}' "$tmp/sw.txt"; }
rows=$(body | grep -c "^[0-9]")
uniq_keys=$(body | awk '{print $2,$3,$4,$5}' | sort -u | wc -l)
if [ -z "$missing" ] && [ "$rows" -eq 16 ] && [ "$uniq_keys" -eq 16 ]; then
  echo "ok   sweep table: a column per swept dimension: $header"
else
  echo "FAIL sweep table columns:$missing ($rows rows, $uniq_keys distinct keys)"; cat "$tmp/sw.txt"; fail=1
fi

# compare: an "x baseline" column that is 1.00 on the baseline row (2.6.18
# mlock-per-call, run even when not asked for), units on every column, seed
# lists as mean [min..max], a long CSV like sweep's and --wide.
"$BIN" compare "${TINY[@]}" --kernel linux-2.6.31-pvops --strategy mlock-per-call,kernel-buffer \
  --dom0-vcpus 4 --seed 1,2 --csv "$tmp/cmp-long.csv" --json "$tmp/cmp2.json" >"$tmp/cmp2.txt" ||
  { echo "FAIL compare --seed 1,2"; fail=1; }
/usr/bin/python3 - "$tmp" <<'PY' || fail=1
import csv, json, re, sys
d = sys.argv[1]
lines = open(f"{d}/cmp2.txt").read().splitlines()
head = next(i for i, l in enumerate(lines) if l.startswith("kernel "))
cols = re.split(r"\s{2,}", lines[head].strip())
assert "x baseline" in cols, cols
unitless = {"kernel", "strategy", "x baseline", "safe"}
for c in cols:
    assert c in unitless or re.search(r"\(.+\)|per ", c), f"column {c!r} has no unit"
rows = [re.split(r"\s{2,}", l.strip()) for l in lines[head + 2:] if l.strip()]
rows = [r for r in rows if len(r) == len(cols)]
by = {(r[0], r[1]): dict(zip(cols, r)) for r in rows}
base = by[("linux-2.6.18-xen", "mlock-per-call")]
assert base["x baseline"].startswith("1.00"), base
# two seeds: mean [min..max]
boot = next(c for c in cols if c.endswith("(s)"))
assert re.match(r"^[\d.]+ \[[\d.]+\.\.[\d.]+\]$", base[boot]), base[boot]
assert float(by[("linux-2.6.31-pvops", "mlock-per-call")]["x baseline"].split()[0]) > 1.0
# long CSV: sweep's layout, boot_time_x_baseline included, 1.0 on the baseline runs
r = list(csv.DictReader(open(f"{d}/cmp-long.csv")))
assert list(r[0])[:9] == ["run", "topology", "kernel", "strategy", "placement", "dom0_vcpus",
                          "seed", "metric", "value"], list(r[0])
x = [row for row in r if row["metric"] == "boot_time_x_baseline"]
assert len(x) == 6, len(x)  # (baseline + 2 strategies) x 2 seeds
assert all(float(row["value"]) == 1.0 for row in x
           if (row["kernel"], row["strategy"]) == ("linux-2.6.18-xen", "mlock-per-call"))
j = json.load(open(f"{d}/cmp2.json"))
assert j["baseline"] == {"kernel": "linux-2.6.18-xen", "strategy": "mlock-per-call"}
assert j["seeds"] == [1, 2] and len(j["rows"]) == 6
print("ok   compare: x baseline 1.00 on the baseline row, units, seeds mean [min..max], long CSV")
PY
"$BIN" compare "${TINY[@]}" --kernel linux-2.6.31-pvops --strategy mlock-per-call,kernel-buffer \
  --dom0-vcpus 4 --baseline linux-2.6.31-pvops/kernel-buffer --csv "$tmp/cmp-wide.csv" --wide >"$tmp/cmp3.txt"
if grep -Eq "^linux-2\.6\.31-pvops +kernel-buffer +yes +[0-9.]+ +1\.00 " "$tmp/cmp3.txt"; then
  echo "ok   compare --baseline: 1.00 on the chosen row"
else
  echo "FAIL compare --baseline"; cat "$tmp/cmp3.txt"; fail=1
fi
if head -1 "$tmp/cmp-wide.csv" | grep -q "^kernel,strategy,seed,boot_time_s,.*boot_time_x_baseline" &&
   [ "$(($(wc -l <"$tmp/cmp-wide.csv") - 1))" -eq 2 ]; then
  echo "ok   compare --wide: one row per run"
else
  echo "FAIL compare --wide"; cat "$tmp/cmp-wide.csv"; fail=1
fi
exit $fail
