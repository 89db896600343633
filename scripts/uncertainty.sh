#!/usr/bin/env bash
# uncertainty.sh: regenerate the uncertainty results on the nehalem-ep preset
# (run after any model or default change; see results/README.md):
#   results/sim/uncertainty-nehalem-ep.json/.csv/.txt    reproduce --uncertainty N
#   results/sim/uncertainty-compare-nehalem-ep.json/.txt compare --uncertainty M (pvops, 16 vCPUs)
#   results/sim/sensitivity-pvops-boot.json/.csv/.txt    Sobol' indices over every ranged cost of
#                                                        the pvops boot time and both peaks, one
#                                                        design (no re-fit: the boot is the fit's
#                                                        target), base size NB
# and, only when STEPS names it (not committed: about 4 times the CPU of the
# boot study at NP=64, each point re-fitted):
#   results/sim/sensitivity-pvops-peaks.json/.csv/.txt   ... of the two peaks with queue_work_us
#                                                        re-fitted at every point, base size NP
# The sensitivity studies vary every cost with a plausible range (d of them:
# n * (d + 2) model runs). The committed sensitivity result is made by one
# command, about 35 CPU-minutes per core at NB=256 on the 2-vCPU machine (its
# JSON records wall_s, cpu_s and the load average at the start and the end):
#   nice scripts/uncertainty.sh STEPS=sensitivity
# Each reproduce/compare JSON gains "command" and "wall_s" beside the
# "uncertainty" block (samples, seed, design, re-fit) and "provenance"
# (version, commit, host) the CLI writes; the sensitivity JSON has its own
# command, config, dimensions, seed, n, bootstrap, wall_s, cpu_s,
# load_average and provenance. Defaults: N=64 M=32 NB=256 NP=64 SEED=1
# JOBS=2; STEPS="reproduce compare sensitivity" runs only some steps
# ("sensitivity" is "sensitivity-boot"; "sensitivity-peaks" is the re-fitted
# peaks study). Variables may be given as arguments (NAME=value) or in the
# environment.
set -euo pipefail
for arg in "$@"; do
  case "$arg" in
    N=*|M=*|NB=*|NP=*|SEED=*|JOBS=*|STEPS=*|IPISTORM=*) export "${arg?}" ;;
    *) echo "uncertainty.sh: unknown argument '$arg' (NAME=value: N M NB NP SEED JOBS STEPS IPISTORM)" >&2
       exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
BIN=${IPISTORM:-build/bin/ipistorm}
N=${N:-64}
M=${M:-32}
NB=${NB:-256}
NP=${NP:-64}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
STEPS=${STEPS:-reproduce compare sensitivity}
STEPS=" $STEPS "
STEPS=${STEPS// sensitivity / sensitivity-boot }
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
case " $STEPS " in *" sensitivity-boot "*)
  "$BIN" sensitivity --figure boot_time_s --figure resched_ipis_peak_per_s \
    --figure dom0_util_peak_pct --scenario pvops --no-refit -n "$NB" --seed "$SEED" -j "$JOBS" \
    --json "$out/sensitivity-pvops-boot.json" --csv "$out/sensitivity-pvops-boot.csv" |
    tee "$out/sensitivity-pvops-boot.txt"
esac
case " $STEPS " in *" sensitivity-peaks "*)
  "$BIN" sensitivity --figure resched_ipis_peak_per_s --figure dom0_util_peak_pct --scenario pvops \
    -n "$NP" --seed "$SEED" -j "$JOBS" \
    --json "$out/sensitivity-pvops-peaks.json" --csv "$out/sensitivity-pvops-peaks.csv" |
    tee "$out/sensitivity-pvops-peaks.txt"
esac
