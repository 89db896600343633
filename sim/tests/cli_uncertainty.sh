#!/usr/bin/env bash
# cli_uncertainty.sh IPISTORM: --uncertainty on the CLI: -j 1 and -j 2 write
# byte-identical JSON (compare, sweep); bad sample counts and bad config
# ranges exit 2 with one line and write nothing. PYTHON (default "python")
# is "nopython" for a build without the Python module (the sanitizer build),
# which has no `ipistorm sensitivity` to check (it runs ipistorm.sensitivity).
set -u
bin="$1"
python="${2:-python}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
tiny=(--set boot_firmware_polls=0 --set boot_firmware_sectors=0 --set boot_init_polls=0
      --set boot_init_sectors=0 --set boot_firmware_cpu_s=0.01 --set boot_init_cpu_s=0.01
      --set boot_probe_cpu_s=0.01 --set boot_probe_polls=300)
for j in 1 2; do
  "$bin" compare --uncertainty 8 --no-refit --strategy no-lock,kernel-buffer,mlock-per-call \
    "${tiny[@]}" -j $j --json "$tmp/compare-$j.json" > "$tmp/compare-$j.txt" || fail=1
  "$bin" sweep --uncertainty 4 --no-refit --dom0-vcpus 2,4 "${tiny[@]/--set/--set}" -j $j \
    --json "$tmp/sweep-$j.json" --csv "$tmp/sweep-$j.csv" > /dev/null || fail=1
done
for j in 1 2; do  # reproduce with its re-fit (on the tiny boot it gives up: same either way)
  "$bin" reproduce --uncertainty 4 "${tiny[@]}" -j $j --json "$tmp/reproduce-$j.json" \
    --csv "$tmp/reproduce-$j.csv" > /dev/null || fail=1
done
# Fewer than 20 samples: the table says its p5/p95 columns are rough.
grep -q "^note: 8 samples leave less than one beyond p5 and p95" "$tmp/compare-1.txt" ||
  { echo "compare --uncertainty 8: no small-sample note"; fail=1; }
cmp -s "$tmp/reproduce-1.json" "$tmp/reproduce-2.json" || { echo "reproduce JSON differs for -j 1/2"; fail=1; }
cmp -s "$tmp/reproduce-1.csv" "$tmp/reproduce-2.csv" || { echo "reproduce CSV differs for -j 1/2"; fail=1; }
cmp -s "$tmp/compare-1.json" "$tmp/compare-2.json" || { echo "compare JSON differs for -j 1/2"; fail=1; }
cmp -s "$tmp/sweep-1.json" "$tmp/sweep-2.json" || { echo "sweep JSON differs for -j 1/2"; fail=1; }
cmp -s "$tmp/sweep-1.csv" "$tmp/sweep-2.csv" || { echo "sweep CSV differs for -j 1/2"; fail=1; }
head -1 "$tmp/sweep-1.csv" | grep -q '^run,sample,topology' || { echo "no sample column"; fail=1; }
grep -q 'no-lock faster than mlock-per-call in 100 % of 8 samples' "$tmp/compare-1.txt" ||
  { echo "verdict line missing"; fail=1; }
grep -q 'no-lock faster than the baseline (linux-2.6.18-xen/mlock-per-call) in ' "$tmp/compare-1.txt" ||
  { echo "default baseline verdict missing"; fail=1; }
# --baseline: the verdicts and the JSON name it, and its runs are the added reference row.
"$bin" compare --uncertainty 4 --no-refit --strategy no-lock,mlock-per-call --baseline linux-4.15 \
  "${tiny[@]}" --json "$tmp/baseline.json" > "$tmp/baseline.txt" || fail=1
grep -q 'no-lock faster than the baseline (linux-4.15/mlock-per-call) in ' "$tmp/baseline.txt" ||
  { echo "compare --uncertainty ignores --baseline"; cat "$tmp/baseline.txt"; fail=1; }
! grep -q '2.6.18' "$tmp/baseline.txt" || { echo "2.6.18 in a linux-4.15 baseline compare"; fail=1; }
/usr/bin/python3 - "$tmp/baseline.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
assert j["baseline"] == {"kernel": "linux-4.15", "strategy": "mlock-per-call"}, j["baseline"]
ref = [r for r in j["rows"] if r["reference_only"]]
assert [r["label"] for r in ref] == ["linux-4.15/mlock-per-call"], ref
assert "boot_time_s" in ref[0]["bands"] and "resched_ipis_per_s.peak" in ref[0]["bands"]
PY
# reproduce --uncertainty --pvops-cx none: the pvops scenarios run with C1
# only (other figures than with the Cx upload), the 2.6.18 ones unchanged.
for cx in uploaded none; do
  "$bin" reproduce --uncertainty 2 --no-refit --pvops-cx $cx "${tiny[@]}" \
    --json "$tmp/cx-$cx.json" > /dev/null || { echo "reproduce --uncertainty --pvops-cx $cx"; fail=1; }
done
/usr/bin/python3 - "$tmp/cx-uploaded.json" "$tmp/cx-none.json" <<'PY' || fail=1
import json, sys
up, none = (json.load(open(p)) for p in sys.argv[1:])
assert (up["uncertainty"]["pvops_cx"], none["uncertainty"]["pvops_cx"]) == ("uploaded", "none")
fig = lambda j, s: [f["band"] for f in next(x for x in j["scenarios"] if x["name"] == s)["figures"]]
assert fig(up, "2.6.18-xen") == fig(none, "2.6.18-xen")
assert fig(up, "pvops") != fig(none, "pvops")
PY

expect_2() {  # expect_2 WHAT ARGS...: exit 2, one line on stderr, no output file
  local what="$1"; shift
  "$bin" "$@" --json "$tmp/out.json" > /dev/null 2> "$tmp/err"
  local rc=$?
  if [ $rc -ne 2 ] || [ "$(wc -l < "$tmp/err")" -ne 1 ] || [ -e "$tmp/out.json" ]; then
    echo "$what: rc $rc, stderr: $(cat "$tmp/err")"; fail=1
  fi
  rm -f "$tmp/out.json"
}
expect_2 "N=1" reproduce --uncertainty 1
expect_2 "N above the cap" compare --uncertainty 4097 "${tiny[@]}"
expect_2 "N not a number" sweep --uncertainty many "${tiny[@]}"
printf '%s' '{"ranges": {"evtchn_send_us": {"range": [3, 0.5]}}}' > "$tmp/inverted.json"
printf '%s' '{"ranges": {"evtchn_send_us": {"range": [0, 2], "distribution": "log-uniform"}}}' > "$tmp/zero.json"
printf '%s' '{"ranges": {"nolock_fault_prob": {"range": [0.1, 0.95]}}}' > "$tmp/outside.json"
printf '%s' '{"ranges": {"queue_work_us": {"range": [1, 5]}}}' > "$tmp/fitted.json"
for c in inverted zero outside; do
  expect_2 "range $c" compare --uncertainty 4 --no-refit --config "$tmp/$c.json" "${tiny[@]}"
done
expect_2 "range on the re-fitted cost" reproduce --uncertainty 2 --config "$tmp/fitted.json"
if [ "$python" = python ]; then
  expect_2 "sensitivity: unknown figure" sensitivity --figure no_such_figure
  expect_2 "sensitivity: unknown scenario" sensitivity --scenario no-such-scenario
  expect_2 "sensitivity: n=1" sensitivity -n 1
  expect_2 "sensitivity: missing --screen file" sensitivity --screen "$tmp/none.csv"
  expect_2 "sensitivity: --screen with --parameter" sensitivity --screen "$tmp/inverted.json" \
    --parameter evtchn_send_us
  expect_2 "sensitivity: bad --config" sensitivity --config "$tmp/inverted.json"
  expect_2 "sensitivity: --bootstrap below 10" sensitivity --bootstrap 5
  expect_2 "sensitivity: --bootstrap not a number" sensitivity --bootstrap many
  # --screen: the costs come from a reproduce --uncertainty CSV, the top 2
  # per figure; two figures share one design; JSON (command, seed, n,
  # screening, provenance) and CSV (one row per evaluation) written.
  printf '{"params": {%s}}' "$(printf '%s\n' "${tiny[@]}" | grep -v -- --set |
    sed 's/\(.*\)=\(.*\)/"\1": \2/' | paste -sd, -)" > "$tmp/tiny.json"
  "$bin" reproduce --uncertainty 8 --no-refit --config "$tmp/tiny.json" --csv "$tmp/rep.csv" \
    > /dev/null || fail=1
  "$bin" sensitivity --config "$tmp/tiny.json" --screen "$tmp/rep.csv" --top 2 -n 4 --no-refit \
    --figure boot_time_s --figure resched_ipis_peak_per_s -j 2 --seed 3 \
    --json "$tmp/sens.json" --csv "$tmp/sens.csv" > "$tmp/sens.txt" || { cat "$tmp/sens.txt"; fail=1; }
  /usr/bin/python3 - "$tmp/sens.json" "$tmp/sens.csv" <<'PY' || fail=1
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
d = len(j["parameters"])
assert 2 <= d <= 4 and j["n"] == 4 and j["seed"] == 3 and j["refit"] is False, j
assert j["command"].startswith("ipistorm sensitivity --config") and j["provenance"]["git_commit"]
assert j["screening"]["top"] == 2 and set(j["screening"]["spearman"]) == set(j["figures"])
for f in j["figures"]:
    top = sorted(j["screening"]["spearman"][f].items(), key=lambda kv: -abs(kv[1]))[:2]
    assert {p for p, _ in top} <= set(j["parameters"]), (f, top)
assert len(rows) == j["evaluations"] == 4 * (d + 2)
assert {r["figure"] for r in j["indices"]} == {"boot_time_s", "resched_ipis_peak_per_s"}
assert list(rows[0])[1:d + 1] == j["parameters"] and "pvops/resched_ipis_peak_per_s" in rows[0]
PY
  # Every ranged cost (no --screen, no --parameter), as the committed
  # studies: one row per cost and figure, the costs the pvops boot never
  # reads exactly 0 (no_effect), and the run's record (bootstrap, cpu_s,
  # load_average, config, dimensions).
  "$bin" sensitivity --config "$tmp/tiny.json" -n 4 --no-refit --bootstrap 50 -j 2 \
    --figure boot_time_s --figure dom0_util_peak_pct \
    --json "$tmp/all.json" --csv "$tmp/all.csv" > "$tmp/all.txt" 2> "$tmp/all.err" ||
    { cat "$tmp/all.txt" "$tmp/all.err"; fail=1; }
  grep -q '^no effect (the figure unchanged at all 4 points, both indices 0): ' "$tmp/all.txt" ||
    { echo "sensitivity: no 'no effect' line"; cat "$tmp/all.txt"; fail=1; }
  grep -q '^top 5 by total: first-order interval above 0 for [0-5] of 5, total for [0-5] of 5$' \
    "$tmp/all.txt" || { echo "sensitivity: no top-5 count"; fail=1; }
  "$bin" params --json "$tmp/params.json" > /dev/null || fail=1
  /usr/bin/python3 - "$tmp/all.json" "$tmp/all.csv" "$tmp/params.json" <<'PY' || fail=1
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
ranged = [p["name"] for p in json.load(open(sys.argv[3]))["params"]
          if p.get("distribution", "none") != "none" and not p.get("fitted")]
assert j["parameters"] == ranged, (j["parameters"], ranged)
d = len(ranged)
assert j["bootstrap"] == 50 and j["n"] == 4 and len(rows) == j["evaluations"] == 4 * (d + 2)
assert j["cpu_s"] >= 0 and set(j["load_average"]) == {"start", "end"}
assert j["config"]["params"]["boot_probe_polls"] == 300
assert [x["name"] for x in j["dimensions"]] == ranged
assert {"distribution", "range", "range_source"} <= set(j["dimensions"][0])
assert "Jansen" in j["estimator"] and "SobolIndicesExperiment" in j["sampling"]
assert len(j["indices"]) == 2 * d
for r in j["indices"]:
    if r["no_effect"]:
        assert [r[k] for k in ("first_order", "first_order_low", "first_order_high", "total",
                               "total_low", "total_high")] == [0.0] * 6, r
    assert r["total_low"] >= 0, r  # a mean of squares
off = {r["parameter"] for r in j["indices"] if r["no_effect"] and r["figure"] == "boot_time_s"}
assert "nolock_fault_prob" in off and "evtchn_send_us" not in off, off
PY
fi
[ $fail -eq 0 ] && echo "uncertainty CLI checks passed"
exit $fail
