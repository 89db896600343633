#!/usr/bin/env bash
# lab_run_quick.sh REPO BUILD_DIR: bench/lab-run end to end in --quick mode
# (with a numactl binding passed through), then the failure paths: a bench
# that fails half-way and a run interrupted by SIGTERM leave no run
# directory behind, partial or not.
set -euo pipefail
repo=$1
build=$2
py=/usr/bin/python3
[ -x "$py" ] || py=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$repo/bench/lab-run" --quick --build-dir "$build" --out "$work/lab" \
  --numactl "--cpunodebind=0" > "$work/quick.txt" 2>&1 || { cat "$work/quick.txt"; fail "lab-run --quick"; }
runs=("$work"/lab/*)
[ "${#runs[@]}" = 1 ] || fail "expected one run directory, got ${runs[*]}"
run=${runs[0]}
[ -z "$(ls -A "$work/lab" | grep '^\.')" ] || fail "temporary directory left behind"
for f in uname.txt lscpu.txt lstopo.xml numactl-H.txt cmdline.txt bench.json bench-console.txt \
         summary.txt metadata.json calibration.json calibrate.txt validation.json validate.txt; do
  [ -s "$run/$f" ] || fail "$f missing or empty"
done
grep -q "^benchmark .*median us" "$work/quick.txt" || fail "no summary table printed"
grep -q "fit error" "$work/quick.txt" || fail "calibrate did not run"
# The summary lists the benchmarks by name, whatever order they ran in.
names=$(awk 'f&&!NF{exit} f{print $1} /^---/{f=1}' "$run/summary.txt")
[ -n "$names" ] && [ "$names" = "$(printf '%s\n' "$names" | LC_ALL=C sort)" ] ||
  fail "summary.txt is not sorted by benchmark name"
"$py" - "$run" <<'PY' || fail "metadata/bench JSON"
import json, os, sys
run = sys.argv[1]
m = json.load(open(os.path.join(run, "metadata.json")))
for k in ["git_commit", "date_utc", "command_line", "bench_command", "host"]:
    assert m[k], k
assert m["numactl"] == "--cpunodebind=0"
cmd = m["bench_command"]
if m["nice"] != 0:
    assert cmd[:3] == ["nice", "-n", str(m["nice"])], cmd
    cmd = cmd[3:]
assert cmd[:2] == ["numactl", "--cpunodebind=0"], cmd
assert m["repetitions"] >= 5 and m["quick"] is True
assert m["calibrate_exit"] == 0
# The clock, measured and recorded (the XML carries it for ipistorm's loader).
assert m["cpu_ghz"] and 0.1 <= m["cpu_ghz"] <= 100 and m["cpu_ghz_source"], m.get("cpu_ghz")
assert f'<info name="IpistormCpuGHz" value="{m["cpu_ghz"]:.3f}"/>' in open(os.path.join(run, "lstopo.xml")).read()
assert not any(".partial" in a for a in m["bench_command"]), "temporary path in metadata"
b = json.load(open(os.path.join(run, "bench.json")))
reps = [x for x in b["benchmarks"] if x.get("run_type") == "iteration"]
assert reps and all(x["repetitions"] >= 5 for x in reps)
PY

# A benchmark that fails after writing part of its output: nothing recorded.
mkdir -p "$work/fake/bin"
cat > "$work/fake/bin/ipistorm-bench" <<'FAKE'
#!/usr/bin/env bash
for a in "$@"; do case "$a" in --benchmark_out=*) echo '{"context": {' > "${a#*=}" ;; esac; done
# FAKE_READY: say "running" there, then go on (and fail) only once the test
# has signalled lab-run and created $FAKE_READY.go (hang guard: 120 s).
if [ -n "${FAKE_READY:-}" ]; then
  touch "$FAKE_READY"
  for _ in $(seq 1200); do [ -e "$FAKE_READY.go" ] && break; sleep 0.1; done
fi
echo "fake bench failing"; exit 1
FAKE
cp "$work/fake/bin/ipistorm-bench" "$work/fake/bin/ipistorm"
chmod +x "$work/fake/bin/"*
rc=0
"$repo/bench/lab-run" --quick --build-dir "$work/fake" --out "$work/lab2" > /dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "lab-run succeeded with a failing bench"
[ -z "$(ls -A "$work/lab2")" ] || fail "failed run left: $(ls -A "$work/lab2")"

# Interrupted while the bench runs: nothing recorded either.
# The fake bench says when it runs and goes on only after the signal has been
# sent (bash runs lab-run's trap once the bench returns); no fixed wait
# decides the moment.
FAKE_READY="$work/fake-running" "$repo/bench/lab-run" --quick --build-dir "$work/fake" \
  --out "$work/lab3" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1200); do [ -e "$work/fake-running" ] && break; sleep 0.1; done  # hang guard: 120 s
[ -e "$work/fake-running" ] || fail "the fake bench never started"
kill -TERM "$pid"
touch "$work/fake-running.go"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 130 ] || fail "interrupted lab-run: exit $rc, want 130"
[ -z "$(ls -A "$work/lab3")" ] || fail "interrupted run left: $(ls -A "$work/lab3")"

# Bad options are refused before anything is written.
rc=0
"$repo/bench/lab-run" --repetitions 3 --build-dir "$build" --out "$work/lab4" > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--repetitions 3 exit $rc, want 2"
[ ! -e "$work/lab4" ] || [ -z "$(ls -A "$work/lab4")" ] || fail "refused run wrote something"
# Each of lab-run's own flags is checked: one line, exit 2, nothing written.
touch "$work/a-file"
while IFS= read -r args; do
  rc=0
  # shellcheck disable=SC2086  # the arguments are split on purpose
  "$repo/bench/lab-run" --build-dir "$build" --out "$work/lab5" $args > /dev/null 2> "$work/err" || rc=$?
  [ "$rc" = 2 ] || fail "lab-run $args: exit $rc, want 2"
  [ "$(wc -l < "$work/err")" = 1 ] || fail "lab-run $args: $(wc -l < "$work/err") stderr lines"
  [ ! -e "$work/lab5" ] || fail "lab-run $args wrote $work/lab5"
done <<'ARGS'
--repetitions
--repetitions 99999999999999999999
--repetitions 5x
--min-time 0
--min-time -1
--min-time nan
--min-time 1e400
--warmup -0.5
--numa sideways
--nice 100
--nice -21
--nice x
--name .hidden
--name a/b
--filter (
--no-such-flag
--build-dir --quick
-- --benchmark_out=x.json
-- --benchmark_repetitions=1
-- --benchmark_filter=x
-- --numa=remote
ARGS
rc=0
"$repo/bench/lab-run" --build-dir "$build" --out "$work/a-file" > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--out on a regular file: exit $rc, want 2"
echo "lab-run OK"
