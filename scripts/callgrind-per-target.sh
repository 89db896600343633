#!/usr/bin/env bash
# callgrind-per-target.sh [IPISTORM] [MLOCKS]: instructions per idle drain
# target per mlock of the pvops boot at 1024 vCPUs ("pack:16 [numa] core:32
# pu:2"), counted by callgrind (valgrind). Two short boots are run, of MLOCKS
# and 2 x MLOCKS mlocks (default 500: firmware polls only, 0.1 s of guest
# CPU); the difference of their instruction counts, divided by MLOCKS x 1023
# targets (every vCPU but the caller's), is the cost of one target's chain
# per mlock, with start-up, topology and output cancelled out.
# IPISTORM defaults to build/bin/ipistorm. Each run takes about a minute.
set -eu
BIN=${1:-build/bin/ipistorm}
N=${2:-500}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" "$BIN" simulate \
    --topology "pack:16 [numa] core:32 pu:2" --set boot_firmware_polls="$1" \
    --set boot_firmware_sectors=0 --set boot_probe_polls=0 --set boot_init_polls=0 \
    --set boot_firmware_cpu_s=0.1 --set boot_probe_cpu_s=0 --set boot_init_cpu_s=0 \
    --json "$tmp/r.$1.json" >/dev/null 2>"$tmp/err.$1"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err.$1"
}
a=$(run "$N")
b=$(run $((2 * N)))
/usr/bin/python3 - "$tmp" "$N" "$a" "$b" <<'PY'
import json, sys
tmp, n, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
m1 = json.load(open(f"{tmp}/r.{n}.json"))["metrics"]
m2 = json.load(open(f"{tmp}/r.{2 * n}.json"))["metrics"]
mlocks = m2["mlock_calls"] - m1["mlock_calls"]
targets = (m2["drain_cpus"] - m1["drain_cpus"]) / mlocks - 1  # all but the caller's own
print(f"{n} mlocks: {a:,} instructions; {2 * n}: {b:,}")
print(f"per target per mlock: ({b:,} - {a:,}) / ({mlocks} x {targets:.0f}) = "
      f"{(b - a) / (mlocks * targets):.0f} instructions")
PY
