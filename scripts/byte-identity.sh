#!/usr/bin/env bash
# byte-identity.sh OLD_IPISTORM NEW_IPISTORM: a change meant to leave every
# result alone (speed work, a refactor) is checked by running both builds on
# the same inputs and comparing their output byte for byte: `simulate --json`
# (provenance and timings dropped) and its table (the lines with wall times
# and the "wrote" lines dropped), for
#   every kernel x strategy on the default topology, on "pack:2 core:4 pu:2"
#   (seeds 1, 2) and on "pack:2 core:8 pu:2" (seeds 1, 3);
#   every kernel at 256 vCPUs (shortened boot, seeds 1, 2), two strategies
#   at 256 vCPUs, a short boot at 1024 vCPUs;
#   other placements and vCPU counts, every kernel with other drain callers
#   (other_drain_all_per_s), and today's storm (epyc-9654-2s, 1 s).
# The kernels and strategies are NEW's (`ipistorm params --wide`). Prints
# one "DIFF: name" line per difference, the number of runs, and ALL
# IDENTICAL (exit 0) or exits 1. About 3 minutes on the 2-core VM.
# Used since session 5 of round 3 (then as a scratch script) for every
# byte-identical speed commit; a deliberate change of results is instead one
# commit that regenerates the golden files (scripts/regen-golden.sh).
set -u
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: byte-identity.sh OLD_IPISTORM NEW_IPISTORM (two ipistorm executables)" >&2
  exit 2
fi
OLD=$1
NEW=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail=0
count=0
strip() {
  /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
j.pop("provenance", None)
for d in (j, j.get("metrics", {}), j.get("result", {})):
    if isinstance(d, dict):
        for k in ("wall_s", "cpu_s", "events_per_s"):
            d.pop(k, None)
print(json.dumps(j, sort_keys=True))' "$1"
}
text() { grep -v "^wrote \|wall time\|wall_s\|events/s" "$1"; }
run() {  # run NAME ARGS...
  local n=$1
  shift
  "$OLD" "$@" --json "$d/o.json" >"$d/o.txt" 2>&1
  "$NEW" "$@" --json "$d/n.json" >"$d/n.txt" 2>&1
  count=$((count + 1))
  if [ -s "$d/n.json" ] && cmp -s <(strip "$d/o.json") <(strip "$d/n.json") &&
    cmp -s <(text "$d/o.txt") <(text "$d/n.txt"); then
    :
  else
    echo "DIFF: $n"
    fail=1
  fi
}
kernels=$("$NEW" params --wide | sed -n 's/^kernels: //p')
strategies=$("$NEW" params --wide | sed -n 's/^strategies: //p')
short="--set boot_firmware_cpu_s=0.3 --set boot_probe_cpu_s=0.1 --set boot_init_cpu_s=0.1"
for k in $kernels; do
  for s in $strategies; do
    run "$k/$s" simulate --kernel "$k" --strategy "$s"
    for seed in 1 2; do
      run "$k/$s/8cpu/$seed" simulate --kernel "$k" --strategy "$s" --topology "pack:2 core:4 pu:2" --seed $seed
    done
    for seed in 1 3; do
      run "$k/$s/32v/$seed" simulate --kernel "$k" --strategy "$s" --topology "pack:2 core:8 pu:2" --seed $seed
    done
  done
done
for k in $kernels; do
  for seed in 1 2; do
    # shellcheck disable=SC2086
    run "$k/256v/$seed" simulate --kernel "$k" --seed $seed --topology "pack:8 [numa] core:16 pu:2" $short
  done
done
for s in mlock-per-call map-locked; do
  # shellcheck disable=SC2086
  run "256v/$s" simulate --strategy $s --topology "pack:8 [numa] core:16 pu:2" $short
done
run "1024v-short" simulate --topology "pack:16 [numa] core:32 pu:2" --set boot_firmware_polls=300 \
  --set boot_firmware_sectors=0 --set boot_probe_polls=0 --set boot_init_polls=0 \
  --set boot_firmware_cpu_s=0.1 --set boot_probe_cpu_s=0 --set boot_init_cpu_s=0
run "pvops-dom0-4-seed7" simulate --dom0-vcpus 4 --seed 7
run "spread-12-seed3" simulate --placement spread --dom0-vcpus 12 --seed 3
for k in $kernels; do
  run "$k/others" simulate --kernel "$k" --set other_drain_all_per_s=200 --seed 5
done
run "storm" storm --topology epyc-9654-2s --workers 16 --busy-cpus 100 --duration 1
echo "$count runs"
[ $fail = 0 ] && echo "ALL IDENTICAL"
exit $fail
