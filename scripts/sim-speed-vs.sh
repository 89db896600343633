#!/usr/bin/env bash
# sim-speed-vs.sh OLD_BENCH NEW_BENCH [FILTER] [ROUNDS]: the simulator's
# speed benchmarks (bench/sim_speed.cpp) of two builds side by side, run
# interleaved (old, new, old, new, ...) so that both see the same machine,
# and their ratios. Build OLD_BENCH from the same bench/sim_speed.cpp linked
# against the old library, e.g. for commit C (8cbc296, issue #23's base):
#   git archive C | tar -x -C /tmp/old &&
#   cmake -S /tmp/old -B /tmp/old-build -DCMAKE_BUILD_TYPE=Release \
#     -DIPISTORM_BUILD_TESTS=OFF -DIPISTORM_BUILD_BENCH=OFF -DIPISTORM_BUILD_PYTHON=OFF &&
#   cmake --build /tmp/old-build --target ipistorm &&
#   g++ -O3 -DNDEBUG -std=c++17 -I/tmp/old/sim bench/sim_speed.cpp \
#       $(find /tmp/old-build/sim/CMakeFiles/ipistorm_registered.dir -name '*.o') \
#       /tmp/old-build/sim/libipistorm_sim.a -lbenchmark -lhwloc -lpthread -o /tmp/old-bench
# (the kernels and strategies register themselves from the objects of
# ipistorm_registered; without them no kernel is known). Benchmarks the old
# tree lacks (BM_Storm384 before the storm existed) are left out of its build
# and of the table.
set -eu
OLD=$1
NEW=$2
FILTER=${3:-.}
ROUNDS=${4:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$ROUNDS"); do
  "$OLD" --benchmark_filter="$FILTER" --benchmark_format=json >"$tmp/old$r.json" 2>/dev/null
  "$NEW" --benchmark_filter="$FILTER" --benchmark_format=json >"$tmp/new$r.json" 2>/dev/null
done
/usr/bin/python3 - "$tmp" "$ROUNDS" <<'PY'
import json, sys, statistics
tmp, rounds = sys.argv[1], int(sys.argv[2])
def load(kind):
    out = {}
    for r in range(1, rounds + 1):
        for b in json.load(open(f"{tmp}/{kind}{r}.json"))["benchmarks"]:
            out.setdefault(b["name"], []).append(b)
    return out
old, new = load("old"), load("new")
def med(rows, key):
    vals = [b[key] for b in rows if key in b]
    return statistics.median(vals) if vals else float("nan")
print(f"{'benchmark':34} {'old cpu ms':>11} {'new cpu ms':>11} {'speed-up':>8}"
      f" {'old ev/s':>10} {'new ev/s':>10} {'old wall s':>10} {'new wall s':>10}"
      f" {'new ev/mlock/vcpu':>17}")
for name in new:
    if name not in old:
        continue
    o, n = med(old[name], "cpu_time"), med(new[name], "cpu_time")
    if "real_time" in name:
        o, n = med(old[name], "real_time"), med(new[name], "real_time")
    print(f"{name:34} {o:11.1f} {n:11.1f} {o / n:7.2f}x"
          f" {med(old[name], 'events_per_s') / 1e6:9.2f}M {med(new[name], 'events_per_s') / 1e6:9.2f}M"
          f" {med(old[name], 'wall_s'):10.2f} {med(new[name], 'wall_s'):10.2f}"
          f" {med(new[name], 'events_per_mlock_per_vcpu'):17.2f}")
y = {k: med(v, "events_per_s") for k, v in new.items() if k.startswith("BM_HeapYardstick/")}
for k, v in new.items():
    if k.startswith("BM_EngineEvents/"):
        w = "BM_HeapYardstick/" + k.split("/")[1]
        if w in y:
            print(f"engine / yardstick at {k.split('/')[1]:>5} pending: {med(v, 'events_per_s') / y[w]:.2f}x")
PY
