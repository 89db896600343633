#!/usr/bin/env bash
# lab_commands.sh IPISTORM RECORDED_RUN: `ipistorm calibrate` and `ipistorm
# validate` on a recorded lab run (bench/testdata/lab-run, a --quick run of
# the 2-vCPU KVM guest), in a scratch copy so the source tree is not written.
# Checks the files' schema, the determinism of validate, that `simulate
# --calibration` accepts the result, and one-line errors (exit 2) on bad input.
set -euo pipefail
ipistorm=$1
recorded=$2
py=/usr/bin/python3
[ -x "$py" ] || py=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp -r "$recorded" "$work/run"
rm -f "$work/run/calibration.json" "$work/run/validation.json"

"$ipistorm" calibrate "$work/run" > "$work/calibrate.txt" || fail "calibrate exit $?"
grep -q "^fit error: rms" "$work/calibrate.txt" || fail "calibrate printed no fit error"
"$py" - "$work/run/calibration.json" <<'PY' || fail "calibration.json schema"
import json, sys
c = json.load(open(sys.argv[1]))
assert set(c) == {"params", "fit", "provenance"}, c.keys()
for name in ["syscall_us", "queue_work_us", "complete_us", "mlock_page_us", "munlock_page_us",
             "context_switch_us", "evtchn_send_us", "xen_vcpu_wake_us", "max_cstate"]:
    assert name in c["params"], name
    assert c["params"][name] >= 0, name
    p = c["fit"]["parameters"][name]
    assert p["rule"] and p["unit"] is not None, name
    assert name == "max_cstate" or p["observations"], name
# On the 2-vCPU guest only the same-package class exists.
assert "ipi_same_core_us" in c["fit"]["not_fitted"]
assert "ipi_other_package_us" in c["fit"]["not_fitted"]
err = c["fit"]["error"]
assert err["observations"] >= 6 and err["rms_rel"] >= 0, err
for o in c["fit"]["observations"]:
    assert o["measured_us"] > 0 and "rel_error" in o, o
assert c["provenance"]["run_metadata"]["repetitions"] >= 5
# Calibrate reads only its declared subset.
used = {o["benchmark"] for o in c["fit"]["observations"]}
for p in c["fit"]["parameters"].values():
    used |= set(p["observations"])
copy_pair = {"strategy/no-lock/bytes:64/load:idle", "strategy/no-lock/bytes:4096/load:idle"}
assert used and all(u.startswith(("syscall/", "wake/pingpong/", "fanout/membarrier/")) or u in copy_pair
                    for u in used), used
assert c["provenance"]["bench_context"]["hypervisor"]
PY

# validate exits 0 only on "met"; 1 for "not met" or "inconclusive" (noise).
rc=0
"$ipistorm" validate "$work/run" > "$work/validate1.txt" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "validate exit $rc"
cp "$work/run/validation.json" "$work/validation1.json"
"$ipistorm" validate "$work/run" > "$work/validate2.txt" || true
cmp -s "$work/validate1.txt" "$work/validate2.txt" || fail "validate is not deterministic"
# Re-running rewrites the same bytes: a committed run stays clean in git.
cmp -s "$work/validation1.json" "$work/run/validation.json" || fail "validation.json changed on re-run"
grep -q "fanout/schedule_on_each_cpu/same_package/k:1" "$work/validate1.txt" || fail "no k:1 row"
grep -q "strategy/mlock-per-call/bytes:4096/load:idle" "$work/validate1.txt" || fail "no strategy row"
grep -q "^verdict (median error <= 10% with median CV <= 5.0%): \(met\|not met\|inconclusive\)$" \
  "$work/validate1.txt" || fail "verdict line"
"$py" - "$work/run/validation.json" "$rc" "$work/run" <<'PY' || fail "validation.json schema"
import json, os, sys
v = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
assert v["schema"] == "ipistorm-validation-2"
assert v["target"] == 0.10 and v["noise_limit"] == 0.05
rows = v["rows"]
assert len(rows) == v["benchmarks"] >= 2, len(rows)
for r in rows:
    assert r["measured_us"] > 0 and r["predicted_us"] > 0 and r["repetition_cv"] >= 0, r
    assert r["family"] in ("strategy", "schedule_on_each_cpu"), r
    assert r["within_noise"] == (abs(r["rel_error"]) <= 2 * r["repetition_cv"]), r
    # Never a benchmark calibrate reads.
    assert not r["benchmark"].startswith(("syscall/", "wake/pingpong/", "fanout/membarrier/")), r
    if r["family"] == "schedule_on_each_cpu":
        # At most one IPI per worker and one back per worker (fewer when a
        # wake lands in the idle loop's polling window).
        assert 0 < r["predicted_ipis_per_op"] <= 2 * r["k"] + 1e-9, r
    else:
        assert r["strategy"] and r["bytes"] >= 64 and r["load"] in ("idle", "spin", "fault"), r
errs = sorted(abs(r["rel_error"]) for r in rows)
cvs = sorted(r["repetition_cv"] for r in rows)
med = lambda x: (x[(len(x) - 1) // 2] + x[len(x) // 2]) / 2
assert abs(v["median_abs_rel_error"] - med(errs)) < 1e-12
assert abs(v["median_repetition_cv"] - med(cvs)) < 1e-12
# The verdict is the documented rule on those two numbers.
want = ("inconclusive" if v["median_repetition_cv"] > v["noise_limit"] else
        "met" if v["median_abs_rel_error"] <= v["target"] else "not met")
assert v["verdict"] == want, (v["verdict"], want)
assert v["ok"] == (want == "met") and (rc == 0) == v["ok"]
# No absolute path anywhere, and the paths resolve inside the run.
def strings(x):
    if isinstance(x, dict):
        for k, y in x.items():
            yield from strings(y)
    elif isinstance(x, list):
        for y in x:
            yield from strings(y)
    elif isinstance(x, str):
        yield x
for s in strings(v):
    assert not s.startswith("/") and "=/" not in s and sys.argv[3] not in s, s
p = v["provenance"]
for k in ("bench_json", "calibration", "topology"):
    assert os.path.isfile(os.path.join(sys.argv[3], p[k])), (k, p[k])
assert "written_at" not in p
PY
# Relative paths also when the run is given by an absolute path elsewhere.
(cd / && "$ipistorm" validate "$work/run" > /dev/null) || true
cmp -s "$work/validation1.json" "$work/run/validation.json" || fail "validation.json depends on the cwd"

# The calibration's params are simulator parameters: a config made of them
# runs, and `simulate --calibration FILE` applies the file itself when the
# CLI offers that flag.
"$py" -c 'import json, sys; print(json.dumps({"params": json.load(open(sys.argv[1]))["params"]}))' \
  "$work/run/calibration.json" > "$work/config.json"
"$ipistorm" simulate --config "$work/config.json" --kernel linux-4.15 > "$work/simulate.txt" \
  || fail "simulate rejected the calibrated parameters"
if "$ipistorm" simulate --help | grep -q -- "--calibration"; then
  "$ipistorm" simulate --calibration "$work/run/calibration.json" --kernel linux-4.15 \
    > "$work/simulate2.txt" || fail "simulate --calibration rejected the file"
else
  echo "note: this ipistorm has no 'simulate --calibration'; checked the params via --config"
fi

# A membarrier run that sent almost no IPIs is refused as an IPI observation.
cp -r "$work/run" "$work/noipi"
"$py" - "$work/noipi/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for x in b["benchmarks"]:
    if x["name"].startswith("fanout/membarrier/same_package/k:1"):
        x["ipis_per_op"] = 0.03
json.dump(b, open(sys.argv[1], "w"))
PY
"$ipistorm" calibrate "$work/noipi" > "$work/noipi.txt" || fail "calibrate (no IPIs) exit $?"
"$py" - "$work/noipi/calibration.json" <<'PY' || fail "low-IPI membarrier was not refused"
import json, sys
c = json.load(open(sys.argv[1]))
assert "ipi_same_package_us" not in c["params"]
assert "0.03 IPIs per call" in c["fit"]["not_fitted"]["ipi_same_package_us"]
PY

# Changing every benchmark validate scores changes nothing calibrate fits.
cp -r "$work/run" "$work/scored"
"$py" - "$work/scored/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for x in b["benchmarks"]:
    if not x["name"].startswith(("syscall/", "wake/pingpong/", "fanout/membarrier/")):
        x["real_time"] = x.get("real_time", 1) * 7
json.dump(b, open(sys.argv[1], "w"))
PY
"$ipistorm" calibrate "$work/scored" > /dev/null || fail "calibrate (scored changed)"
"$py" - "$work/run/calibration.json" "$work/scored/calibration.json" <<'PY' || fail "calibrate read a scored benchmark"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["params"] == b["params"], (a["params"], b["params"])
PY

# Bad input: one line on stderr, exit 2, nothing written.
expect_input_error() {
  local rc=0
  "$ipistorm" "$@" > /dev/null 2> "$work/err.txt" || rc=$?
  [ "$rc" = 2 ] || fail "'$*' exit $rc, want 2 ($(head -c 300 "$work/err.txt"))"
  [ "$(wc -l < "$work/err.txt")" = 1 ] || fail "'$*' printed $(wc -l < "$work/err.txt") lines"
}
expect_input_error calibrate "$work/does-not-exist"
mkdir "$work/empty"
expect_input_error calibrate "$work/empty"
expect_input_error validate "$work/empty"
mkdir "$work/garbage" && echo '{"benchmarks": [' > "$work/garbage/bench.json"
expect_input_error calibrate "$work/garbage"
echo '{"context": {}, "benchmarks": []}' > "$work/garbage/bench.json"
expect_input_error calibrate "$work/garbage"
expect_input_error validate "$work/run" --calibration "$work/garbage/bench.json"

# A recorded run with one thing broken: calibrate and validate refuse it and
# write nothing (no calibration.json / validation.json left behind).
mutate() {  # mutate NAME PYTHON-EXPRESSION-ON-b (the bench JSON as text)
  rm -rf "$work/bad" && mkdir "$work/bad"
  cp "$work/run/lstopo.xml" "$work/bad/"
  "$py" - "$work/run/bench.json" "$work/bad/bench.json" "$2" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
b = json.loads(text)
it = [x for x in b["benchmarks"] if x.get("run_type") == "iteration"]
g = next(x for x in it if x["name"].startswith("syscall/getppid"))
s = next(x for x in it if x["name"].startswith("strategy/"))
exec(sys.argv[3])
open(sys.argv[2], "w").write(text if sys.argv[3].startswith("text =") else json.dumps(b))
PY
}
for case in 'g["real_time"] = 0' 'g["real_time"] = -1' 'g["real_time"] = 1e12' \
    'g["real_time"] = "fast"' 'g["label"] = 5' 'g["error_occurred"] = "no"' \
    'g["ipis_per_op"] = -2' 'b["context"]["cpu_model"] = 5; g["label"] = 7' \
    'b["context"] = []' 'b["benchmarks"].append(3)' \
    'text = text.replace("\"real_time\": ", "\"real_time\": 1e400 + ", 1)' \
    'text = re.sub(r"(\"real_time\": )[0-9.e+-]+", r"\1NaN", text, count=1)' \
    'text = re.sub(r"(\"real_time\": )[0-9.e+-]+", r"\1Infinity", text, count=1)' \
    's["real_time"] = 0' 's["real_time"] = "x"'; do
  mutate bad "$case"
  rc=0
  "$ipistorm" calibrate "$work/bad" > /dev/null 2> "$work/err.txt" || rc=$?
  [ "$rc" = 2 ] || fail "calibrate with $case: exit $rc, want 2"
  [ "$(wc -l < "$work/err.txt")" = 1 ] || fail "calibrate with $case: $(cat "$work/err.txt")"
  [ ! -e "$work/bad/calibration.json" ] || fail "calibrate with $case left calibration.json"
  cp "$work/run/calibration.json" "$work/bad/"
  rc=0
  "$ipistorm" validate "$work/bad" > /dev/null 2> "$work/err.txt" || rc=$?
  [ "$rc" = 2 ] || fail "validate with $case: exit $rc, want 2"
  [ ! -e "$work/bad/validation.json" ] || fail "validate with $case left validation.json"
done
# Bad calibration files: refused by validate and by simulate --calibration alike.
for cal in '{"params": {"syscall_us": 1e400}}' '{"params": {"syscall_us": "0.1"}}' \
    '{"params": {"syscall_us": -1}}' '{"params": {"syscall_us": NaN}}' '{"params": []}' \
    '{"params": {"no_such": 1}}' '{"params": {"syscall_us": true}}'; do
  echo "$cal" > "$work/cal.json"
  expect_input_error validate "$work/run" --calibration "$work/cal.json" --json "$work/v.json"
  [ ! -e "$work/v.json" ] || fail "validate with calibration $cal wrote its output"
  expect_input_error simulate --calibration "$work/cal.json"
done
expect_input_error validate "$work/run" --calibration /dev/zero --json "$work/v.json"
# Outputs: never a device, FIFO or directory (the rename would replace it),
# never one of the command's inputs; refused before any work.
mkdir "$work/dev"
mkfifo "$work/dev/fifo"
mknod "$work/dev/null" c 1 3 2>/dev/null || true
for target in "$work/dev/fifo" "$work/dev" "$work/dev/null"; do
  [ -e "$target" ] || continue
  expect_input_error calibrate "$work/run" --out "$target"
  expect_input_error validate "$work/run" --json "$target"
done
[ -p "$work/dev/fifo" ] || fail "the FIFO was replaced"
[ ! -e "$work/dev/null" ] || [ -c "$work/dev/null" ] || fail "the device node was replaced"
cp "$work/run/bench.json" "$work/bench-before.json"
expect_input_error calibrate "$work/run" --out "$work/run/bench.json"
cmp -s "$work/bench-before.json" "$work/run/bench.json" || fail "calibrate overwrote its input"
expect_input_error validate "$work/run" --json "$work/run/calibration.json"
expect_input_error validate "$work/run" --json "$work/run/lstopo.xml"
echo "lab commands OK"
