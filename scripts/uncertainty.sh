#!/usr/bin/env bash
# uncertainty.sh: regenerate the uncertainty results on the nehalem-ep preset
# (run after any model or default change; see results/README.md):
#   results/sim/uncertainty-nehalem-ep.json/.csv   reproduce --uncertainty N
#   results/sim/uncertainty-compare-nehalem-ep.json compare --uncertainty M (pvops, 16 vCPUs)
# Each JSON gains "command", "wall_s" and "runs_per_s" beside the "uncertainty"
# block (samples N, seed, design, re-fit) and "provenance" (version, commit,
# host) the CLI writes. N=64 and M=32 by default (env N, M, SEED, JOBS).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${IPISTORM:-build/bin/ipistorm}
N=${N:-64}
M=${M:-32}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
out=results/sim
mkdir -p "$out"

record() {  # record FILE WALL COMMAND...: add command and speed to the JSON
  local file="$1" wall="$2"; shift 2
  /usr/bin/python3 - "$file" "$wall" "$*" <<'PY'
import json, sys
path, wall, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3]
j = json.load(open(path))
j = {"command": cmd, "wall_s": round(wall, 1), **j}
json.dump(j, open(path, "w"), indent=1)
PY
}

cmd=("$BIN" reproduce --uncertainty "$N" --seed "$SEED" -j "$JOBS"
     --json "$out/uncertainty-nehalem-ep.json" --csv "$out/uncertainty-nehalem-ep.csv")
start=$(date +%s.%N)
"${cmd[@]}" | tee "$out/uncertainty-nehalem-ep.txt"
record "$out/uncertainty-nehalem-ep.json" "$(echo "$(date +%s.%N) - $start" | bc)" "${cmd[@]}"

cmd=("$BIN" compare --uncertainty "$M" --seed "$SEED" -j "$JOBS" --kernel linux-2.6.31-pvops
     --dom0-vcpus 16 --json "$out/uncertainty-compare-nehalem-ep.json")
start=$(date +%s.%N)
"${cmd[@]}" | tee "$out/uncertainty-compare-nehalem-ep.txt"
record "$out/uncertainty-compare-nehalem-ep.json" "$(echo "$(date +%s.%N) - $start" | bc)" "${cmd[@]}"
