#!/usr/bin/env bash
# callgrind-per-target.sh [IPISTORM] [MLOCKS]: instructions per idle drain
# target per mlock of the pvops boot at 1024 vCPUs ("pack:16 [numa] core:32
# pu:2"), counted by callgrind (valgrind). Two short boots are run, of MLOCKS
# and 2 x MLOCKS mlocks (default 500: firmware polls only, 0.1 s of guest
# CPU); the difference of their instruction counts, divided by MLOCKS x 1023
# targets (every vCPU but the caller's), is the cost of one target's chain
# per mlock, with start-up, topology and output cancelled out.
# IPISTORM defaults to build/bin/ipistorm. Each run takes about a minute.
# With BRANCH_SIM=1 the runs are cachegrind's instead (--branch-sim=yes), and
# the same difference gives conditional branches and their mispredicts per
# target: a simulated predictor, a guide to where a real one misses, not
# its count.
set -eu
BIN=${1:-build/bin/ipistorm}
N=${2:-500}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  if [ "${BRANCH_SIM:-0}" = 1 ]; then
    tool=(--tool=cachegrind --cache-sim=no --branch-sim=yes --cachegrind-out-file="$tmp/cg.$1")
  else
    tool=(--tool=callgrind --callgrind-out-file="$tmp/cg.$1")
  fi
  valgrind "${tool[@]}" "$BIN" simulate \
    --topology "pack:16 [numa] core:32 pu:2" --set boot_firmware_polls="$1" \
    --set boot_firmware_sectors=0 --set boot_probe_polls=0 --set boot_init_polls=0 \
    --set boot_firmware_cpu_s=0.1 --set boot_probe_cpu_s=0 --set boot_init_cpu_s=0 \
    --json "$tmp/r.$1.json" >/dev/null 2>"$tmp/err.$1"
  if [ "${BRANCH_SIM:-0}" = 1 ]; then
    # "summary: Ir Bc Bcm Bi Bim": conditional branches and their mispredicts
    awk '/^summary:/ {print $3 ":" $4}' "$tmp/cg.$1"
  else
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err.$1"
  fi
}
a=$(run "$N")
b=$(run $((2 * N)))
/usr/bin/python3 - "$tmp" "$N" "$a" "$b" <<'PY'
import json, sys
tmp, n, a, b = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
m1 = json.load(open(f"{tmp}/r.{n}.json"))["metrics"]
m2 = json.load(open(f"{tmp}/r.{2 * n}.json"))["metrics"]
mlocks = m2["mlock_calls"] - m1["mlock_calls"]
targets = (m2["drain_cpus"] - m1["drain_cpus"]) / mlocks - 1  # all but the caller's own
per = mlocks * targets
if ":" in a:  # BRANCH_SIM=1: "conditional:mispredicted"
    (ba, ma), (bb, mb) = (map(int, x.split(":")) for x in (a, b))
    print(f"{n} mlocks: {ba:,} conditional branches, {ma:,} mispredicted; "
          f"{2 * n}: {bb:,}, {mb:,}")
    print(f"per target per mlock: {(bb - ba) / per:.1f} conditional branches, "
          f"{(mb - ma) / per:.2f} mispredicted")
else:
    a, b = int(a), int(b)
    print(f"{n} mlocks: {a:,} instructions; {2 * n}: {b:,}")
    print(f"per target per mlock: ({b:,} - {a:,}) / ({mlocks} x {targets:.0f}) = "
          f"{(b - a) / per:.0f} instructions")
PY
