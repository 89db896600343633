#!/usr/bin/env bash
# head-to-head.sh: regenerate results/sim/head-to-head-nehalem-ep.csv: every
# strategy x every kernel preset x dom0 vCPUs 1,2,4,8,12,16 x seeds 1,2,3 on
# the nehalem-ep preset with the default parameters. Beside it:
#   .meta.json  command, wall time, runs/s, base config, git commit, host
#   .txt        the table the sweep printed
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${IPISTORM:-build/bin/ipistorm}
out=results/sim/head-to-head-nehalem-ep
kernels=$("$BIN" params --wide | sed -n 's/^kernels: //p' | tr ' ' ',')
strategies=$("$BIN" params --wide | sed -n 's/^strategies: //p' | tr ' ' ',')
cmd=("$BIN" sweep --topology nehalem-ep --kernel "$kernels" --strategy "$strategies"
     --dom0-vcpus 1,2,4,8,12,16 --seed 1,2,3 -j "${JOBS:-2}" --csv "$out.csv")
tmpjson=$(mktemp)
trap 'rm -f "$tmpjson"' EXIT
start=$(date +%s.%N)
"${cmd[@]}" --json "$tmpjson" > "$out.txt"
wall=$(echo "$(date +%s.%N) - $start" | bc)
/usr/bin/python3 - "$tmpjson" "$out.meta.json" "$wall" "${cmd[*]}" <<'PY'
import datetime, json, subprocess, sys
src, dst, wall, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
j = json.load(open(src))
n = len(j["runs"])
meta = {
    "command": cmd,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "wall_s": round(wall, 1),
    "runs": n,
    "runs_per_s": round(n / wall, 2),
    "grid": j["grid"],
    "base_config": j["base"],
    "provenance": j["provenance"],
    "machine": subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
}
json.dump(meta, open(dst, "w"), indent=1)
print(f"{n} runs in {wall:.1f} s ({n / wall:.2f} runs/s)")
PY
