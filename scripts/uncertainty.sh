#!/usr/bin/env bash
# uncertainty.sh: regenerate the uncertainty results on the nehalem-ep preset
# (run after any model or default change; see results/README.md):
#   results/sim/uncertainty-nehalem-ep.json/.csv/.txt    reproduce --uncertainty N
#   results/sim/uncertainty-compare-nehalem-ep.json/.txt compare --uncertainty M (pvops, 16 vCPUs)
#   results/sim/sensitivity-pvops-boot.json/.csv/.txt    Sobol' indices of the pvops boot time
#                                                        (no re-fit: it is the fit's target)
#   results/sim/sensitivity-pvops-peaks.json/.csv/.txt   ... of the pvops reschedule-IPI and dom0
#                                                        peaks (re-fitted), one design for both
# The sensitivity studies vary the costs a Spearman screening of the
# reproduce samples keeps (--screen, the top TOP_BOOT / TOP_PEAKS per figure;
# Morris is not in Debian's OpenTURNS), with base sizes NB and NP.
# Each reproduce/compare JSON gains "command" and "wall_s" beside the
# "uncertainty" block (samples, seed, design, re-fit) and "provenance"
# (version, commit, host) the CLI writes; the sensitivity JSON has its own
# command, seed, n, wall_s and provenance. Defaults: N=64 M=32 NB=32 NP=16
# TOP_BOOT=6 TOP_PEAKS=4 SEED=1 JOBS=2; STEPS="reproduce compare sensitivity"
# runs only some steps (sensitivity reads the reproduce CSV).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${IPISTORM:-build/bin/ipistorm}
N=${N:-64}
M=${M:-32}
NB=${NB:-32}
NP=${NP:-16}
TOP_BOOT=${TOP_BOOT:-6}
TOP_PEAKS=${TOP_PEAKS:-4}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
STEPS=${STEPS:-reproduce compare sensitivity}
out=results/sim
mkdir -p "$out"

record() {  # record FILE WALL COMMAND...: add command and wall time to the JSON
  local file="$1" wall="$2"; shift 2
  /usr/bin/python3 - "$file" "$wall" "$*" <<'PY'
import json, sys
path, wall, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3]
j = json.load(open(path))
j = {"command": cmd, "wall_s": round(wall, 1), **j}
json.dump(j, open(path, "w"), indent=1)
PY
}

timed() {  # timed JSON COMMAND...: run, tee the table to JSON's .txt, record
  local json="$1"; shift
  local start; start=$(date +%s.%N)
  "$@" | tee "${json%.json}.txt"
  record "$json" "$(echo "$(date +%s.%N) - $start" | bc)" "$@"
}

case " $STEPS " in *" reproduce "*)
  timed "$out/uncertainty-nehalem-ep.json" "$BIN" reproduce --uncertainty "$N" --seed "$SEED" \
    -j "$JOBS" --json "$out/uncertainty-nehalem-ep.json" --csv "$out/uncertainty-nehalem-ep.csv"
esac
case " $STEPS " in *" compare "*)
  timed "$out/uncertainty-compare-nehalem-ep.json" "$BIN" compare --uncertainty "$M" \
    --seed "$SEED" -j "$JOBS" --kernel linux-2.6.31-pvops --dom0-vcpus 16 \
    --json "$out/uncertainty-compare-nehalem-ep.json"
esac
case " $STEPS " in *" sensitivity "*)
  "$BIN" sensitivity --figure boot_time_s --scenario pvops --screen "$out/uncertainty-nehalem-ep.csv" \
    --top "$TOP_BOOT" -n "$NB" --seed "$SEED" -j "$JOBS" \
    --json "$out/sensitivity-pvops-boot.json" --csv "$out/sensitivity-pvops-boot.csv" |
    tee "$out/sensitivity-pvops-boot.txt"
  "$BIN" sensitivity --figure resched_ipis_peak_per_s --figure dom0_util_peak_pct --scenario pvops \
    --screen "$out/uncertainty-nehalem-ep.csv" --top "$TOP_PEAKS" -n "$NP" --seed "$SEED" \
    -j "$JOBS" --json "$out/sensitivity-pvops-peaks.json" --csv "$out/sensitivity-pvops-peaks.csv" |
    tee "$out/sensitivity-pvops-peaks.txt"
esac
